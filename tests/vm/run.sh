#!/bin/bash
# run.sh: runs the VM tests (tests/vm/t/NN-name.sh), two at a time at most,
# and ends with "N passed, N failed".
#   run.sh [--results DIR] [-j 1|2] [NAME...]   NAME: 10-root-uuid, root-uuid
#                                              or a glob (root-*)
#   run.sh --list
# With --results, writes DIR/vm-NAME ("passed failed") per test for
# tests/summary.sh. Logs: build/vm-logs/NAME/{test.log,serial.log}.
set -euo pipefail

VM_DIR=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$VM_DIR/../.." && pwd)
results=''
jobs=2
list=0
names=()

usage() {
	sed -n '2,8s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--results)
		results=$2
		shift 2
		;;
	-j)
		jobs=$2
		shift 2
		;;
	--list)
		list=1
		shift
		;;
	-h | --help) usage ;;
	-*) usage ;;
	*)
		names+=("$1")
		shift
		;;
	esac
done
[[ $jobs =~ ^[12]$ ]] || {
	echo "run.sh: -j is 1 or 2 (two VMs at most on this machine)" >&2
	exit 2
}

all_tests() {
	local f
	for f in "$VM_DIR"/t/[0-9]*.sh; do
		[ -f "$f" ] && basename "${f%.sh}"
	done
}

# select_tests NAME...: the tests matching each NAME, in suite order.
select_tests() {
	local t n hit
	if [ $# -eq 0 ]; then
		all_tests
		return
	fi
	for n in "$@"; do
		hit=0
		for t in $(all_tests); do
			# shellcheck disable=SC2053 # NAME may be a glob
			if [[ $t == $n ]] || [[ ${t#[0-9][0-9]-} == $n ]]; then
				echo "$t"
				hit=1
			fi
		done
		[ $hit = 1 ] || {
			echo "run.sh: no test $n (see --list)" >&2
			return 1
		}
	done | awk '!seen[$0]++'
}

if [ $list = 1 ]; then
	for t in $(all_tests); do
		printf '%-28s %s\n' "$t" "$(sed -n '2s/^# //p' "$VM_DIR/t/$t.sh")"
	done
	exit 0
fi

mapfile -t tests < <(select_tests "${names[@]}")
[ ${#tests[@]} -gt 0 ] || exit 2

work=$(mktemp -d "${TMPDIR:-/tmp}/sesame-vmrun.XXXXXX")
logroot=${SESAME_VM_LOGS:-$TOP/build/vm-logs}
declare -A running=() started=()
passed=0
failed=0

stop_all() {
	local pid
	for pid in "${!running[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${!running[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The kernel once, before the tests start in parallel.
KDIR=$("$VM_DIR/fetch-kernel.sh")
KVER=${KDIR##*/kernel-}
VMLINUZ=$KDIR/boot/vmlinuz-$KVER
export KDIR KVER VMLINUZ
export VM_SHARED=$work/shared
mkdir -p "$VM_SHARED"

start_test() {
	local t=$1 pid
	mkdir -p "$logroot/$t"
	TEST_NAME=$t VM_LOGDIR=$logroot/$t \
		bash "$VM_DIR/t/$t.sh" >"$logroot/$t/test.log" 2>&1 </dev/null &
	pid=$!
	running[$pid]=$t
	started[$pid]=$(now_ms)
	echo "vm: start $t"
}

# finish_test PID RC
finish_test() {
	local pid=$1 rc=$2 t=${running[$1]} ms
	ms=$(($(now_ms) - started[$pid]))
	unset "running[$pid]"
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		printf 'PASS %s (%d.%d s)\n' "$t" $((ms / 1000)) $((ms % 1000 / 100))
		[ -z "$results" ] || echo "1 0" >"$results/vm-$t"
	else
		failed=$((failed + 1))
		printf 'FAIL %s (%d.%d s, exit %d); %s:\n' "$t" $((ms / 1000)) \
			$((ms % 1000 / 100)) "$rc" "$logroot/$t/test.log"
		sed 's/^/    /' "$logroot/$t/test.log"
		[ -z "$results" ] || echo "0 1" >"$results/vm-$t"
	fi
}

# wait_one: waits for any running test and records it.
wait_one() {
	local pid rc
	rc=0
	wait -n -p pid "${!running[@]}" || rc=$?
	finish_test "$pid" "$rc"
}

[ -z "$results" ] || mkdir -p "$results"
t0=$(now_ms)
for t in "${tests[@]}"; do
	while [ ${#running[@]} -ge "$jobs" ]; do
		wait_one
	done
	start_test "$t"
done
while [ ${#running[@]} -gt 0 ]; do
	wait_one
done
ms=$(($(now_ms) - t0))
printf 'vm: %d test(s) in %d.%d s wall\n' ${#tests[@]} $((ms / 1000)) \
	$((ms % 1000 / 100))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
