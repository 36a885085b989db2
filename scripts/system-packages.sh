#!/usr/bin/env bash
# Sourced by the scripts that need programs besides Node (scripts/test-prerequisites.sh for
# `npm test`, scripts/queue-packages.sh for queue mode). `install_debian_packages WHO PACKAGE…`
# installs the Debian packages as root, or through sudo (password-less, or asking at a terminal);
# otherwise it stops at once and prints the exact command to run. Nothing is skipped quietly.
# Only external programs it calls: id, sudo, apt-get (so a test can stand in for each on PATH).
set -euo pipefail

install_debian_packages() {
	local who=$1
	shift
	[ "$#" -eq 0 ] && return 0
	local sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1 && { sudo -n true 2>/dev/null || [ -t 0 ]; }; then
			sudo=sudo
		else
			echo "$who needs the Debian package(s) $*, and this user can neither install them (not root) nor use sudo. Run:" >&2
			echo "  sudo apt-get update && sudo apt-get install -y $*" >&2
			exit 1
		fi
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "$who needs $* (Debian's package names), and this machine has no apt-get: install them with its package manager." >&2
		exit 1
	fi
	echo "$who: installing $* (Debian packages, apt-get${sudo:+ through sudo})" >&2
	if [ -n "$sudo" ]; then
		sudo apt-get update -qq >&2
		sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
	else
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
	fi
}
