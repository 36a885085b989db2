#!/usr/bin/env bash
# `npm run start:queue`: `npm start` scaled out — Redis, PostgreSQL, an n8n main instance and two
# `n8n worker` processes with this package, the emulators and the example workflows. Run through
# scripts/run.sh (Node 24 + dependencies). Installs n8n into .n8n-runtime/ and the Debian packages
# when missing, builds the package and the script, then hands over to build/scripts/start-queue.js.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck source=scripts/n8n-runtime.sh
source "$ROOT/scripts/n8n-runtime.sh"
# shellcheck source=scripts/queue-packages.sh
source "$ROOT/scripts/queue-packages.sh"
cd "$ROOT"
echo "[start:queue] building the package…"
rm -rf dist && tsc -p tsconfig.build.json && gulp build:icons --silent
tsc -p tsconfig.queue.json
exec node build/scripts/start-queue.js
