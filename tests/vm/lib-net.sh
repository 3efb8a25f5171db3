# lib-net.sh: networking for the VM tests of net/ (tests/vm/t/6*-net-*.sh).
# Source it after lib.sh. It gives a test network namespaces of its own
# (taps for QEMU, dnsmasq, addresses "behind a gateway"), QEMU NICs, a probe
# that runs a command from the host side while the guest is up, and a real
# root whose init reports the network it finds after switch_root. Everything
# it starts or makes is ended or removed by the EXIT trap, on every path.
# Addresses: QEMU user networking with restrict=on, or TEST-NET ranges
# (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) inside our namespaces.
# shellcheck shell=bash

# The VM modules and the NIC driver (the builder adds failover and
# net_failover).
NET_MODULES=("${VM_MODULES[@]}" virtio_net)
NET_NS=()          # namespaces made by this test
NET_DAEMONS=()     # dnsmasq PIDs
NET_PROBE_PID=''   # the background probe (net_probe_when)
NET_QEMU_ARGS=()   # extra QEMU arguments for the next net_vm_boot
NET_QEMU_NETNS=''  # the namespace QEMU runs in ('' for the host's)
NET_NIC_COUNT=0
NET_SHIM_DIR=$T/net-bin
NET_QEMU_PIDFILE=$T/net-qemu.pid
# Our namespaces are sesame-vmt-PID-N (PID: this test's shell), so that
# one a killed test left behind can be recognised and removed.
NET_NS_PREFIX=sesame-vmt
# What net logs when an address is configured (net/hook.c).
# shellcheck disable=SC2034 # for the tests
NET_REACHABLE_RE='sesame-init: reachable on '
# Typed at a rd.break=pre-mount shell: wait (20 s of guest uptime at most,
# not a count of rounds: a loaded TCG guest is slow) until the main
# routing table has a route (an address is configured: PID 1 has logged it
# before it sees the shell end), then leave the shell so the boot goes on.
# /proc/net/route holds the main table only (no lo routes). Without it the
# root, found at once, would often be switched to before the lease.
# shellcheck disable=SC2016,SC2034 # for the guest's shell, by the tests
NET_WAIT_ROUTE='read u _ </proc/uptime; end=$((${u%.*} + 20)); while [ $(grep -c . /proc/net/route) -lt 2 ]; do read u _ </proc/uptime; [ ${u%.*} -lt $end ] || break; sleep 0.2; done; exit'

# ---- cleanup ---------------------------------------------------------------

# net_cleanup: the EXIT trap. The probe, the VM, the daemons, then anything
# still inside our namespaces (by PID, from `ip netns pids`), then the
# namespaces; then lib.sh's own cleanup (the VM again, $T).
net_cleanup() {
	local ns pid
	if [ -n "$NET_PROBE_PID" ]; then
		kill "$NET_PROBE_PID" 2>/dev/null || true
		wait "$NET_PROBE_PID" 2>/dev/null || true
		NET_PROBE_PID=''
	fi
	vm_kill || true
	for pid in "${NET_DAEMONS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	NET_DAEMONS=()
	for ns in "${NET_NS[@]}"; do
		net_ns_remove "$ns"
	done
	NET_NS=()
	# Anything else this shell still has in the background: vm_boot's
	# console drain (`cat con.out`) outlives a test ended while it waits for
	# a VM slot (lib.sh does not end it), and would block for ever.
	for pid in $(jobs -p); do
		kill "$pid" 2>/dev/null || true
	done
	vm_cleanup || true
}
trap net_cleanup EXIT

# net_ns_remove NS: ends whatever still runs in NS (by PID), deletes it.
net_ns_remove() {
	local ns=$1 pid _
	[ -e "/run/netns/$ns" ] || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		pid=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
		[ -n "$pid" ] || break
		# shellcheck disable=SC2086 # a list of PIDs
		kill $pid 2>/dev/null || true
		sleep 0.2
	done
	ip netns del "$ns" 2>/dev/null || true
}

