# lib.sh: what the shell tests (tests/sh/*.sh) share: a temp dir $T, ok/bad
# counting, and the "sh-result PASSED FAILED" line tests/run-sh.sh reads.
# shellcheck shell=bash

set -uo pipefail

SH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$SH_DIR/../.." && pwd)
# The build dir (make passes SESAME_B: build, or build/san with SAN=1).
# shellcheck disable=SC2034 # for the tests
B=${SESAME_B:-$TOP/build}
T=$(mktemp -d "${TMPDIR:-/tmp}/sesame-sh.XXXXXX")
trap 'rm -rf "$T"' EXIT
SH_PASS=0
SH_FAIL=0

# ok WHAT / bad WHAT: one check passed or failed.
ok() {
	SH_PASS=$((SH_PASS + 1))
	echo "ok: $*"
}
bad() {
	SH_FAIL=$((SH_FAIL + 1))
	echo "FAIL: $*"
}

# check WHAT CMD...: runs CMD; passes when it exits 0.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

# sh_done: the last line of every test; exit 1 when a check failed.
sh_done() {
	echo "sh-result $SH_PASS $SH_FAIL"
	[ "$SH_FAIL" -eq 0 ] && [ "$SH_PASS" -gt 0 ]
}
