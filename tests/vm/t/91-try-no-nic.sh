#!/bin/bash
# sesame try: an image without any NIC driver (--no-generic-modules, no virtio_net) fails at "network" with the reason; the SSH steps are not reached; exit 1.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-try.sh
. "$(dirname "$0")/../lib-try.sh"

vm_kernel
unlock_keys
args=(--no-generic-modules --authorized-keys "$T/ssh/authorized_keys"
	--keydir "$UNLOCK_KEYDIR")
for m in "${VM_MODULES[@]}"; do args+=(-m "$m"); done
image_build nonic "${args[@]}"
if text_has 'virtio_net' "$("$SESAME_BIN/sesame" ls "${IMAGES[nonic]}")"; then
	die "the image holds virtio_net: not the image this test needs"
fi
try_run --keydir "$UNLOCK_KEYDIR" --identity "$T/ssh/unlock" \
	--cmdline "ip=dhcp" "${IMAGES[nonic]}"
expect_try_rc 1
expect_step "kernel reached /init" ok
expect_step "network up" FAIL 'no NIC appeared in the guest: the image holds no driver for any NIC QEMU emulates \(virtio_net'
expect_step "SSH answered" FAIL 'not reached: no network'
expect_step "unlock key: unlock --status" FAIL 'not reached'
if grep -q '^FAILED: ' "$TRY_OUT"; then
	ok "the report ends FAILED"
else
	fail "no FAILED line"
fi
expect_no_qemu_left "${IMAGES[nonic]}"
vm_done
