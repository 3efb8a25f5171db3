#!/bin/bash
# /usr on its own disk, mounted from the new root's /etc/fstab.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
usr_disk usr
root_disk root --fstab "UUID=$USR_UUID /usr ext4 defaults 0 2"
vm_boot default --disk usr --disk root -- "root=UUID=$ROOT_UUID"
expect_clean_switch
expect_field root /dev/vdb:ext4:ro
expect_field usr /dev/vda:ext4:real-usr
vm_done
