#!/usr/bin/env bash
# Sourced by `npm test` (scripts/test.sh) before jest starts: what the unit suite runs besides
# Node. The shared-state tests start real Redis servers (redis-server; redis-cli joins them into a
# cluster), the TLS tests make a self-signed certificate with openssl. A missing one is installed
# from Debian's packages, or the run stops with the command to run (scripts/system-packages.sh).
# When all are there this costs three `command -v` lookups, so `npm test -- <file>` stays quick.
set -euo pipefail
here="${BASH_SOURCE[0]%/*}"
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
# shellcheck source=scripts/system-packages.sh
source "$here/system-packages.sh"

missing_test_packages() {
	local missing=()
	command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
	command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
	command -v openssl >/dev/null 2>&1 || missing+=(openssl)
	echo "${missing[@]}"
}

ensure_test_packages() {
	local missing
	missing="$(missing_test_packages)"
	[ -z "$missing" ] && return 0
	# shellcheck disable=SC2086
	install_debian_packages "npm test" $missing
	missing="$(missing_test_packages)"
	if [ -n "$missing" ]; then
		echo "npm test: still missing after the install: $missing" >&2
		exit 1
	fi
}

ensure_test_packages
