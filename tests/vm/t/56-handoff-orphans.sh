#!/bin/bash
# The handoff kills every process, however deep its orphan chain: an rd.break
# shell starts a chain of nine processes, each the parent of the next and
# ignoring SIGHUP, then exits; each kill round only reparents the next level
# to PID 1, so a fixed number of rounds leaves the bottom alive. The real
# init must find no process of the initramfs.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# Level N starts level N-1 in the background, then becomes a sleep: a chain
# of parents and children, every one alive until killed.
# shellcheck disable=SC2016 # for the guest's shell
chain='echo '\''trap "" HUP; if [ "$1" -gt 0 ]; then sh /run/c.sh $(($1-1)) & else echo CHAIN-$((6*7)); fi; exec sleep 600'\'' >/run/c.sh; sh /run/c.sh 8 &'

image_build default
root_disk root
vm_boot default --disk root --timeout 120 \
	--type '[/~] # ' "$chain" \
	--type 'CHAIN-42' 'exit' \
	-- "root=UUID=$ROOT_UUID rd.break=pre-mount rd.shell rd.debug"
expect_log 'CHAIN-42$' "the break shell started the whole chain"
expect_no_log 'still alive|survived the handoff' "nothing survived the handoff"
expect_clean_switch
vm_done
