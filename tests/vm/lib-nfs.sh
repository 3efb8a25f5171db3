# lib-nfs.sh: a real NFS server for the NFS-root VM tests (tests/vm/t/9*-nfs-*):
# rpcbind and nfs-ganesha (userspace; v3 and v4) inside a namespace made by
# lib-net.sh, joined to the guest by a tap. Source it after lib.sh and
# lib-net.sh; everything it starts is ended by lib-net.sh's EXIT trap (its
# PIDs go into NET_DAEMONS, and every process left in our namespaces is
# killed when they are removed).
# shellcheck shell=bash

NFS_PSEUDO=/root        # where the export shows, for v4 and (Mount_Path_Pseudo) v3
NFS_DIR=''              # the exported directory (nfs_server)
NFS_LOG=''              # ganesha's log
NFS_EXTRA=()            # more exports for nfs_server: "DIR:PSEUDO" each
NFS_TRANSPORTS=TCP      # ganesha's Transports (bench/nfs.sh adds UDP for klibc)

# nfs_export_tree DIR: DIR becomes a real root for NFS: busybox; /sbin/init
# prints the files the initramfs left under /run, then the network report
# (lib-net.sh's net_root_init), then the marker.
nfs_export_tree() {
	local dir=$1
	root_tree "$dir" --no-init --alt-init /sbin/marker-init
	net_root_init >"$dir/sbin/net-init"
	# What the initramfs left under /run about the network, as
	# "RUNCONF FILE: LINE", then the network report and the marker.
	cat >"$dir/sbin/init" <<'INIT'
#!/bin/busybox sh
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
for f in /run/net-*.conf /run/sesame/net-pnp; do
	[ -f "$f" ] || continue
	while IFS= read -r line; do echo "RUNCONF $f: $line"; done <"$f"
done
# a root that takes writes says so (the overlay test)
if echo probe 2>/dev/null >/sesame-write-probe; then echo "ROOT-WRITABLE"; fi
exec /sbin/net-init "$@"
INIT
	chmod 0755 "$dir/sbin/init" "$dir/sbin/net-init"
}

# nfs_server NS ADDR DIR [PROTOCOLS]: serves DIR at $NFS_PSEUDO from ADDR
# in NS (PROTOCOLS "3, 4" by default). Returns once ganesha listens on
# 2049; dies with its log when it does not.
nfs_server() {
	local ns=$1 addr=$2 dir=$3 protos=${4:-3, 4} conf pid _
	NFS_DIR=$dir
	NFS_LOG=$VM_LOGDIR/ganesha.log
	conf=$T/ganesha.conf
	mkdir -p "$T/ganesha-recovery"
	: >"$NFS_LOG"
	cat >"$conf" <<CONF
NFS_CORE_PARAM {
	Protocols = $protos;
	Enable_RQUOTA = false;
	Enable_NLM = false;
	Bind_addr = $addr;
	Mount_Path_Pseudo = true;
}
NFSV4 { Graceless = true; RecoveryRoot = "$T/ganesha-recovery"; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT {
	Export_Id = 1;
	Path = "$dir";
	Pseudo = "$NFS_PSEUDO";
	Access_Type = RW;
	Squash = No_Root_Squash;
	Protocols = $protos;
	Transports = $NFS_TRANSPORTS;
	SecType = sys;
	FSAL { Name = VFS; }
}
CONF
	local i=2 e
	for e in "${NFS_EXTRA[@]}"; do
		cat >>"$conf" <<CONF
EXPORT {
	Export_Id = $i; Path = "${e%%:*}"; Pseudo = "${e#*:}";
	Access_Type = RW; Squash = No_Root_Squash; Protocols = $protos;
	Transports = TCP; SecType = sys; FSAL { Name = VFS; }
}
CONF
		i=$((i + 1))
	done
	# rpcbind first: without it ganesha exits after "Cannot register".
	# Both in a mount namespace of their own with a private /run: ganesha
	# registers through /run/rpcbind.sock, which is not per network
	# namespace, and two tests at once would register with each other's
	# rpcbind (a v3 mount then fails with EOPNOTSUPP: no MNT service).
	# No -w: its warm-start files would be the host's.
	# shellcheck disable=SC2016 # for the inner shell
	ip netns exec "$ns" unshare -m --propagation private bash -c '
		mount -t tmpfs -o mode=0755 sesame-nfs-run /run || exit 1
		rpcbind -f &
		for _ in $(seq 100); do
			[ -S /run/rpcbind.sock ] && break
			sleep 0.1
		done
		exec ganesha.nfsd -F -f "$1" -L "$2" -p "$3"
	' nfs-server "$conf" "$NFS_LOG" "$T/ganesha.pid" </dev/null >>"$NFS_LOG" 2>&1 &
	pid=$!
	NET_DAEMONS+=("$pid")
	for _ in $(seq 100); do
		if text_has ':2049 ' "$(ip netns exec "$ns" ss -ltn 2>/dev/null)"; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	cat "$NFS_LOG" >&2
	die "nfs-ganesha in $ns did not start"
}

# nfs_server_stop: ends ganesha (rpcbind stays), as a server going away.
nfs_server_stop() {
	local pid
	pid=$(cat "$T/ganesha.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
}

# nfs_image: IMAGES[nfs], lib-net.sh's net image plus the kernel's NFS
# client (nfs, nfsv3, nfsv4 and what they need) and overlay.
nfs_image() {
	local args=(--no-generic-modules --no-storage) m
	need_sesame
	for m in "${NET_MODULES[@]}" nfs nfsv3 nfsv4 overlay; do args+=(-m "$m"); done
	image_build nfs "${args[@]}"
}

# nfs_start_when REGEX LIMIT NS ADDR DIR: in the background, once REGEX
# shows in the serial log (or after LIMIT seconds), starts the server
# (nfs_server), for a server that comes up after the client.
nfs_start_when() {
	local re=$1 limit=$2 ns=$3 addr=$4 dir=$5
	: >"$LOG" # vm_boot empties it too; no stale match from a last run
	(
		trap - EXIT
		end=$((SECONDS + limit))
		until grep -qE -- "$re" "$LOG" 2>/dev/null; do
			[ $SECONDS -lt $end ] || break
			sleep 0.3
		done
		say "the NFS server starts now"
		nfs_server "$ns" "$addr" "$dir"
		# keep it (and rpcbind) running until the test ends
		wait
	) &
	NET_DAEMONS+=("$!")
}
