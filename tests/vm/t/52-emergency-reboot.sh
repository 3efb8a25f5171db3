#!/bin/bash
# sesame.emergency=reboot: on a missing root, a reboot after
# sesame.reboot_delay=2 (QEMU, with -no-reboot, then exits).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

image_build default
decoy_disk decoy
vm_boot default --disk decoy --timeout 60 --until '' \
	-- "root=UUID=$NONE_UUID rd.timeout=3 sesame.emergency=reboot sesame.reboot_delay=2"
expect_log "$EMERGENCY_RE" "the emergency message"
expect_between "$EMERGENCY_RE" 'reboot: Restarting system' 1.5 4 \
	"the reboot 2 s after the emergency message"
expect_no_log "$PANIC_RE" "no kernel panic"
if [ "$VM_STATUS" = exited ]; then ok "the VM ended"; else fail "VM $VM_STATUS"; fi
vm_done
