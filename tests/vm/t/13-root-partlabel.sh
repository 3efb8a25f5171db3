#!/bin/bash
# root=PARTLABEL= of the second partition of a GPT disk, after a decoy disk.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
root_tree "$T/root"
disk_gpt root "$T/root" "$ROOT_UUID" "$ROOT_LABEL" "$ROOT_PARTUUID" "$ROOT_PARTLABEL"
vm_boot default --disk decoy --disk root -- "root=PARTLABEL=$ROOT_PARTLABEL"
expect_clean_switch
expect_field root /dev/vdb2:ext4:ro
vm_done
