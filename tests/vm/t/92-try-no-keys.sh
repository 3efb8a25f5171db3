#!/bin/bash
# sesame try: an image without authorized keys (--no-ssh) gets its network but fails at "SSH" with the reason; exit 1.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-try.sh
. "$(dirname "$0")/../lib-try.sh"

vm_kernel
unlock_keys
args=(--no-generic-modules --no-ssh)
for m in "${NET_MODULES[@]}"; do args+=(-m "$m"); done
image_build nokeys "${args[@]}"
try_run --keydir "$UNLOCK_KEYDIR" --cmdline "ip=dhcp" "${IMAGES[nokeys]}"
expect_try_rc 1
expect_step "kernel reached /init" ok
expect_step "network up" ok '10\.0\.2\.15'
expect_step "SSH answered" FAIL 'the image has no authorized_keys'
expect_step "host key is the image's" FAIL 'not reached: SSH did not answer'
expect_no_qemu_left "${IMAGES[nokeys]}"
vm_done
