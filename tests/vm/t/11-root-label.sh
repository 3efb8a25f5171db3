#!/bin/bash
# root=LABEL= on the second disk (a bootable decoy first), explicit ro.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
root_disk root
vm_boot default --disk decoy --disk root -- "root=LABEL=$ROOT_LABEL ro"
expect_clean_switch
expect_field root /dev/vdb:ext4:ro
vm_done
