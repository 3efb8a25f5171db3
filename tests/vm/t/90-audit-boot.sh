#!/bin/bash
# Boot-time hardening checks: findings with the catalogue's IDs on the
# console (and kmsg), and the boot goes on to the real root.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
root_disk root
vm_boot default --disk decoy --disk root -- \
	"root=UUID=$ROOT_UUID rd.shell sesame.luks_tries=50"
expect_log '^sesame-init: warning: \[boot-shell\] rd\.shell: ' \
	"boot-shell on the console with its ID"
expect_log '^sesame-init: warning: \[unlock-attempts\] sesame\.luks_tries: 50 ' \
	"unlock-attempts on the console with its ID"
expect_no_log '\[(boot-break|ssh-listen-all|authkeys-none)\]' \
	"no finding that does not apply"
expect_clean_switch
vm_done
