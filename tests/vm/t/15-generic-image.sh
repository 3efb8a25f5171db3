#!/bin/bash
# The image as `sesame build` makes it by default (the generic module set,
# no -m): it boots the VM to its root by UUID.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build generic --compress zstd
root_disk root
vm_boot generic --disk root -- "root=UUID=$ROOT_UUID rd.timeout=60"
expect_clean_switch
expect_field root /dev/vda:ext4:ro
expect_handoff
vm_done
