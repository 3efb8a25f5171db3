#!/bin/bash
# rd.shell: on a missing root, a shell on the console runs what is typed.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
# shellcheck disable=SC2016 # for the guest's shell
vm_boot default --disk decoy --timeout 60 --until '^SHELL-42' --linger 1 \
	--type '[/~] # ' 'echo SHELL-$((6*7))' \
	-- "root=UUID=$NONE_UUID rd.timeout=3 rd.shell"
expect_log "$EMERGENCY_RE" "the emergency message"
expect_log 'starting a shell on the console' "it says a shell starts"
expect_log '^SHELL-42' "the console shell ran what was typed"
expect_no_log "$PANIC_RE" "no kernel panic"
expect_alive
vm_done
