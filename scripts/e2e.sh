#!/usr/bin/env bash
# `npm run test:e2e [-- --n8n=1|2] [--no-build] [jest options]`: the end-to-end tests against a
# real n8n of one line (scripts/n8n-runtime.sh installs it when missing): 2 (default) = n8n 2.41.1
# on Node 24, 1 = n8n 1.123.x on Node 22. `N8N_LINE=1` does the same as `--n8n=1`. Builds the
# package first (the tests install its npm tarball into n8n; `--no-build` keeps the dist/ of an
# earlier `npm run build`, so CI builds once for both lines), then runs jest with
# jest.e2e.config.js (which picks the test files of the line) and reports the duration and the
# peak memory of the whole process tree (jest, the n8n processes it starts, Chromium).
set -euo pipefail
jest_args=()
build=1
for arg in "$@"; do
	case "$arg" in
	--n8n=*) N8N_LINE="${arg#--n8n=}" ;;
	--no-build) build=0 ;;
	*) jest_args+=("$arg") ;;
	esac
done
export N8N_LINE="${N8N_LINE:-2}"
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck source=scripts/n8n-runtime.sh
source "$ROOT/scripts/n8n-runtime.sh"
cd "$ROOT"
if [ "$build" = 1 ]; then
	bash scripts/build.sh
elif [ ! -f dist/index.js ]; then
	echo "e2e: --no-build, but dist/ is not built (npm run build)" >&2
	exit 2
fi
# The driver that loads the package into this line's n8n-core outside the jest process (test/compat).
tsc -p test/compat/tsconfig.json

echo "e2e: n8n $N8N_VERSION on Node $("$N8N_NODE_BIN" -v)"
start=$(date +%s)
jest -c jest.e2e.config.js "${jest_args[@]+"${jest_args[@]}"}" &
jest_pid=$!
peak_kb=0
sample() { # RSS of jest and every descendant, in kB
	ps -e -o pid=,ppid=,rss= | awk -v root="$jest_pid" '
		{ parent[$1] = $2; rss[$1] = $3 }
		END { for (p in rss) { q = p; while (q != "" && q != 0 && q != root) q = parent[q]; if (q == root) total += rss[p] } print total + 0 }'
}
while kill -0 "$jest_pid" 2>/dev/null; do
	now_kb=$(sample)
	[ "$now_kb" -gt "$peak_kb" ] && peak_kb=$now_kb
	sleep 0.5
done
set +e
wait "$jest_pid"
status=$?
set -e
echo "e2e (n8n $N8N_VERSION, Node $("$N8N_NODE_BIN" -v)): $(( $(date +%s) - start )) s, peak memory of the process tree $(( peak_kb / 1024 )) MB (jest + n8n$([ "$N8N_LINE" = 2 ] && echo ' + chromium'))"
exit "$status"
