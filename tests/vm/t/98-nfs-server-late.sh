#!/bin/bash
# NFS root whose server comes up after the client: the kernel's form
# root=/dev/nfs nfsroot=SERVER:/PATH/%s,OPTIONS, %s the host name DHCP gave
# (dnsmasq's dhcp-host); the first attempts fail with the server's error,
# each logged, and once the server starts the boot goes on by itself.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-net.sh
. "$(dirname "$0")/../lib-net.sh"
# shellcheck source=../lib-nfs.sh
. "$(dirname "$0")/../lib-nfs.sh"

nfs_image
net_ns ns
net_tap "$ns" tap0 192.0.2.1/24
mkdir -p "$T/export"
nfs_export_tree "$T/export/ws7"
net_dnsmasq "$ns" tap0 --dhcp-range=192.0.2.50,192.0.2.59,255.255.255.0,10m \
	--dhcp-host="$(net_mac 0),ws7"
net_nic_tap "$ns" tap0
nfs_start_when 'sesame-init: warning: nfs: /: attempt 2 failed' 90 \
	"$ns" 192.0.2.1 "$T/export"
net_vm_boot nfs --timeout 150 -- \
	"root=/dev/nfs nfsroot=192.0.2.1:/root/%s,vers=4.1,timeo=50 ip=dhcp rd.timeout=120"
expect_log 'sesame-init: warning: nfs: /: attempt 1 failed: ' \
	"the first attempt fails while the server is down, with its error"
expect_log 'sesame-init: nfs: mounted 192\.0\.2\.1:/root/ws7 on /newroot with NFS v4\.1 \(vers=4\.1,addr=192\.0\.2\.1,timeo=50\)' \
	"once the server is up the boot goes on; %s is the host name"
expect_marker
expect_field root '/^192\.0\.2\.1:/root/ws7:nfs4:ro$/'
vm_done
