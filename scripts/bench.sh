#!/usr/bin/env bash
# `npm run bench [-- options]`: our nodes against n8n's HTTP Request node in a real n8n 2.41.1
# (installed into .n8n-runtime/ when missing). Builds the package (the benchmark installs its npm
# tarball into a fresh n8n user folder) and the benchmark driver, then hands over to
# build/bench/run.js. `npm run bench -- --help` lists the options; `--no-build` reuses an existing
# dist/ (for callers that just built it, e.g. the end-to-end suite). Options that only read files an
# earlier run wrote (--help, --render, --publish, --analyse), and --floor (which runs no n8n), skip
# the package build.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# The benchmark measures on the 2.x line only, whatever N8N_LINE the caller has.
N8N_LINE=2
# shellcheck source=scripts/n8n-runtime.sh
source "$ROOT/scripts/n8n-runtime.sh"
cd "$ROOT"
build=1
runs_n8n=1
args=()
for arg in "$@"; do
	case "$arg" in
	--no-build) build=0 ;;
	--help | -h | --render | --publish | --analyse | --floor)
		runs_n8n=0
		args+=("$arg")
		;;
	*) args+=("$arg") ;;
	esac
done
if [ "$runs_n8n" = 1 ] && { [ "$build" = 1 ] || [ ! -d dist/nodes ]; }; then
	echo "bench: building the package" >&2
	bash scripts/build.sh
fi
echo "bench: building the benchmark driver" >&2
tsc -p tsconfig.bench.json
exec node build/bench/run.js "${args[@]+"${args[@]}"}"
