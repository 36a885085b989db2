#!/usr/bin/env bash
# Sourced (after scripts/bootstrap.sh) by `npm start`, `npm run test:e2e` and the benchmark: makes
# sure the n8n of the chosen line is installed from its committed lockfile and exports where it is.
#   N8N_LINE=2 (default): n8n 2.41.1 on Node 24 (the Node bootstrap.sh put on PATH), from
#     scripts/n8n-runtime/ into .n8n-runtime/app.
#   N8N_LINE=1: n8n 1.123.x on Node 22 (from the npm registry into .tools/node22), from
#     scripts/n8n-runtime-1x/ into .n8n-runtime-1x/app. Its lockfile overrides n8n-nodes-base's
#     xlsx, a tarball outside the npm registry, with the registry's xlsx.
# Sets N8N_VERSION and exports N8N_LINE, N8N_RUNTIME_DIR, N8N_APP_DIR, N8N_BIN and N8N_NODE_BIN (the Node
# that runs this n8n), which scripts/lib/n8n.ts reads, and N8N_EXTRA_NODE_BINS: other Nodes this
# line supports, where the compat test loads and runs the package too (for 1.x: Node 20.19, the
# oldest n8n 1.123 accepts; colon-separated, empty for 2.x).
#  - `npm ci --ignore-scripts`: some of n8n's install scripts download from the internet or build
#    librdkafka from source for minutes; the only native module n8n needs here is sqlite3, which
#    is rebuilt on its own afterwards.
#  - The install is skipped when the app folder was installed from the same lockfile (a stamp
#    holds the lockfile's hash and the Node version it was built for).
set -euo pipefail
: "${ROOT:?source scripts/bootstrap.sh first}"
N8N_LINE="${N8N_LINE:-2}"
case "$N8N_LINE" in
2)
	N8N_RUNTIME_DIR="$ROOT/.n8n-runtime"
	N8N_LOCK_DIR="$ROOT/scripts/n8n-runtime"
	N8N_NODE_HOME="$(dirname "$(dirname "$(node -p process.execPath)")")"
	N8N_EXTRA_NODE_BINS=""
	;;
1)
	N8N_RUNTIME_DIR="$ROOT/.n8n-runtime-1x"
	N8N_LOCK_DIR="$ROOT/scripts/n8n-runtime-1x"
	N8N_NODE_HOME="$(registry_node_home 22 "$NODE22_VERSION")"
	N8N_EXTRA_NODE_BINS="$(registry_node_home 20 "$NODE20_VERSION")/bin/node"
	;;
*)
	echo "n8n-runtime: N8N_LINE must be 1 or 2, got '$N8N_LINE'" >&2
	exit 2
	;;
esac
N8N_VERSION="$(node -p "require('$N8N_LOCK_DIR/package.json').dependencies.n8n")"
N8N_APP_DIR="$N8N_RUNTIME_DIR/app"
N8N_BIN="$N8N_APP_DIR/node_modules/.bin/n8n"
N8N_NODE_BIN="$N8N_NODE_HOME/bin/node"

# Runs a command with this line's Node first on PATH (npm then runs on it and node-gyp builds for it).
with_line_node() {
	if [ "$N8N_LINE" = 2 ]; then
		"$@"
	else
		PATH="$N8N_NODE_HOME/bin:$PATH" npm_config_nodedir="$N8N_NODE_HOME" "$@"
	fi
}

n8n_runtime_stamp() {
	printf '%s node-%s\n' "$(sha256sum "$N8N_LOCK_DIR/package-lock.json" | cut -d' ' -f1)" "$("$N8N_NODE_BIN" -p process.versions.modules)"
}

ensure_n8n_runtime() {
	local stamp_file="$N8N_APP_DIR/.installed-from" want
	want="$(n8n_runtime_stamp)"
	if [ -x "$N8N_BIN" ] && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ]; then
		return 0
	fi
	echo "n8n-runtime: installing n8n $N8N_VERSION into ${N8N_APP_DIR#"$ROOT"/} (first run: about 2-3 minutes)" >&2
	local t0 t1 t2
	t0=$(date +%s)
	mkdir -p "$N8N_APP_DIR"
	rm -f "$stamp_file"
	cp "$N8N_LOCK_DIR/package.json" "$N8N_LOCK_DIR/package-lock.json" "$N8N_APP_DIR/"
	(cd "$N8N_APP_DIR" && with_line_node npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
	t1=$(date +%s)
	# sqlite3 has no prebuilt binary reachable from here; this falls back to a source build (~1 min).
	(cd "$N8N_APP_DIR" && with_line_node npm rebuild sqlite3 --ignore-scripts=false --loglevel=error >/dev/null)
	t2=$(date +%s)
	"$N8N_NODE_BIN" "$N8N_APP_DIR/node_modules/n8n/bin/n8n" --version >/dev/null
	printf '%s\n' "$want" >"$stamp_file"
	echo "n8n-runtime: installed in $((t2 - t0)) s (npm ci $((t1 - t0)) s, sqlite3 $((t2 - t1)) s)" >&2
}

ensure_n8n_runtime
# N8N_VERSION stays unexported: n8n hands that variable on to its task runners as their version.
export N8N_LINE N8N_BIN N8N_APP_DIR N8N_RUNTIME_DIR N8N_NODE_BIN N8N_EXTRA_NODE_BINS
