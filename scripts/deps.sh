#!/bin/bash
# deps.sh: installs the Debian packages a make target needs, when missing.
# Usage: scripts/deps.sh build|test|vm|bench   (each includes the ones before)
set -euo pipefail

build_pkgs="build-essential pkg-config libcryptsetup-dev libdevmapper-dev
	libblkid-dev libmbedtls-dev libkmod-dev libarchive-dev libmnl-dev zstd
	lz4 xz-utils cpio"
test_pkgs="libcmocka-dev clang libclang-rt-14-dev"
vm_pkgs="qemu-system-x86 busybox-static dropbear-bin mdadm lvm2 e2fsprogs
	cryptsetup-bin dnsmasq-base iproute2 openssh-client kmod gdisk python3
	mmdebstrap"
bench_pkgs="initramfs-tools dropbear-initramfs cryptsetup-initramfs hyperfine"

want=$build_pkgs
case "${1:-build}" in
build) ;;
test | vm) want="$want $test_pkgs $vm_pkgs" ;;
bench) want="$want $test_pkgs $vm_pkgs $bench_pkgs" ;;
*)
	echo "usage: $0 build|test|vm|bench" >&2
	exit 2
	;;
esac

missing=()
for p in $want; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	}
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
