#!/bin/bash
# NFS root, v3, from DHCP alone: root=dhcp and ip=dhcp, the path and the
# options in dnsmasq's option 17 ("nfs:SERVER:PATH,vers=3"); v3 mounts by
# mount(2) with nolock (no statd). /usr is on NFS too, from the real
# root's fstab (v4), and is mounted before the switch. The real system
# finds /run/net-eth0.conf and the lease is never released. Then the
# kernel's root=/dev/nfs nfsroot=auto with the same server.
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
echo "192.0.2.1:/usr /usr nfs4 ro,nofail 0 0" >"$T/export/etc/fstab"
usr_tree "$T/usr" real-usr
NFS_EXTRA=("$T/usr:/usr")
nfs_server "$ns" 192.0.2.1 "$T/export"
net_dnsmasq "$ns" tap0 --dhcp-range=192.0.2.50,192.0.2.59,255.255.255.0,10m \
	--dhcp-option=17,nfs:192.0.2.1:/root,vers=3
net_nic_tap "$ns" tap0
net_vm_boot nfs --timeout 120 -- "root=dhcp ip=dhcp"
expect_log 'sesame-init: nfs: mounted 192\.0\.2\.1:/root on /newroot with NFS v3 \(vers=3,addr=192\.0\.2\.1,nolock\)' \
	"v3 from option 17, with nolock"
expect_log 'sesame-init: fstab: 192\.0\.2\.1:/usr on /usr \(NFS\) will be mounted' \
	"/usr on NFS from the real root's fstab"
expect_log 'sesame-init: nfs: mounted 192\.0\.2\.1:/usr on /newroot/usr with NFS v4' \
	"/usr mounted before the switch"
expect_marker
expect_field root '/^192\.0\.2\.1:/root:nfs:ro$/'
expect_field usr '/^192\.0\.2\.1:/usr:nfs4:real-usr$/'
expect_net addrs '/eth0:192\.0\.2\.5[0-9]\/24/'
expect_log 'sesame-init: net: NFS: the address is kept without a lifetime' \
	"net says the NFS root's address is made permanent"
expect_addr_lifetime '192\.0\.2\.5[0-9]' forever
expect_log "^RUNCONF /run/net-eth0\.conf: IPV4ADDR='192\.0\.2\.5[0-9]'" \
	"the real system finds initramfs-tools' /run/net-eth0.conf"
expect_log "^RUNCONF /run/net-eth0\.conf: ROOTPATH='nfs:192\.0\.2\.1:/root,vers=3'" \
	"with the root path of the lease"
expect_log '^RUNCONF /run/sesame/net-pnp: bootserver 192\.0\.2\.1' \
	"and the pnp-style resolver file"
expect_dnsmasq 'DHCPACK' "dnsmasq gave the lease"
if grep -q 'DHCPRELEASE' "$DNSMASQ_LOG"; then
	fail "dnsmasq saw a DHCPRELEASE"
else
	ok "dnsmasq saw no DHCPRELEASE (the lease stays for the real system)"
fi

say "the kernel's form of the same: root=/dev/nfs nfsroot=auto"
net_nic_tap "$ns" tap0
net_vm_boot nfs --timeout 120 -- "root=/dev/nfs nfsroot=auto ip=dhcp"
expect_log 'sesame-init: nfs: mounted 192\.0\.2\.1:/root on /newroot with NFS v3' \
	"nfsroot=auto takes option 17"
expect_marker
expect_field root '/^192\.0\.2\.1:/root:nfs:ro$/'
vm_done
