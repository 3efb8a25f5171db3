#!/bin/bash
# run-unit.sh RESULTS BIN...: runs cmocka suites, records "passed failed
# skipped" counts for tests/summary.sh.
results=$1
shift
for bin in "$@"; do
	name=$(basename "$bin")
	out=$("$bin" 2>&1)
	rc=$?
	echo "$out"
	pass=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
	fail=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
	# cmocka: "[  SKIPPED ] N test(s), listed below:", then one per name
	skip=$(sed -n 's/.*\[  SKIPPED \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
	pass=${pass:-0}
	fail=${fail:-0}
	skip=${skip:-0}
	# A crash or non-zero exit with no FAILED line is still a failure.
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		fail=1
		echo "run-unit: $name exited with status $rc"
	fi
	echo "$pass $fail $skip" >"$results/unit-$name"
done
