#!/usr/bin/env bash
# Sourced by `npm run start:queue` and the queue-mode end-to-end test: makes sure Debian's
# redis-server and postgresql packages are installed (n8n's queue mode needs Redis and PostgreSQL).
# Installs them with apt-get when missing (scripts/system-packages.sh: as root, or through sudo;
# otherwise it stops with the command to run). Neither service is started here, nor enabled: the
# scripts run their own instances in a temporary folder.
set -euo pipefail
here="${BASH_SOURCE[0]%/*}"
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
# shellcheck source=scripts/system-packages.sh
source "$here/system-packages.sh"

queue_packages_missing() {
	local missing=()
	command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
	echo "${missing[@]}"
}

ensure_queue_packages() {
	local missing
	missing="$(queue_packages_missing)"
	# shellcheck disable=SC2086
	[ -z "$missing" ] || install_debian_packages "queue mode" $missing
}

ensure_queue_packages
