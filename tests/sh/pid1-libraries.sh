#!/bin/bash
# PID 1 links no LUKS or crypto library: libcryptsetup and what it pulls in
# live in sesame-unlockd (issue 10). Read from the binaries' DT_NEEDED.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v readelf >/dev/null || { bad "readelf is missing (binutils)"; sh_done; }

# needed BIN: the DT_NEEDED names of BIN, one per line.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

init_libs=$(needed "$B/bin/sesame-init")
if [ -z "$init_libs" ]; then
	bad "sesame-init has no NEEDED entries (not built? $B/bin/sesame-init)"
fi
for lib in libcryptsetup libdevmapper libargon2 libjson-c libssl libcrypto \
	libudev libselinux; do
	if grep -q "^$lib\." <<<"$init_libs"; then
		bad "sesame-init links $lib"
	else
		ok "sesame-init does not link $lib"
	fi
done
# The unlock process is where libcryptsetup went.
if grep -q '^libcryptsetup\.' <<<"$(needed "$B/bin/sesame-unlockd")"; then
	ok "sesame-unlockd links libcryptsetup"
else
	bad "sesame-unlockd does not link libcryptsetup"
fi
sh_done
