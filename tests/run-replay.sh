#!/bin/bash
# run-replay.sh RESULTS BIN...: replays each fuzz target's checked-in corpus.
results=$1
shift
for bin in "$@"; do
	name=$(basename "$bin" _replay)
	corpus=tests/fuzz/corpus/$name
	if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
		echo "replay: $name: no corpus in $corpus"
		echo "0 1" >"$results/fuzz-$name"
		continue
	fi
	if out=$("$bin" "$corpus" 2>&1); then
		echo "replay: $name: $out"
		echo "1 0" >"$results/fuzz-$name"
	else
		echo "$out"
		echo "replay: $name: FAILED"
		echo "0 1" >"$results/fuzz-$name"
	fi
done
