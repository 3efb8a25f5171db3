#!/bin/bash
# A wrong rd.md.uuid, then a missing volume group (rd.lvm.vg): the emergency message comes within rd.timeout and names what was not found and what was seen.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-storage.sh
. "$(dirname "$0")/../lib-storage.sh"

storage_image storage
storage_lvm_raid1_disks
vm_boot storage --verbose --disk r1 --disk r2 --linger 2 -- \
	"root=UUID=$ROOT_UUID rd.md.uuid=$MD_NONE_UUID rd.timeout=6"
expect_log "$EMERGENCY_RE" "the emergency message"
expect_log "rd.md.uuid=$MD_NONE_UUID: no such array among the RAID members seen: vd[ab] \\(array $MD_UUID\\), vd[ab] \\(array $MD_UUID\\)" \
	"it names the wrong rd.md.uuid and the arrays seen"
expect_log 'not named by rd.md.uuid: left alone' "the other array is left alone"
expect_between '\] sesame-init: start' "$EMERGENCY_RE" 5.5 8 \
	"the emergency message at rd.timeout=6"
expect_no_log '^SESAME-ROOT-OK' "no init ran"
expect_alive

# lvm may still run at the emergency (it is not waited for): its
# findings follow; give them 10 s.
vm_boot storage --verbose --disk r1 --disk r2 --linger 10 -- \
	"root=UUID=$ROOT_UUID rd.lvm.vg=vgnone rd.timeout=6"
expect_log "$EMERGENCY_RE" "the emergency message"
expect_log 'volume group vgnone \(rd.lvm.vg\) not found; VGs seen: vg0' \
	"it names the missing VG and the VGs seen"
expect_between '\] sesame-init: start' "$EMERGENCY_RE" 5.5 8 \
	"the emergency message at rd.timeout=6"
expect_no_log '^SESAME-ROOT-OK' "no init ran"
vm_done