# net_ns_reap_stale: removes our namespaces whose test shell is gone (a test
# killed with SIGKILL cannot run its trap).
net_ns_reap_stale() {
	local f ns pid
	for f in /run/netns/"$NET_NS_PREFIX"-*; do
		[ -e "$f" ] || continue
		ns=${f##*/}
		pid=${ns#"$NET_NS_PREFIX"-}
		pid=${pid%%-*}
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null && continue
		say "removing namespace $ns left by a dead test"
		net_ns_remove "$ns"
	done
}

# ---- namespaces, taps, dnsmasq ---------------------------------------------

# net_ns VAR: a fresh namespace (lo up), its name in VAR.
net_ns() {
	local _net_ns=$NET_NS_PREFIX-$$-${#NET_NS[@]}
	net_ns_reap_stale
	ip netns add "$_net_ns" || die "ip netns add $_net_ns failed (root needed)"
	NET_NS+=("$_net_ns")
	ip -n "$_net_ns" link set lo up
	printf -v "$1" %s "$_net_ns"
}

# net_tap NS TAP [ADDR/PREFIX...]: a tap device in NS for QEMU, up, with
# those addresses.
net_tap() {
	local ns=$1 tap=$2 a
	shift 2
	ip -n "$ns" tuntap add "$tap" mode tap || die "tuntap add $tap failed"
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev "$tap"
	done
	ip -n "$ns" link set "$tap" up
}

# net_dnsmasq NS IFACE DNSMASQ_ARGS...: dnsmasq serving DHCP (no DNS) on
# IFACE in NS, in the background; its log (--log-dhcp) is
# $VM_LOGDIR/dnsmasq-IFACE.log, in DNSMASQ_LOG. Returns once it serves.
net_dnsmasq() {
	local ns=$1 ifc=$2 pid _
	shift 2
	DNSMASQ_LOG=$VM_LOGDIR/dnsmasq-$ifc.log
	: >"$DNSMASQ_LOG"
	ip netns exec "$ns" dnsmasq --no-daemon --conf-file=/dev/null \
		--log-facility=- --log-dhcp --no-hosts --no-resolv \
		--interface="$ifc" --bind-interfaces --port=0 \
		--dhcp-leasefile="$T/dnsmasq-$ifc.leases" "$@" \
		>>"$DNSMASQ_LOG" 2>&1 </dev/null &
	pid=$!
	NET_DAEMONS+=("$pid")
	for _ in $(seq 50); do
		grep -q 'DHCP, IP range' "$DNSMASQ_LOG" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$DNSMASQ_LOG" >&2
	die "dnsmasq on $ifc did not start"
}

# expect_dnsmasq REGEX [WHAT]: dnsmasq's log has REGEX (grep -E).
expect_dnsmasq() {
	if grep -qE -- "$1" "$DNSMASQ_LOG"; then
		ok "${2:-dnsmasq log has /$1/}"
	else
		fail "${2:-dnsmasq log has /$1/}: not found (log: $DNSMASQ_LOG)"
	fi
}

# ---- QEMU NICs and boots ---------------------------------------------------

# net_mac N: the MAC address of our NIC number N (0, 1, ...).
net_mac() { printf '52:54:00:5e:5a:%02x' "$1"; }

# net_nic_user: a virtio NIC on QEMU user networking, restrict=on (the guest
# reaches nothing but QEMU's own DHCP server: 10.0.2.15 from 10.0.2.2).
net_nic_user() {
	local id=n$NET_NIC_COUNT
	NET_QEMU_ARGS+=(-netdev "user,id=$id,restrict=on"
		-device "virtio-net-pci,netdev=$id,mac=$(net_mac "$NET_NIC_COUNT")")
	NET_NIC_COUNT=$((NET_NIC_COUNT + 1))
}

# net_nic_tap NS TAP: a virtio NIC on tap device TAP of namespace NS (QEMU
# then runs inside NS).
net_nic_tap() {
	local ns=$1 tap=$2 id=n$NET_NIC_COUNT
	[ -z "$NET_QEMU_NETNS" ] || [ "$NET_QEMU_NETNS" = "$ns" ] ||
		die "net_nic_tap: every tap must be in one namespace"
	NET_QEMU_NETNS=$ns
	NET_QEMU_ARGS+=(-netdev "tap,id=$id,ifname=$tap,script=no,downscript=no"
		-device "virtio-net-pci,netdev=$id,mac=$(net_mac "$NET_NIC_COUNT")")
	NET_NIC_COUNT=$((NET_NIC_COUNT + 1))
}

# net_write_shim: $NET_SHIM_DIR/qemu-system-x86_64, which vm_boot's launch
# (scripts/vm-slot.sh, timeout, qemu-system-x86_64) finds first in PATH. It
# records its PID (QEMU's: everything execs) and runs the real QEMU with
# the NICs, inside the namespace when there is one. (lib.sh's vm_boot has
# no way to add QEMU arguments; QEMU takes -nic none and -netdev/-device
# together.)
net_write_shim() {
	local qemu
	qemu=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64"
	[ "$qemu" != "$NET_SHIM_DIR/qemu-system-x86_64" ] || die "shim in PATH"
	mkdir -p "$NET_SHIM_DIR"
	# shellcheck disable=SC2016 # "$@" and extra are the shim's
	{
		echo '#!/bin/bash'
		echo '# Written by tests/vm/lib-net.sh for one VM test boot.'
		printf 'echo $$ >%q\n' "$NET_QEMU_PIDFILE"
		printf 'extra=(%s)\n' "$(printf '%q ' "${NET_QEMU_ARGS[@]}")"
		if [ -n "$NET_QEMU_NETNS" ]; then
			printf 'exec ip netns exec %q %q "$@" "${extra[@]}"\n' \
				"$NET_QEMU_NETNS" "$qemu"
		else
			printf 'exec %q "$@" "${extra[@]}"\n' "$qemu"
		fi
	} >"$NET_SHIM_DIR/qemu-system-x86_64"
	chmod 0755 "$NET_SHIM_DIR/qemu-system-x86_64"
}

# net_vm_boot VM_BOOT_ARGS...: vm_boot (lib.sh) with the NICs added so far
# (net_nic_user, net_nic_tap), QEMU in their namespace. The NIC list is
# emptied afterwards.
net_vm_boot() {
	local path=$PATH
	rm -f "$NET_QEMU_PIDFILE"
	net_write_shim
	PATH=$NET_SHIM_DIR:$path
	vm_boot "$@"
	PATH=$path
	NET_QEMU_ARGS=()
	NET_QEMU_NETNS=''
	NET_NIC_COUNT=0
	net_probe_finish
}

# net_image: IMAGES[net], the VM image with virtio_net, without md/LVM
# (--no-storage: their modules, raid6's boot-time benchmark above all, cost
# seconds of TCG time per boot and these tests have no use for them).
net_image() {
	local args=(--no-generic-modules) m
	need_sesame
	if text_has '--no-storage' "$("$SESAME_BIN/sesame" build --help 2>&1)"; then
		args+=(--no-storage)
	fi
	for m in "${NET_MODULES[@]}"; do args+=(-m "$m"); done
	image_build net "${args[@]}"
}

# ---- probing the guest from the host side ----------------------------------

# net_probe_when REGEX LIMIT CMD...: for the next net_vm_boot: in the
# background, once REGEX shows in the serial log, runs CMD (on the host;
# `ip netns exec NS ...` to act from a namespace), then cuts the VM's power
# so that vm_boot returns. When REGEX has not shown LIMIT seconds after
# QEMU started, it cuts the power anyway and CMD counts as failed. Boot
# with --until '' so vm_boot waits for this. The outcome is read by
# expect_probe.
net_probe_when() {
	local re=$1 limit=$2
	shift 2
	NET_PROBE_OUT=$VM_LOGDIR/probe.log
	rm -f "$NET_PROBE_OUT" "$NET_PROBE_OUT.rc"
	: >"$LOG" # vm_boot empties it too; no stale match before that
	net_probe_run "$re" "$limit" "$@" &
	NET_PROBE_PID=$!
}

net_probe_run() {
	local re=$1 limit=$2 deadline rc
	shift 2
	trap - EXIT
	while [ ! -s "$NET_QEMU_PIDFILE" ]; do sleep 0.1; done # a VM slot
	deadline=$(($(now_ms) + limit * 1000))
	until log_has "$re"; do
		if [ "$(now_ms)" -gt "$deadline" ]; then
			echo "probe: /$re/ not in the serial log after $limit s" \
				>"$NET_PROBE_OUT"
			echo 124 >"$NET_PROBE_OUT.rc"
			kill "$(cat "$NET_QEMU_PIDFILE")" 2>/dev/null || true
			return 0
		fi
		sleep 0.1
	done
	rc=0
	{
		echo "probe: /$re/ seen; running: $*"
		"$@" 2>&1 || rc=$?
		echo "probe: exit status $rc"
	} >"$NET_PROBE_OUT"
	echo "$rc" >"$NET_PROBE_OUT.rc"
	kill "$(cat "$NET_QEMU_PIDFILE")" 2>/dev/null || true
}

# net_probe_finish: waits for the probe of the last boot, if any.
net_probe_finish() {
	[ -n "$NET_PROBE_PID" ] || return 0
	wait "$NET_PROBE_PID" 2>/dev/null || true
	NET_PROBE_PID=''
	sed 's/^/    /' "$NET_PROBE_OUT"
}

# expect_probe WHAT: the probe's command ran and succeeded.
expect_probe() {
	local rc
	rc=$(cat "$NET_PROBE_OUT.rc" 2>/dev/null || echo none)
	if [ "$rc" = 0 ]; then
		ok "$1"
	else
		fail "$1: probe exit status $rc (log: $NET_PROBE_OUT)"
	fi
}

# net_ping NS SRC DST: from namespace NS, with source address SRC, three
# echo requests to DST; succeeds when all three are answered.
net_ping() {
	local out
	out=$(ip netns exec "$1" busybox ping -c 3 -w 6 -I "$2" "$3" 2>&1) || true
	printf '%s\n' "$out"
	grep -q '3 packets received' <<<"$out"
}

# ---- the real root's view of the network -----------------------------------

# The real root's /sbin/init in net_root_disk: prints the network it finds
# (raw, then one SESAME-NET line), then execs the marker init (lib.sh's
# rootfs/init, as /sbin/marker-init), which stays PID 1.
#   SESAME-NET addrs=IF:ADDR/PFX,...|none   IPv4 and IPv6, lo left out
#              routes=ROUTE,...|none         every table, v4 and v6, lo's
#                                            left out; spaces as '_'
#              up=IF,...|none                links with IFF_UP, lo left out
#              lo=up|down
#              runconf=FILE,...|none         /run/net-*.conf and
#                                            /run/sesame/net-pnp left by init
net_root_init() {
	cat <<'EOF'
#!/bin/busybox sh
# Written by tests/vm/lib-net.sh: the network the booted system finds.
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
bb=/bin/busybox
echo "net-report: addresses:"
$bb ip addr show 2>&1 | $bb sed 's/^/net-report:   /'
echo "net-report: routes:"
{ $bb ip -4 route show table all; $bb ip -6 route show table all; } 2>&1 |
	$bb sed 's/^/net-report:   /'
addrs='' routes='' up='' lo=down
# (/ is read-only: here-documents, not temp files)
for fam in -4 -6; do
	out=$($bb ip -o "$fam" addr show 2>/dev/null)
	while read -r _ ifc _ addr _; do
		case $ifc in '' | lo) continue ;; esac
		addrs="${addrs:+$addrs,}$ifc:$addr"
	done <<END
$out
END
	out=$($bb ip "$fam" route show table all 2>/dev/null)
	while read -r line; do
		[ -n "$line" ] || continue
		case " $line " in *" dev lo "*) continue ;; esac
		routes="${routes:+$routes,}$(echo "$line" | $bb tr ' ' _)"
	done <<END
$out
END
done
for d in /sys/class/net/*; do
	ifc=${d##*/}
	read -r flags <"$d/flags" || continue
	if [ $((flags & 1)) = 1 ]; then
		if [ "$ifc" = lo ]; then lo=up; else up="${up:+$up,}$ifc"; fi
	fi
done
runconf=''
for f in /run/net-*.conf /run/sesame/net-pnp; do
	[ -e "$f" ] && runconf="${runconf:+$runconf,}$f"
done
echo "SESAME-NET addrs=${addrs:-none} routes=${routes:-none} up=${up:-none} lo=$lo runconf=${runconf:-none}"
exec /sbin/marker-init "$@"
EOF
}

