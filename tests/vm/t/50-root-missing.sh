#!/bin/bash
# root missing: the emergency message once rd.timeout=5 has passed (guest
# time from sesame-init's start), naming the root it waited for; PID 1 stays;
# no console shell without rd.shell.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
# No rd.shell: what is typed on the console after the message runs nowhere.
# shellcheck disable=SC2016 # for the guest's shell
vm_boot default --verbose --disk decoy --linger 3 \
	--type "$EMERGENCY_RE" 'echo SHELL-$((6*7))' \
	-- "root=UUID=$NONE_UUID rd.timeout=5"
expect_log "$EMERGENCY_RE" "the emergency message"
expect_log "$NONE_UUID" "the log names the missing root"
expect_between '\] sesame-init: start' "$EMERGENCY_RE" 4.5 6.5 \
	"the emergency message 5 s (rd.timeout) after sesame-init started"
expect_no_log "$PANIC_RE" "no kernel panic"
expect_no_log '^SESAME-ROOT-OK' "no init ran"
expect_no_log '^SHELL-42' "no shell on the console without rd.shell"
expect_alive
vm_done
