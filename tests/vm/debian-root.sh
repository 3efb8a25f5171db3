#!/bin/bash
# debian-root.sh: makes (once, cached) a real Debian 12 root with mmdebstrap
# for tests/vm/t/90-debian-systemd.sh and prints its directory.
# systemd as init, udev, ifupdown with isc-dhcp-client on eth0, openssh-server,
# a getty on ttyS0 (systemd's own, from console=ttyS0), and the files of
# tests/vm/debian/ (a unit that reports the boot on the serial console and
# powers off). The cache key is the package list, the suite and those files:
# change any and a new root is made. Needs the Debian archive (apt's
# sources); without it this fails, it never falls back.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${SESAME_CACHE:-$HOME/.cache/sesame}
suite=bookworm
mirror=${SESAME_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=systemd-sysv,udev,ifupdown,isc-dhcp-client,iproute2,openssh-server,dmsetup

# What mmdebstrap runs in the finished root: the
# files of tests/vm/debian/ copied in, the report unit enabled.
# shellcheck disable=SC2016 # $1 is the root, in mmdebstrap's hook shell
hooks=(--customize-hook="cp -a '$here/debian/.' \"\$1/\""
	--customize-hook='chroot "$1" systemctl enable sesame-report.service')

key=$( {
	echo "$suite $mirror $packages"
	printf '%s\n' "${hooks[@]//$here/}"
	(cd "$here/debian" && find . -type f | LC_ALL=C sort | xargs sha256sum)
} | sha256sum | cut -c1-24)
dir=$cache/debian-$suite-$key

if [ -f "$dir/.sesame-done" ]; then
	echo "$dir"
	exit 0
fi
command -v mmdebstrap >/dev/null || {
	echo "debian-root.sh: mmdebstrap is missing (scripts/deps.sh vm)" >&2
	exit 1
}
mkdir -p "$cache"
exec {lock}>"$dir.lock"
flock "$lock"
if [ ! -f "$dir/.sesame-done" ]; then
	rm -rf "$dir.tmp"
	# --variant=apt: Essential and apt, then the packages above with their
	# dependencies (no Recommends). The mirror is given: without one,
	# mmdebstrap would read sources from a stdin that is not a terminal.
	mmdebstrap --variant=apt --include="$packages" "${hooks[@]}" \
		"$suite" "$dir.tmp" "$mirror" </dev/null >&2
	touch "$dir.tmp/.sesame-done"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
fi
echo "$dir"
