#!/bin/bash
# sesame try: after the key dir's host keys are replaced (keys init --force), the image built before offers the old key: the host key step fails, SSH itself answers (on a static ip= from the command line, which QEMU's network is made to match); exit 1.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-try.sh
. "$(dirname "$0")/../lib-try.sh"

vm_kernel
unlock_keys
try_host_nic_modules
unlock_image oldkey "${TRY_HOST_NIC_ARGS[@]}"
old=$("$SESAME_BIN/sesame" keys show --dir "$UNLOCK_KEYDIR" --fingerprints)
"$SESAME_BIN/sesame" keys init --force --dir "$UNLOCK_KEYDIR" >/dev/null 2>&1 ||
	die "sesame keys init --force failed"
new=$("$SESAME_BIN/sesame" keys show --dir "$UNLOCK_KEYDIR" --fingerprints)
[ "$old" != "$new" ] || die "the keys were not replaced"
try_run --keydir "$UNLOCK_KEYDIR" --identity "$T/ssh/unlock" \
	--cmdline "ip=10.9.0.5::10.9.0.1:255.255.255.0::eth0:none" "${IMAGES[oldkey]}"
expect_try_rc 1
expect_step "network up" ok 'eth0 at 10\.9\.0\.5, static'
expect_step "SSH answered" ok 'SSH-2.0-dropbear'
expect_step "host key is the image's" FAIL "not one of $UNLOCK_KEYDIR"
# the offered key is the old one, named by its fingerprint
# (no pipe into a reader that stops early: tests/sh/vm-pipes.sh)
oldfp=$(grep -oE 'SHA256:[A-Za-z0-9+/]+' <<<"$old" | sed -n 1,2p)
fp1=$(sed -n 1p <<<"$oldfp")
fp2=$(sed -n '$p' <<<"$oldfp")
step=$(grep -F "host key is the image's" "$TRY_OUT" || true)
if [ -n "$fp1" ] && grep -qF -e "$fp1" -e "$fp2" <<<"$step"; then
	ok "the failure names the old key's fingerprint"
else
	fail "the failure does not name an old fingerprint ($oldfp)"
fi
expect_step "unlock key: unlock --status" ok 'attempts left'
expect_no_qemu_left "${IMAGES[oldkey]}"
vm_done
