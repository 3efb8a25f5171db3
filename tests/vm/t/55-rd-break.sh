#!/bin/bash
# rd.break=pre-mount with rd.shell: a console shell before root is mounted;
# root is not mounted in it yet; after `exit` the boot goes on, and the
# shell is not left behind.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
root_disk root
# shellcheck disable=SC2016 # for the guest's shell
vm_boot default --disk root --timeout 90 \
	--type '[/~] # ' 'grep -c " /newroot " /proc/mounts; echo BREAK-$((6*7))' \
	--type '[/~] # ' 'exit' \
	-- "root=UUID=$ROOT_UUID rd.break=pre-mount rd.shell"
expect_log 'rd.break=pre-mount' "the break is announced"
expect_log '^BREAK-42' "the break shell ran what was typed"
expect_log '^0$' "root is not mounted yet in the break shell"
expect_clean_switch
expect_field root /dev/vda:ext4:ro
vm_done
