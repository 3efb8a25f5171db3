#!/bin/bash
# scripts/deps.sh waits for a held apt/dpkg lock, saying for what, and gives
# up after SESAME_DEPS_LOCK_WAIT (issue 9, item 21). A lock file of its own
# (the machine's apt is left alone), locked as flock(1) and as apt does
# (fcntl), and no real install (SESAME_DEPS_DRY_RUN).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

cd "$TOP" || exit 1
lock=$T/lock-frontend
: >"$lock"
export SESAME_DEPS_LOCKS=$lock SESAME_DEPS_DRY_RUN=1
export SESAME_DEPS_EXTRA=sesame-no-such-package # so something is "missing"

# until_file FILE RE PID: waits until FILE has a line matching RE; fails
# when PID ends first (a guard of 300 s against a hang, not a timing
# assertion).
until_file() {
	local i
	for ((i = 0; i < 3000; i++)); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# hold KIND: holds $lock (flock or fcntl) until killed; $holder is its PID
# (the process holding the lock, nothing else), once it holds the lock.
hold() {
	rm -f "$T/held"
	case $1 in
	flock) flock -x --no-fork "$lock" sh -c ": >'$T/held'; exec sleep 1000" & ;;
	fcntl) python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "w")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(1000)' "$lock" "$T/held" & ;;
	esac
	holder=$!
	local i
	for ((i = 0; i < 3000; i++)); do
		[ -e "$T/held" ] && return 0
		sleep 0.1
	done
	return 1
}

for kind in flock fcntl; do
	hold $kind || bad "$kind: the test could not take the lock"
	SESAME_DEPS_LOCK_WAIT=600 scripts/deps.sh build >"$T/out" 2>&1 &
	deps=$!
	if until_file "$T/out" "waiting for $lock, held by $holder " "$deps"; then
		ok "$kind: deps.sh says it waits for $lock and who holds it"
	else
		bad "$kind: no waiting message"
		cat "$T/out"
	fi
	check "$kind: deps.sh has not run apt-get while the lock is held" \
		test -z "$(grep 'would run' "$T/out")"
	kill "$holder"
	wait "$holder" 2>/dev/null
	if wait "$deps"; then
		ok "$kind: deps.sh goes on once the lock is free"
	else
		bad "$kind: deps.sh failed after the lock was freed"
		cat "$T/out"
	fi
	check "$kind: then it runs apt-get with apt's own lock timeout" \
		grep -q 'would run: apt-get -o DPkg::Lock::Timeout=600 install' \
		"$T/out"
done

# A lock that stays held: a bounded wait, then an error naming it.
hold flock
if SESAME_DEPS_LOCK_WAIT=1 scripts/deps.sh build >"$T/out" 2>&1; then
	bad "deps.sh succeeded while the lock stayed held"
else
	ok "deps.sh fails when the lock stays held"
fi
check "it says what it gave up on" \
	grep -q "$lock is still held by $holder .* after 1 s; giving up" "$T/out"
check "and ran no apt-get" test -z "$(grep 'would run' "$T/out")"
kill "$holder"
wait "$holder" 2>/dev/null
sh_done
