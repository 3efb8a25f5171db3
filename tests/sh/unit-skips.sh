#!/bin/bash
# A unit test's oracle tool that scripts/deps.sh promises (ssh-keygen,
# readelf, dropbearkey) is required: without it the test fails, never
# passes by skipping its comparison; run-unit.sh and summary.sh count what
# cmocka skipped (issue 9, item 22).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# The tools' packages are in deps.sh's test set.
eval "$(sed -n '/^test_pkgs=/,/"$/p' "$TOP/scripts/deps.sh")"
for pkg in openssh-client binutils dropbear-bin; do
	check "deps.sh test installs $pkg" \
		grep -qx -- "$pkg" <(tr -s ' \t\n' '\n' <<<"${test_pkgs:-}")
done

# Without the tools on PATH (/bin/sh is found by its path) each suite fails.
mkdir -p "$T/empty"
for t in test_keys_fingerprint test_image_elf test_keys_hostkeys test_init_needed; do
	if [ ! -x "$B/tests/$t" ]; then
		bad "$B/tests/$t is not built"
		continue
	fi
	PATH=$T/empty "$B/tests/$t" >"$T/$t.out" 2>&1
	rc=$?
	check "$t fails when its tool is missing (status $rc)" test "$rc" -ne 0
	check "$t names the missing tool and its package" \
		grep -Eq 'is missing: `scripts/deps.sh test` installs' "$T/$t.out"
	check "$t skips nothing" test -z "$(grep 'SKIPPED' "$T/$t.out")"
done

# run-unit.sh and summary.sh: a suite with a skipped test.
cat >"$T/fake_suite" <<'FAKE'
#!/bin/sh
echo "[==========] 4 test(s) run."
echo "[  PASSED  ] 3 test(s)."
echo "[  SKIPPED ] 1 test(s), listed below:"
echo "[  SKIPPED ] needs_a_tool"
echo
echo " 1 SKIPPED TEST(S)"
FAKE
cat >"$T/fake_plain" <<'FAKE'
#!/bin/sh
echo "[==========] 2 test(s) run."
echo "[  PASSED  ] 2 test(s)."
FAKE
chmod +x "$T/fake_suite" "$T/fake_plain"
mkdir -p "$T/res" "$T/res2"
"$TOP/tests/run-unit.sh" "$T/res" "$T/fake_suite" >/dev/null 2>&1
check "run-unit.sh records 3 passed, 0 failed, 1 skipped" \
	test "$(cat "$T/res/unit-fake_suite" 2>/dev/null)" = "3 0 1"
"$TOP/tests/summary.sh" "$T/res" >"$T/summary" 2>&1
check "summary.sh exits 0 (skips are not failures)" test $? -eq 0
check "summary.sh's last line shows the skipped count" \
	test "$(tail -1 "$T/summary")" = "3 passed, 0 failed, 1 skipped"
check "summary.sh names the suite with skips" \
	grep -q 'skipped in unit-fake_suite' "$T/summary"
"$TOP/tests/run-unit.sh" "$T/res2" "$T/fake_plain" >/dev/null 2>&1
echo "1 0" >"$T/res2/vm-old-format" # other runners write two fields
"$TOP/tests/summary.sh" "$T/res2" >"$T/summary2" 2>&1
check "without skips the line stays 'N passed, N failed'" \
	test "$(tail -1 "$T/summary2")" = "3 passed, 0 failed"
sh_done
