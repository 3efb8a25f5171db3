#!/bin/bash
# PID 1 links no LUKS, crypto or disk-format library: libcryptsetup and what
# it pulls in live in sesame-unlockd, libblkid in sesame-probe (issue 10).
# Read from the binaries' DT_NEEDED.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v readelf >/dev/null || { bad "readelf is missing (binutils)"; sh_done; }

# needed BIN: the DT_NEEDED names of BIN, one per line.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

init_libs=$(needed "$B/bin/sesame-init")
if [ -z "$init_libs" ]; then
	bad "sesame-init has no NEEDED entries (not built? $B/bin/sesame-init)"
fi
for lib in libcryptsetup libblkid libdevmapper libargon2 libjson-c libssl libcrypto \
	libudev libselinux; do
	if grep -q "^$lib\." <<<"$init_libs"; then
		bad "sesame-init links $lib"
	else
		ok "sesame-init does not link $lib"
	fi
done
# Where they went: the unlock process and the prober.
for pair in sesame-unlockd:libcryptsetup sesame-probe:libblkid; do
	if grep -q "^${pair#*:}\." <<<"$(needed "$B/bin/${pair%%:*}")"; then
		ok "${pair%%:*} links ${pair#*:}"
	else
		bad "${pair%%:*} does not link ${pair#*:}"
	fi
done
sh_done
