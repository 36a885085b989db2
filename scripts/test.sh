#!/usr/bin/env bash
# `npm test [-- jest arguments]`: the unit suite. Run through scripts/run.sh (Node 24 and the
# dependencies); installs what the tests start besides Node (scripts/test-prerequisites.sh), then jest.
set -euo pipefail
here="${BASH_SOURCE[0]%/*}"
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
# shellcheck source=scripts/test-prerequisites.sh
source "$here/test-prerequisites.sh"
exec jest "$@"