# net_root_disk NAME: the real root (ROOT_UUID) with the network report
# before the marker.
net_root_disk() {
	local dir=$T/$1
	root_tree "$dir" --no-init --alt-init /sbin/marker-init
	net_root_init >"$dir/sbin/init"
	chmod 0755 "$dir/sbin/init"
	disk_ext4 "$1" "$dir" "$ROOT_UUID" "$ROOT_LABEL"
}

# The SESAME-NET line's fields, in NETR.
declare -A NETR=()
net_report_read() {
	local line kv
	NETR=()
	line=$(grep -m1 -E '^SESAME-NET ' "$LOG_TXT") || return 1
	for kv in ${line#SESAME-NET }; do
		NETR[${kv%%=*}]=${kv#*=}
	done
}

# expect_net NAME VALUE|/REGEX/: a SESAME-NET field equals VALUE or matches.
expect_net() {
	local name=$1 want=$2 have
	if ! net_report_read; then
		fail "network report $name: no SESAME-NET line"
		return
	fi
	have=${NETR[$name]-}
	if [[ $want == /*/ ]] && [[ $have =~ ${want:1:-1} ]]; then
		ok "after the switch: $name=$have"
	elif [ "$have" = "$want" ]; then
		ok "after the switch: $name=$have"
	else
		fail "after the switch: $name: want $want, have '$have'"
	fi
}

# expect_probe_log REGEX WHAT: the probe's output has REGEX (grep -E).
expect_probe_log() {
	if grep -qE -- "$1" "$NET_PROBE_OUT" 2>/dev/null; then
		ok "$2"
	else
		fail "$2: /$1/ not in the probe's output ($NET_PROBE_OUT)"
	fi
}

# net_log_addr IFACE: the address net said IFACE is reachable at (serial
# log so far).
net_log_addr() {
	tr -d '\r' <"$LOG" | grep -oE "${NET_REACHABLE_RE}$1 at [0-9.]+" |
		first_line | sed 's/.* at //'
}

# expect_stamps_between RE1 RE2 MIN MAX WHAT: like lib.sh's expect_between
# (kernel timestamps, boot with --verbose), but a stamped kmsg line may also
# start in the middle of a console line: a shell prompt without a newline
# ("/ # ") often runs into it. (lib.sh's expect_between only reads stamps
# at the start of a line.)
expect_stamps_between() {
	local d
	# awk reads to the end (no exit): grep must never write into a closed
	# pipe (issue 9: exit 141 under pipefail with a long log).
	d=$(grep -oE '\[ *[0-9]+\.[0-9]+\] .*' "$LOG_TXT" | awk -v a="$1" -v b="$2" '
		function stamp(l) { sub(/^\[ */, "", l); sub(/\].*/, "", l); return l + 0 }
		done { next }
		t1 == "" { if ($0 ~ a) t1 = stamp($0); next }
		$0 ~ b { printf "%.2f", stamp($0) - t1; done = 1 }
	')
	if [ -z "$d" ]; then
		fail "$5: timestamped lines not found"
	elif awk -v d="$d" -v lo="$3" -v hi="$4" 'BEGIN { exit !(d >= lo && d <= hi) }'; then
		ok "$5 ($d s)"
	else
		fail "$5: took $d s"
	fi
}

# expect_addr_lifetime ADDR_REGEX forever|finite: in the real root's network
# report, the line after the inet line of ADDR_REGEX says "valid_lft
# forever" (a permanent address) or a number of seconds (a lease's).
expect_addr_lifetime() {
	local re=$1 want=$2 lft
	lft=$(awk -v re="inet $re/" '
		found { if ($0 ~ /valid_lft/) { sub(/.*valid_lft /, ""); sub(/ .*/, ""); print; exit } }
		$0 ~ /^net-report:/ && $0 ~ re { found = 1 }' "$LOG_TXT")
	case $want:$lft in
	forever:forever) ok "the address $re is permanent after the switch" ;;
	finite:[0-9]*sec) ok "the address $re keeps its lease's lifetime ($lft)" ;;
	*) fail "the address $re after the switch: valid_lft '${lft:-none}', wanted $want" ;;
	esac
}
