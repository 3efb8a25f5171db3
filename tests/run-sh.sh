#!/bin/bash
# run-sh.sh RESULTS SCRIPT...: runs shell tests (tests/sh), records each one's
# "passed failed" from its last "sh-result P F" line.
results=$1
shift
for t in "$@"; do
	name=$(basename "$t" .sh)
	out=$("$t" 2>&1)
	rc=$?
	echo "$out"
	read -r pass fail < <(sed -n 's/^sh-result \([0-9]*\) \([0-9]*\)$/\1 \2/p' \
		<<<"$out" | tail -1)
	pass=${pass:-0}
	fail=${fail:-0}
	# A test that died before its result line, or exited non-zero, failed.
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
		echo "run-sh: $name exited with status $rc"
	fi
	echo "sh: $name: $pass passed, $fail failed"
	echo "$pass $fail" >"$results/sh-$name"
done
