#!/usr/bin/env bash
# `npm run test:e2e`: the end-to-end tests against a real n8n 2.41.1 (installed into .n8n-runtime/
# when missing) and Debian's Chromium. Builds the package first (the tests install its npm tarball
# into n8n), then runs jest with jest.e2e.config.js and reports the duration and the peak memory
# of the whole process tree (jest, the n8n processes it starts, Chromium).
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck source=scripts/n8n-runtime.sh
source "$ROOT/scripts/n8n-runtime.sh"
cd "$ROOT"
rm -rf dist && tsc -p tsconfig.build.json && gulp build:icons --silent

start=$(date +%s)
jest -c jest.e2e.config.js "$@" &
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
echo "e2e: $(( $(date +%s) - start )) s, peak memory of the process tree $(( peak_kb / 1024 )) MB (jest + n8n + chromium)"
exit "$status"
