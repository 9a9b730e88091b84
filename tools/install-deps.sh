#!/bin/sh
# Installs what driftwatch needs to build, test and run its demo on
# Debian 12, from Debian's own packages.  Does nothing when all are there.
set -eu

PACKAGES="build-essential autoconf automake pkg-config
libevent-dev libcurl4-openssl-dev libssl-dev libjson-c-dev libsystemd-dev
libxml2-dev libinih-dev libcsv-dev libyajl-dev
python3 python3-botocore awscli openssl ca-certificates
valgrind systemd groff-base man-db"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "install-deps: run as root (or install sudo) to install:$missing" >&2
		exit 1
	}
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
