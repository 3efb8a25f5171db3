#!/bin/bash
# A root whose root directory inode is cleared: e2fsck -p cannot repair it
# (exit 4), so the emergency message names fsck; PID 1 stays; no init runs.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
root_disk clean
disk_debugfs root clean "clri <2>" "ssv state 0"
vm_boot default --disk root --linger 2 -- "root=UUID=$ROOT_UUID"
expect_log "$EMERGENCY_RE.*fsck" "the emergency message names fsck"
expect_no_log "$PANIC_RE" "no kernel panic"
expect_no_log '^SESAME-ROOT-OK' "no init ran"
expect_alive
vm_done
