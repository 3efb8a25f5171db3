#!/bin/bash
# sesame try: an image without authorized keys (--no-ssh) gets its network but fails at "SSH" with the reason; exit 1. Its boot.conf's static ip= is tried as it is (QEMU's network made to match).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-try.sh
. "$(dirname "$0")/../lib-try.sh"

vm_kernel
unlock_keys
args=(--no-generic-modules --no-ssh
	--set "ip=192.0.2.7::192.0.2.1:255.255.255.0::eth0:none")
for m in "${NET_MODULES[@]}"; do args+=(-m "$m"); done
image_build nokeys "${args[@]}"
try_run --keydir "$UNLOCK_KEYDIR" --cmdline "quiet" "${IMAGES[nokeys]}"
expect_try_rc 1
expect_step "kernel reached /init" ok
expect_step "network up" ok 'eth0 at 192\.0\.2\.7, static'
expect_step "SSH answered" FAIL 'the image has no authorized_keys'
expect_step "host key is the image's" FAIL 'not reached: SSH did not answer'
if grep -q "^the static ip=192.0.2.7::192.0.2.1:255.255.255.0::eth0:none (the image's boot.conf) is tried as it is: QEMU's network is 192.0.2.0/24 with QEMU at 192.0.2.1" "$TRY_OUT"; then
	ok "the boot.conf static ip= is named as tried"
else
	fail "the boot.conf ip= is not named under the table"
fi
expect_no_qemu_left "${IMAGES[nokeys]}"
vm_done
