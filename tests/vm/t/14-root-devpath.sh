#!/bin/bash
# root=/dev/vdb (a kernel device path) after a decoy disk.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
root_disk root
vm_boot default --disk decoy --disk root -- "root=/dev/vdb"
expect_clean_switch
expect_field root /dev/vdb:ext4:ro
vm_done
