#!/usr/bin/env bash
# `npm run test:e2e:queue`: the end-to-end test in real n8n queue mode (test/queue/e2e-queue.ts) —
# Redis and PostgreSQL from Debian's packages (installed when missing), an n8n main instance and
# two workers with this package, the WeLink and Aliyun IoT emulators. Prints its figures and exits
# non-zero when a check fails.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck source=scripts/n8n-runtime.sh
source "$ROOT/scripts/n8n-runtime.sh"
# shellcheck source=scripts/queue-packages.sh
source "$ROOT/scripts/queue-packages.sh"
cd "$ROOT"
rm -rf dist && tsc -p tsconfig.build.json && gulp build:icons --silent
tsc -p tsconfig.queue.json
exec node build/test/queue/e2e-queue.js
