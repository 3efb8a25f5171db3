#!/bin/bash
# summary.sh RESULTS: adds up every suite's "passed failed [skipped]" file;
# prints "N passed, N failed" (", N skipped" when any were); exit 1 on
# failures.
results=$1
pass=0
fail=0
skip=0
for f in "$results"/*; do
	[ -f "$f" ] || continue
	read -r p q s <"$f"
	s=${s:-0}
	pass=$((pass + p))
	fail=$((fail + q))
	skip=$((skip + s))
	[ "$q" -gt 0 ] && echo "summary: failures in $(basename "$f")"
	[ "$s" -gt 0 ] && echo "summary: $s skipped in $(basename "$f")"
done
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
	echo "summary: no test ran"
	fail=1
fi
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
