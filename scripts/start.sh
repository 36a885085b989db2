#!/usr/bin/env bash
# `npm start`: n8n 2.41.1 with this package, the four vendor emulators and the example workflows.
# Run through scripts/run.sh (Node 24 + dependencies). Installs n8n into .n8n-runtime/ when missing,
# builds the package and the start script, then hands over to build/scripts/start.js.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck source=scripts/n8n-runtime.sh
source "$ROOT/scripts/n8n-runtime.sh"
cd "$ROOT"
echo "[npm start] building the package…"
rm -rf dist && tsc -p tsconfig.build.json && gulp build:icons --silent
tsc -p tsconfig.start.json
exec node build/scripts/start.js
