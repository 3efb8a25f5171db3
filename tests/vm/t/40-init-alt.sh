#!/bin/bash
# init= another program, with the arguments after "--" passed on to it.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
root_disk root --alt-init /sbin/alt-init
vm_boot default --disk root -- "root=UUID=$ROOT_UUID init=/sbin/alt-init -- one two"
expect_clean_switch
expect_field argv /sbin/alt-init,one,two
vm_done
