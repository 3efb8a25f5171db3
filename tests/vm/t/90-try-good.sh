#!/bin/bash
# sesame try: a good image (NIC driver, keys, unlock and rescue keys) passes every step; --json, progress, --keep.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=../lib-unlock.sh
. "$(dirname "$0")/../lib-unlock.sh"
# shellcheck source=../lib-try.sh
. "$(dirname "$0")/../lib-try.sh"

vm_kernel
unlock_keys
try_host_nic_modules
unlock_image good "${TRY_HOST_NIC_ARGS[@]}"
try_run --json --keep --keydir "$UNLOCK_KEYDIR" --identity "$T/ssh/unlock" \
	--rescue-identity "$T/ssh/rescue" --cmdline "console=tty0 ip=dhcp quiet" \
	"${IMAGES[good]}"
expect_try_rc 0
if python3 - "$TRY_OUT" <<'PY'; then
import json, sys
r = json.load(open(sys.argv[1]))
want = {"kernel": "pass", "network": "pass", "ssh": "pass", "hostkey": "pass",
        "unlock": "pass", "rescue": "pass", "console": "skip", "switch": "skip",
        "hostnic": "pass"}
have = {s["id"]: s["result"] for s in r["steps"]}
bad = [k for k in want if have.get(k) != want[k]]
for s in r["steps"]:
    print("  %-8s %-4s %s %s" % (s["id"], s["result"], s["seconds"], s["detail"]))
assert r["passed"] is True, "passed is not true"
assert not bad, "steps differ: %s" % bad
assert r["accel"] in ("kvm", "tcg")
assert r["cmdline"] == "ip=dhcp quiet console=ttyS0", r["cmdline"]
assert [d["param"] for d in r["dropped"]] == ["console=tty0"]
net = [s for s in r["steps"] if s["id"] == "network"][0]["detail"]
assert "10.0.2.15" in net and "DHCP" in net, net
ssh = [s for s in r["steps"] if s["id"] == "ssh"][0]["detail"]
assert ssh.startswith("SSH-2.0-dropbear"), ssh
unl = [s for s in r["steps"] if s["id"] == "unlock"][0]["detail"]
assert "attempts left" in unl, unl
assert any("cannot test this host's real NIC" in n for n in r["notes"])
PY
	ok "the JSON report: every step passed or was skipped, as expected"
else
	fail "the JSON report is not as expected"
fi
log=$(grep -o 'console log kept in [^"]*' "$TRY_OUT" | sed 's/console log kept in //')
if [ -n "$log" ] && grep -q 'sesame-init: reachable on' "$log"; then
	ok "--keep kept the console log ($log)"
	rm -f "$log"
else
	fail "--keep: no console log named or it lacks the boot"
fi
# Not a terminal: a line per decided step (and one every 15 s while
# waiting, which a fast run may never need).
if grep -qE '^sesame try: [0-9.]+ s: network up: ok$' "$TRY_ERR"; then
	ok "progress lines on stderr as the steps are decided"
else
	fail "no progress line on stderr"
fi
expect_no_qemu_left "${IMAGES[good]}"
vm_done
