#!/bin/bash
# root=PARTUUID= of the second partition of a GPT disk.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
root_tree "$T/root"
disk_gpt root "$T/root" "$ROOT_UUID" "$ROOT_LABEL" "$ROOT_PARTUUID" "$ROOT_PARTLABEL"
vm_boot default --disk root -- "root=PARTUUID=$ROOT_PARTUUID"
expect_clean_switch
expect_field root /dev/vda2:ext4:ro
vm_done
