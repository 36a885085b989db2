#!/usr/bin/env bash
# `scripts/run.sh <command> [args…]`: runs a command with Node 24 and the dependencies in place.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
exec "$@"
