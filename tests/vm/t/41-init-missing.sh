#!/bin/bash
# init= missing in the new root: the emergency message, PID 1 stays (no
# panic), and no fallback to /sbin/init.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
root_disk root
vm_boot default --disk root --linger 3 -- "root=UUID=$ROOT_UUID init=/sbin/no-such-init"
expect_log "$EMERGENCY_RE" "the emergency message"
expect_log "/sbin/no-such-init" "the message names the missing init"
expect_no_log "$PANIC_RE" "no kernel panic"
expect_no_log '^SESAME-ROOT-OK' "no init ran in the real root"
expect_alive
vm_done
