#!/bin/bash
# rw on the command line: the real init finds / mounted read-write.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
root_disk root
vm_boot default --disk root -- "root=UUID=$ROOT_UUID rw"
expect_clean_switch
expect_field root /dev/vda:ext4:rw
vm_done
