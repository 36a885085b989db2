#!/usr/bin/env bash
# `npm start [-- --n8n=1]`: n8n with this package, the four vendor emulators and the example
# workflows. By default n8n 2.41.1 on Node 24 (.n8n-runtime/); `--n8n=1` (or N8N_LINE=1) starts
# n8n 1.123.x on Node 22 instead (.n8n-runtime-1x/). Run through scripts/run.sh (Node 24 +
# dependencies). Installs the chosen n8n when missing, builds the package and the start script,
# then hands over to build/scripts/start.js.
set -euo pipefail
for arg in "$@"; do
	case "$arg" in
	--n8n=*) N8N_LINE="${arg#--n8n=}" ;;
	*)
		echo "npm start: unknown option $arg (known: --n8n=1, --n8n=2)" >&2
		exit 2
		;;
	esac
done
export N8N_LINE="${N8N_LINE:-2}"
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck source=scripts/n8n-runtime.sh
source "$ROOT/scripts/n8n-runtime.sh"
cd "$ROOT"
echo "[npm start] n8n $N8N_VERSION on Node $("$N8N_NODE_BIN" -v)"
echo "[npm start] building the package…"
bash scripts/build.sh
tsc -p tsconfig.start.json
exec node build/scripts/start.js
