#!/bin/bash
# root=UUID= on the second disk (a bootable decoy first); ro by default.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
root_disk root
vm_boot default --disk decoy --disk root -- "root=UUID=$ROOT_UUID"
expect_clean_switch
expect_field root /dev/vdb:ext4:ro
expect_field argv /sbin/init
expect_handoff
vm_done
