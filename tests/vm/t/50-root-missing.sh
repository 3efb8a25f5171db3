#!/bin/bash
# root missing: the emergency message once rd.timeout=5 has passed (guest
# time from sesame-init's start), naming the root it waited for; PID 1 stays.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
vm_boot default --verbose --disk decoy --linger 2 -- "root=UUID=$NONE_UUID rd.timeout=5"
expect_log "$EMERGENCY_RE" "the emergency message"
expect_log "$NONE_UUID" "the log names the missing root"
expect_between '\] sesame-init: start' "$EMERGENCY_RE" 4.5 6.5 \
	"the emergency message 5 s (rd.timeout) after sesame-init started"
expect_no_log "$PANIC_RE" "no kernel panic"
expect_no_log '^SESAME-ROOT-OK' "no init ran"
expect_alive
vm_done
