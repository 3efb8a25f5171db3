#!/bin/bash
# The VM library's log readers never die of SIGPIPE (exit 141 under
# pipefail) when the reader has its answer early and the log is long
# (issue 9, item 23: 65-net-no-server failed so in its timestamp check on a
# busy machine). A log of some MiB with every answer in its first lines
# makes the early stop certain, whatever the machine's load.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

vm=$TOP/tests/vm
log=$T/serial.log
{
	printf '[    2.000000] sesame-init: net: eth0: Ethernet NIC, trying it\r\n'
	printf '[    4.100000] sesame-init: warning: net: no address after 2 s\r\n'
	printf 'sesame-init: reachable on eth0 at 10.0.2.15\r\n'
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "[ %5d.000000] sesame-init: reachable on eth0 at 10.9.%d.%d\r\n",
			5 + i, i / 250 % 250, i % 250 + 1 }'
} >"$log"
tr -d '\r' <"$log" >"$log.txt"
check "the log is far longer than a pipe's buffer" \
	test "$(stat -c %s "$log")" -gt $((4 << 20))

# runs WHAT CMD...: CMD in a subshell that sourced lib.sh and lib-net.sh
# (set -euo pipefail, as in a VM test); passes when it exits 0, and says
# so when it died of SIGPIPE.
runs() {
	local what=$1 rc
	shift
	(
		export TEST_NAME=vm-pipes VM_LOGDIR=$T/vm-logs TMPDIR=$T
		# shellcheck source=../vm/lib.sh
		. "$vm/lib.sh"
		# shellcheck source=../vm/lib-net.sh
		. "$vm/lib-net.sh"
		LOG=$log
		LOG_TXT=$log.txt
		"$@"
	) >"$T/out" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "$what"
	else
		bad "$what: exit $rc$([ "$rc" -eq 141 ] && echo ' (SIGPIPE)')"
		sed 's/^/    /' "$T/out"
	fi
}

# Called as the VM tests call them: straight, under set -e (in $(...)
# bash would drop -e).
stamps() {
	expect_stamps_between '\] sesame-init: net: eth0: Ethernet NIC' \
		'\] sesame-init: (warning: )?net: no address after 2 s' 1.5 5.0 \
		"warning 2 s after net"
	[ "$VM_FAILS" -eq 0 ]
}
runs "expect_stamps_between (65-net-no-server's check) on a long log" stamps

addr() {
	local a
	a=$(net_log_addr eth0)
	[ "$a" = 10.0.2.15 ]
}
runs "net_log_addr's first address on a long log" addr

has() {
	log_has 'net: eth0: Ethernet NIC, trying it$' &&
		log_has 'Ethernet NIC' "$LOG_TXT" &&
		! log_has 'never in the log' &&
		text_has '^\[ +2\.0+\]' "$(cat "$LOG_TXT")" &&
		! text_has 'never' "$(cat "$LOG_TXT")"
}
runs "log_has and text_has find the first lines of a long log" has

first() {
	local l
	l=$(tr -d '\r' <"$LOG" | first_line)
	[ "$l" = '[    2.000000] sesame-init: net: eth0: Ethernet NIC, trying it' ]
}
runs "first_line reads all of a long stream" first

# No pipe into a reader that stops early is left in the VM library or the
# VM tests (an ok needs a comment on the same line saying why).
left=$(grep -nE '\|[[:space:]]*(\\?\$bb )?(grep[^|]* -[a-zA-Z]*[qlm]|head|sed -n [0-9]+q)' \
	"$vm"/lib*.sh "$vm"/t/*.sh "$vm"/*.sh |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*#|# pipe-ok:')
check "no '| grep -q', '| grep -m', '| head' in tests/vm${left:+: $left}" \
	test -z "$left"
sh_done
