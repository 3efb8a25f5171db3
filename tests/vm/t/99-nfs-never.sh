#!/bin/bash
# An NFS server that never answers: each attempt is logged with its error;
# at rd.timeout the emergency names the server, the path and the last
# error, and SSH rescue answers (a rescue key gets a shell that sees the
# same message in dmesg). User networking with restrict=on: 10.0.2.2 never answers
# on 2049, so this boot contacts nothing outside QEMU.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"

unlock_keys
unlock_image nfsrescue -m nfs -m nfsv3 -m nfsv4
unlock_nic

# shellcheck disable=SC2317 # called by the driver (unlock_drive)
scenario() {
	local _
	for _ in $(seq 120); do
		[ "$(live_count "$EMERGENCY_RE")" -ge 1 ] && break
		sleep 0.5
	done
	check "a rescue key gets a shell in the NFS emergency" 0 '^SHELL-42$' \
		uss rescue 'echo SHELL-$((6*7))'
	check "the rescue shell's dmesg names the NFS server and path" 0 \
		'emergency: NFS root 10\.0\.2\.2:/srv/nfsroot' \
		uss rescue 'dmesg | grep "emergency: NFS"'
}

unlock_drive scenario --stop
unlock_vm_boot nfsrescue --timeout 180 --until '' \
	-- "root=nfs:10.0.2.2:/srv/nfsroot:vers=4.1,timeo=30,retrans=1 rd.timeout=45 ip=dhcp"
unlock_drive_finish
expect_log 'sesame-init: nfs: mounting 10\.0\.2\.2:/srv/nfsroot on / \(attempt 1\)' \
	"the mount was attempted"
expect_log 'sesame-init: warning: nfs: /: attempt 1 failed: ' \
	"a failed attempt is logged with its error"
expect_log 'emergency: NFS root 10\.0\.2\.2:/srv/nfsroot not mounted after 45 s and [0-9]+ attempt\(s\); last error: ' \
	"the emergency names the server, the path and the last error"
expect_log 'SSH stays up for rescue' "SSH stays up in the emergency"
expect_no_log "$PANIC_RE" "no kernel panic"
vm_done
