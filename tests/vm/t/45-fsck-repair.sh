#!/bin/bash
# A root that was not cleanly unmounted and has a wrong free-blocks count:
# e2fsck -p repairs it (exit 1) and the boot goes on.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
root_disk clean
disk_debugfs root clean "ssv state 0" "ssv free_blocks_count 1234"
vm_boot default --disk root -- "root=UUID=$ROOT_UUID"
expect_log 'not cleanly unmounted|check forced|Free blocks count wrong' \
	"e2fsck checked the root"
expect_clean_switch
expect_field root /dev/vda:ext4:ro
vm_done
