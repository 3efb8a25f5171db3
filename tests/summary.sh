#!/bin/bash
# summary.sh RESULTS: adds up every suite's "passed failed" file; exit 1 on failures.
results=$1
pass=0
fail=0
for f in "$results"/*; do
	[ -f "$f" ] || continue
	read -r p q <"$f"
	pass=$((pass + p))
	fail=$((fail + q))
	[ "$q" -gt 0 ] && echo "summary: failures in $(basename "$f")"
done
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
	echo "summary: no test ran"
	fail=1
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
