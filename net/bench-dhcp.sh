#!/bin/bash
# bench-dhcp.sh: time from NIC up to lease bound, sesame's DHCP client against
# busybox udhcpc, both against the same dnsmasq in the same run, alternating.
#
# Usage (root): net/bench-dhcp.sh [ROUNDS]     (make build/bin/netprobe first)
# Everything happens in two network namespaces made here (a veth pair, 10.79.0.0/24);
# nothing else is touched. Prints each round, then min / median / max per client.
#
# What is measured:
#   sesame  netprobe's own clock from net_start() (link dump, link up, carrier,
#           DISCOVER/OFFER/REQUEST/ACK, address and route set) to the
#           "configured" event.
#   udhcpc  from just before `ip link set eth0 up` to the moment its script
#           has set the address on "bound".
set -euo pipefail

rounds=${1:-10}
probe=${PROBE:-build/bin/netprobe}
tag=sesame-bench-$$
s=$tag-s
c=$tag-c
work=$(mktemp -d)
dpid=

cleanup() {
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null && wait "$dpid" 2>/dev/null
	ip netns del "$s" 2>/dev/null || true
	ip netns del "$c" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "bench-dhcp: needs root" >&2; exit 2; }
[ -x "$probe" ] || { echo "bench-dhcp: build $probe first" >&2; exit 2; }
command -v dnsmasq >/dev/null && command -v busybox >/dev/null ||
	{ echo "bench-dhcp: needs dnsmasq and busybox" >&2; exit 2; }

ip netns add "$s"
ip netns add "$c"
ip link add vs0 netns "$s" type veth peer name eth0 netns "$c"
ip -n "$s" addr add 10.79.0.1/24 dev vs0
ip -n "$s" link set vs0 up

ip netns exec "$s" dnsmasq --no-daemon --conf-file=/dev/null --interface=vs0 \
	--bind-interfaces --port=0 --no-ping --dhcp-authoritative \
	--dhcp-leasefile="$work/leases" \
	--dhcp-range=10.79.0.100,10.79.0.200,255.255.255.0,1h \
	--dhcp-option=option:router,10.79.0.1 >"$work/dnsmasq.log" 2>&1 &
dpid=$!
for _ in $(seq 100); do
	grep -q "DHCP, IP range" "$work/dnsmasq.log" && break
	sleep 0.05
done
sleep 1 # let dnsmasq settle (its first moments can drop a DISCOVER)

cat >"$work/udhcpc.sh" <<EOF
#!/bin/sh
case "\$1" in
bound|renew)
	ip addr add "\$ip/\${mask:-24}" dev "\$interface"
	[ -n "\$router" ] && ip route add default via "\${router%% *}" dev "\$interface"
	date +%s%N >"$work/bound"
	;;
esac
exit 0
EOF
chmod +x "$work/udhcpc.sh"

ours=()
theirs=()
exch=()
for i in $(seq "$rounds"); do
	out=$(ip netns exec "$c" "$probe" ip=eth0:dhcp sesame.dhcp_timeout=20 2>&1)
	ms=$(sed -n 's/^elapsed_ms=//p' <<<"$out")
	# DISCOVER -> ACK alone, as the client logs it.
	xms=$(sed -n 's/.*(\([0-9]*\) ms after the first message).*/\1/p' <<<"$out")
	exch+=("$xms")
	[ -n "$ms" ] || { echo "bench-dhcp: sesame got no lease" >&2; exit 1; }
	ours+=("$ms")

	rm -f "$work/bound"
	t0=$(date +%s%N)
	ip -n "$c" link set eth0 up
	ip netns exec "$c" busybox udhcpc -i eth0 -f -q -n -t 5 \
		-s "$work/udhcpc.sh" >/dev/null 2>&1 || true
	[ -f "$work/bound" ] || { echo "bench-dhcp: udhcpc got no lease" >&2; exit 1; }
	t1=$(cat "$work/bound")
	ums=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
	theirs+=("$ums")
	ip -n "$c" addr flush dev eth0
	ip -n "$c" link set eth0 down
	printf 'round %2d: sesame %7.1f ms (exchange %s ms)   udhcpc %7.1f ms\n' \
		"$i" "$ms" "$xms" "$ums"
done

stats() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
		END { printf "min %.1f  median %.1f  max %.1f ms (n=%d)", v[1],
		      (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2),
		      v[NR], NR }'
}
echo "sesame: $(stats "${ours[@]}")"
echo "udhcpc: $(stats "${theirs[@]}")"
echo "sesame DISCOVER->ACK: $(stats "${exch[@]}")"
