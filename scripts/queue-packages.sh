#!/usr/bin/env bash
# Sourced by `npm run start:queue` and the queue-mode end-to-end test: makes sure Debian's
# redis-server and postgresql packages are installed (n8n's queue mode needs Redis and PostgreSQL).
# Installs them with apt-get when missing (as root, or through sudo). Neither service is started
# here, nor enabled: the scripts run their own instances in a temporary folder.
set -euo pipefail

queue_packages_missing() {
	local missing=()
	command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
	echo "${missing[@]}"
}

ensure_queue_packages() {
	local missing sudo=""
	missing="$(queue_packages_missing)"
	[ -z "$missing" ] && return 0
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	echo "queue-packages: installing $missing (Debian packages)" >&2
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >&2
}

ensure_queue_packages
