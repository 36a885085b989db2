#!/usr/bin/env bash
# Sourced (after scripts/bootstrap.sh) by `npm start` and `npm run test:e2e`: makes sure a real
# n8n 2.41.1 is installed in .n8n-runtime/app from the committed lockfile in scripts/n8n-runtime/
# and puts its `n8n` binary on PATH as $N8N_BIN.
#  - `npm ci --ignore-scripts`: some of n8n's install scripts download from the internet or build
#    librdkafka from source for minutes; the only native module n8n needs here is sqlite3, which
#    is rebuilt on its own afterwards.
#  - The install is skipped when .n8n-runtime/app was installed from the same lockfile (a stamp
#    holds the lockfile's hash and the Node version it was built for).
set -euo pipefail
: "${ROOT:?source scripts/bootstrap.sh first}"
N8N_RUNTIME_DIR="$ROOT/.n8n-runtime"
N8N_APP_DIR="$N8N_RUNTIME_DIR/app"
N8N_BIN="$N8N_APP_DIR/node_modules/.bin/n8n"

n8n_runtime_stamp() {
	printf '%s node-%s\n' "$(sha256sum "$ROOT/scripts/n8n-runtime/package-lock.json" | cut -d' ' -f1)" "$(node -p process.versions.modules)"
}

ensure_n8n_runtime() {
	local stamp_file="$N8N_APP_DIR/.installed-from" want
	want="$(n8n_runtime_stamp)"
	if [ -x "$N8N_BIN" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ]; then
		return 0
	fi
	echo "n8n-runtime: installing n8n 2.41.1 into .n8n-runtime/app (first run: about 2-3 minutes)" >&2
	local t0 t1 t2
	t0=$(date +%s)
	mkdir -p "$N8N_APP_DIR"
	rm -f "$stamp_file"
	cp "$ROOT/scripts/n8n-runtime/package.json" "$ROOT/scripts/n8n-runtime/package-lock.json" "$N8N_APP_DIR/"
	(cd "$N8N_APP_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
	t1=$(date +%s)
	# sqlite3 has no prebuilt binary reachable from here; this falls back to a source build (~1 min).
	(cd "$N8N_APP_DIR" && npm rebuild sqlite3 --ignore-scripts=false --loglevel=error >/dev/null)
	t2=$(date +%s)
	"$N8N_BIN" --version >/dev/null
	printf '%s\n' "$want" >"$stamp_file"
	echo "n8n-runtime: installed in $((t2 - t0)) s (npm ci $((t1 - t0)) s, sqlite3 $((t2 - t1)) s)" >&2
}

ensure_n8n_runtime
export N8N_BIN N8N_APP_DIR N8N_RUNTIME_DIR
