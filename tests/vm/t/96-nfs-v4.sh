#!/bin/bash
# NFS root, v4, by root=nfs4:SERVER:PATH with a static ip=: a real server
# (nfs-ganesha in a namespace of the test's own), the kernel's own mount(2)
# with vers=4.2; after the switch the real root is the NFS mount and the
# address and route are still there. Then the same root read-only under a
# tmpfs overlay (sesame.nfs_overlay=1): the real root is rw, the server's
# copy untouched.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"
# shellcheck source=../lib-nfs.sh
. "$(dirname "$0")/../lib-nfs.sh"

nfs_image
net_ns ns
net_tap "$ns" tap0 192.0.2.1/24
nfs_export_tree "$T/export"
nfs_server "$ns" 192.0.2.1 "$T/export"
net_nic_tap "$ns" tap0
net_vm_boot nfs --timeout 120 -- \
	"root=nfs4:192.0.2.1:/root ip=192.0.2.10::192.0.2.1:255.255.255.0:sesame-vm:eth0:none"
expect_log 'sesame-init: nfs: mounted 192\.0\.2\.1:/root on /newroot with NFS v4' \
	"mounted by the kernel's NFS client, v4, and the version is said"
expect_marker
expect_field root '/^192\.0\.2\.1:/root:nfs4:ro$/'
expect_field rootid real-root
expect_net addrs '/eth0:192\.0\.2\.10\/24/'
expect_net routes '/default_via_192\.0\.2\.1_dev_eth0/'
expect_net up '/eth0/'
expect_no_log 'net: torn down' "the network is not torn down under an NFS root"
expect_no_log '^ROOT-WRITABLE' "a read-only NFS root takes no writes"

say "the same root, read-only under a tmpfs overlay (sesame.nfs_overlay=1)"
net_nic_tap "$ns" tap0
net_vm_boot nfs --timeout 120 -- \
	"root=nfs4:192.0.2.1:/root sesame.nfs_overlay=1 ip=192.0.2.10::192.0.2.1:255.255.255.0:sesame-vm:eth0:none"
expect_log 'sesame-init: nfs: mounted 192\.0\.2\.1:/root on /run/sesame/nfs-root with NFS v4' \
	"the NFS root is mounted below /run"
expect_log 'sesame-init: nfs: the root is /run/sesame/nfs-root \(read-only\) under a tmpfs overlay' \
	"and the overlay is said"
expect_marker
expect_field root '/^sesame-overlay|overlay:overlay:rw$/'
expect_field rootid real-root
expect_log '^ROOT-WRITABLE' "the real system can write to its root"
if [ -e "$T/export/sesame-write-probe" ]; then
	fail "the write reached the server's export"
else
	ok "the write stayed in the tmpfs: the server's export is untouched"
fi
vm_done
