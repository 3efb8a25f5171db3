# lib-unlock.sh: SSH and console unlock for the VM tests of issue 5
# (tests/vm/t/7*-unlock-*.sh, demo-unlock.sh). Source it after lib.sh; it
# sources lib-net.sh for QEMU NICs. It gives a test per-run SSH keys, an
# image with them, LUKS disks from the helper VM, a NIC with a hostfwd to
# 127.0.0.1:PORT, a driver that runs SSH sessions (and console typing)
# from the host while the guest boots, and a pty for `ssh -tt`.
# Loopback only: QEMU user networking with restrict=on.
# shellcheck shell=bash

# shellcheck source=lib-net.sh
. "$VM_DIR/lib-net.sh"

# The passphrases of the test disks.
UNLOCK_PASS=sesame-test
UNLOCK_OTHER_PASS=other-pass
UNLOCK_MODULES=("${NET_MODULES[@]}" dm_crypt)
UNLOCK_DRV_PID=''

unlock_cleanup() {
	if [ -n "$UNLOCK_DRV_PID" ]; then
		kill "$UNLOCK_DRV_PID" 2>/dev/null || true
		wait "$UNLOCK_DRV_PID" 2>/dev/null || true
	fi
	net_cleanup
}
trap unlock_cleanup EXIT

# unlock_keys: per-run keys in $T/ssh: an unlock key, a rescue key, a key
# the image does not know; $T/ssh/authorized_keys for the image; host keys
# made by the build in $T/hostkeys (UNLOCK_KEYDIR).
unlock_keys() {
	local k
	mkdir -p "$T/ssh"
	for k in unlock rescue stranger; do
		ssh-keygen -q -t ed25519 -N '' -C "$k@test" -f "$T/ssh/$k"
	done
	{
		cat "$T/ssh/unlock.pub"
		echo "sesame-role=rescue $(cat "$T/ssh/rescue.pub")"
	} >"$T/ssh/authorized_keys"
	UNLOCK_KEYDIR=$T/hostkeys
	: >"$T/ssh/known_hosts"
}

# unlock_image NAME [build args]: the VM image with the net and dm modules,
# the keys of unlock_keys, as IMAGES[NAME].
unlock_image() {
	local name=$1 args=(--no-generic-modules) m
	shift
	for m in "${UNLOCK_MODULES[@]}"; do args+=(-m "$m"); done
	image_build "$name" "${args[@]}" --authorized-keys "$T/ssh/authorized_keys" \
		--keydir "$UNLOCK_KEYDIR" "$@"
}

# unlock_disks: LUKS2 root (UNLOCK_PASS, holding the test root), a LUKS1
# disk with the same passphrase, a LUKS2 disk with UNLOCK_OTHER_PASS; all
# PBKDF2 with 1000 iterations. DISKS[luksroot], DISKS[luks1], DISKS[luksother];
# their UUIDs in LUKS_ROOT_UUID, LUKS1_UUID, LUKS_OTHER_UUID.
LUKS_ROOT_UUID=5e5a0000-0000-4000-8000-0000000e0001
LUKS1_UUID=5e5a0000-0000-4000-8000-0000000e0002
LUKS_OTHER_UUID=5e5a0000-0000-4000-8000-0000000e0003
unlock_disks() {
	local rootdir=$1
	disk_ext4 unlockroot "$rootdir" "$ROOT_UUID" "$ROOT_LABEL"
	helper_disks luksroot:48 luks1:12 luksother:20 -- unlockroot <<RECIPE
f() { cryptsetup luksFormat --batch-mode --pbkdf-force-iterations 1000 --key-file=- "\$@"; }
printf %s $UNLOCK_PASS | f --type luks2 --pbkdf pbkdf2 --uuid $LUKS_ROOT_UUID "\$OUT1"
printf %s $UNLOCK_PASS | f --type luks1 --uuid $LUKS1_UUID "\$OUT2"
printf %s $UNLOCK_OTHER_PASS | f --type luks2 --pbkdf pbkdf2 --uuid $LUKS_OTHER_UUID "\$OUT3"
printf %s $UNLOCK_PASS | cryptsetup open --key-file=- "\$OUT1" root
dd if="\$IN1" of=/dev/mapper/root bs=1M
cryptsetup close root
RECIPE
}

# The real root's /sbin/init for these tests: looks for the passphrases in
# what is left to read after the switch (every process's environ and
# cmdline and readable memory, /run, the initramfs's mount points), prints
# SESAME-SECRETS found=N where=..., then execs the marker init.
unlock_root_init() {
	cat <<EOF
#!/bin/busybox sh
# Written by tests/vm/lib-unlock.sh.
[ -c /dev/console ] && exec </dev/console >/dev/console 2>&1
bb=/bin/busybox
found=0 where=''
hit() { found=\$((found + 1)); where="\${where:+\$where,}\$1"; }
for p in $UNLOCK_PASS $UNLOCK_OTHER_PASS; do
	for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do
		\$bb grep -qaF "\$p" "\$f" 2>/dev/null && hit "\$f"
	done
	\$bb grep -rlaF "\$p" /run /tmp 2>/dev/null | while read -r f; do echo "secret in \$f"; done
	n=\$(\$bb grep -rlaF "\$p" /run /tmp 2>/dev/null | \$bb wc -l)
	[ "\$n" = 0 ] || hit "files:\$n"
done
# Every user process's writable mappings, through /proc/PID/mem (only
# this shell is left after a clean switch; a leftover process would be
# read here). Kernel threads have no mappings.
for d in /proc/[0-9]*; do
	pid=\${d#/proc/}
	[ "\$pid" = "\$\$" ] && continue
	read -r first 2>/dev/null <"\$d/maps" || continue
	\$bb awk '\$2 ~ /^rw/ { split(\$1, a, "-"); print a[1], a[2] }' "\$d/maps" 2>/dev/null |
	while read -r lo hi; do
		\$bb dd if="\$d/mem" bs=4096 skip=\$((0x\$lo / 4096)) count=\$(((0x\$hi - 0x\$lo) / 4096)) 2>/dev/null
	done | \$bb grep -qaF -e $UNLOCK_PASS -e $UNLOCK_OTHER_PASS && hit "mem:\$pid" # pipe-ok: guest sh, no pipefail
done
echo "SESAME-SECRETS found=\$found where=\${where:-none}"
exec /sbin/marker-init "\$@"
EOF
}

# unlock_root_tree DIR: the real root with unlock_root_init.
unlock_root_tree() {
	local dir=$1
	root_tree "$dir" --no-init --alt-init /sbin/marker-init
	unlock_root_init >"$dir/sbin/init"
	chmod 0755 "$dir/sbin/init"
}

# ---- QEMU with SSH on a host port ------------------------------------------

# unlock_nic: a virtio NIC on user networking (restrict=on) with the guest's
# port 22 forwarded from 127.0.0.1:UNLOCK_PORT (a free port).
unlock_nic() {
	UNLOCK_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	NET_QEMU_ARGS+=(-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$UNLOCK_PORT-:22"
		-device "virtio-net-pci,netdev=n0,mac=$(net_mac 0)")
	NET_NIC_COUNT=1
}

# uss KEY ARGS...: ssh as root to the guest with key $T/ssh/KEY, batch mode,
# the per-run known_hosts (the image's host key is added on first use).
uss() {
	local key=$1
	shift
	ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
		-o UserKnownHostsFile="$T/ssh/known_hosts" -o ConnectTimeout=20 \
		-o LogLevel=ERROR -i "$T/ssh/$key" -p "$UNLOCK_PORT" root@127.0.0.1 "$@"
}

# uss_in FILE KEY ARGS...: uss with stdin from FILE.
uss_in() {
	local f=$1
	shift
	uss "$@" <"$f"
}

# uss_pty SCRIPT KEY ARGS...: ssh (as uss) on a pty, driven by SCRIPT: lines
# "expect REGEX" (wait up to 60 s for REGEX in the output), "send TEXT"
# (TEXT then CR, as a terminal sends Enter), "sleep S", "console TEXT" (TEXT
# and CR typed on the guest's serial console). Prints the transcript
# (CRs dropped) and exits with ssh's status (124 when an expect timed out).
uss_pty() {
	local script=$1 key=$2
	shift 2
	python3 - "$script" "$T/con.in" ssh -o BatchMode=yes \
		-o StrictHostKeyChecking=accept-new \
		-o UserKnownHostsFile="$T/ssh/known_hosts" -o ConnectTimeout=20 \
		-o LogLevel=ERROR -i "$T/ssh/$key" -p "$UNLOCK_PORT" root@127.0.0.1 "$@" <<'PY'
import os, pty, re, select, sys, time
script, con, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b""
def pump(t):
    global out
    r, _, _ = select.select([fd], [], [], t)
    if not r:
        return True
    try:
        d = os.read(fd, 4096)
    except OSError:
        d = b""
    if not d:
        return False
    out += d
    return True
def finish(code):
    sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
    sys.stdout.flush()
    sys.exit(code)
seen = 0
for line in script.splitlines():
    op, _, arg = line.partition(" ")
    if op == "expect":
        end = time.time() + 60
        while True:
            m = re.search(arg.encode(), out[seen:])
            if m:
                seen += m.end()
                break
            if time.time() > end or not pump(0.2):
                if not re.search(arg.encode(), out[seen:]):
                    sys.stdout.write("uss_pty: no /%s/\n" % arg)
                    os.kill(pid, 9)
                    finish(124)
    elif op == "send":
        os.write(fd, arg.encode() + b"\r")
    elif op == "sleep":
        end = time.time() + float(arg)
        while time.time() < end and pump(0.1):
            pass
    elif op == "console":
        with open(con, "wb", buffering=0) as c:
            c.write(arg.encode() + b"\r")
end = time.time() + 60
while time.time() < end and pump(0.2):
    pass
_, st = os.waitpid(pid, 0)
finish(os.waitstatus_to_exitcode(st))
PY
}

# ---- the driver ------------------------------------------------------------

# unlock_drive FUNC: for the next unlock_vm_boot, runs FUNC in the
# background once QEMU runs and SSH answers (up to 90 s); its output goes
# to $VM_LOGDIR/drive.log (UNLOCK_DRV_LOG). FUNC reports with drv_ok /
# drv_fail; the results are checked by expect_drive after the boot.
# With --stop, the VM is powered off when FUNC is done (for boots that do
# not end by themselves).
unlock_drive() {
	UNLOCK_DRV_LOG=$VM_LOGDIR/drive.log
	: >"$UNLOCK_DRV_LOG"
	: >"$LOG"
	unlock_drive_run "$1" "${2:-}" >>"$UNLOCK_DRV_LOG" 2>&1 &
	UNLOCK_DRV_PID=$!
}

drv_ok() { echo "DRV-OK: $*"; }
drv_fail() { echo "DRV-FAIL: $*"; }

# live_count REGEX: lines of the serial log so far that match.
live_count() { tr -d '\r' <"$LOG" | grep -cE -- "$1" || true; }

unlock_drive_run() {
	local fn=$1 stop=$2 deadline
	trap - EXIT
	while [ ! -s "$NET_QEMU_PIDFILE" ]; do sleep 0.2; done # a VM slot
	deadline=$(($(now_ms) + 90000))
	until log_has 'ssh host key'; do
		if [ "$(now_ms)" -gt "$deadline" ]; then
			drv_fail "no 'ssh host key' line on the console after 90 s"
			return 0
		fi
		sleep 0.2
	done
	# dropbear listens before the lease; the forward works once DHCP is done.
	until log_has "$NET_REACHABLE_RE"; do
		if [ "$(now_ms)" -gt "$deadline" ]; then
			drv_fail "the guest did not say it is reachable"
			return 0
		fi
		sleep 0.2
	done
	echo "drive: SSH should answer on 127.0.0.1:$UNLOCK_PORT"
	"$fn" || drv_fail "$fn returned $?"
	echo "drive: done"
	[ "$stop" != --stop ] || kill "$(cat "$NET_QEMU_PIDFILE")" 2>/dev/null || true
}

# unlock_vm_boot VM_BOOT_ARGS...: net_vm_boot with the NIC of unlock_nic and
# a console that the driver can type on; waits for the driver.
unlock_vm_boot() {
	local image=$1
	shift
	net_vm_boot "$image" --type 'SESAME-NEVER-PRINTED-xyzzy' '' "$@"
}

# unlock_drive_finish: waits for the driver; shows and checks its results.
unlock_drive_finish() {
	[ -n "$UNLOCK_DRV_PID" ] || return 0
	wait "$UNLOCK_DRV_PID" 2>/dev/null || true
	UNLOCK_DRV_PID=''
	sed 's/^/    | /' "$UNLOCK_DRV_LOG"
	local line
	while IFS= read -r line; do
		case $line in
		DRV-OK:*) ok "${line#DRV-OK: }" ;;
		DRV-FAIL:*) fail "${line#DRV-FAIL: }" ;;
		esac
	done <"$UNLOCK_DRV_LOG"
	grep -q '^drive: done' "$UNLOCK_DRV_LOG" || fail "the driver did not finish"
}

# check WHAT EXPECTED_STATUS REGEX CMD...: runs CMD, reports (drv_ok /
# drv_fail) whether it exited with EXPECTED_STATUS (or "nonzero") and its
# output matched REGEX (grep -E; '' for any).
check() {
	local what=$1 want=$2 re=$3 out rc=0
	shift 3
	out=$("$@" 2>&1) || rc=$?
	printf '%s\n' "$out" | sed "s/^/  [$what] /"
	if { [ "$want" = nonzero ] && [ "$rc" -ne 0 ]; } || [ "$rc" = "$want" ]; then
		if [ -z "$re" ] || text_has "$re" "$out"; then
			drv_ok "$what (exit $rc)"
			return 0
		fi
		drv_fail "$what: output lacks /$re/"
		return 1
	fi
	drv_fail "$what: exit $rc, wanted $want"
	return 1
}

# expect_unlocked_switch: expect_clean_switch (lib.sh) for a root on a
# LUKS mapping (/dev/dm-N), and no dropbear left.
expect_unlocked_switch() {
	expect_marker
	expect_field pid 1
	expect_field rootid real-root
	expect_field root "/^\/dev\/dm-[0-9]+:ext4:ro$/"
	expect_field api dev,proc,sys,run
	expect_field others none
	# dropbear_stop freezes dropbear, ends its children, then SIGKILLs it
	# (a stop logs at info level; a crash would be a warning)
	expect_log 'sesame-init: dropbear \(pid [0-9]+\) killed by signal 9' \
		"dropbear was stopped before the switch"
}

# The SESAME-SECRETS line of unlock_root_init.
expect_no_secrets() {
	local line
	line=$(grep -m1 '^SESAME-SECRETS ' "$LOG_TXT") || {
		fail "no SESAME-SECRETS line from the real root"
		return
	}
	if [[ $line == "SESAME-SECRETS found=0 where=none" ]]; then
		ok "after the switch no passphrase in any process's environ, cmdline or writable memory, nor in /run or /tmp"
	else
		fail "passphrase found after the switch: $line"
	fi
}

# expect_fingerprints: each "ssh host key ..." line on the console is one
# `sesame keys show --fingerprints` prints for the image's key dir.
expect_fingerprints() {
	local want have
	want=$("$SESAME_BIN/sesame" keys show --dir "$UNLOCK_KEYDIR" --fingerprints 2>&1 |
		grep -oE 'SHA256:[A-Za-z0-9+/]+ \([A-Z0-9]+\)' | sort)
	have=$(grep -oE 'ssh host key [0-9]+ SHA256:[A-Za-z0-9+/]+ \([A-Z0-9]+\)' "$LOG_TXT" |
		sed 's/^ssh host key [0-9]* //' | sort -u)
	if [ -n "$want" ] && [ "$want" = "$have" ]; then
		ok "the fingerprints printed at boot are those of \`sesame keys show\`: $(echo "$have" | tr '\n' ' ')"
	else
		fail "fingerprints differ: boot '$have', keys show '$want'"
	fi
}

# ---- Argon2id keyslots, as users' disks have them ---------------------------

# cryptsetup luksFormat and every installer make an Argon2id keyslot that
# runs in several threads; glibc dlopen()s libgcc_s when such a thread
# ends, which no DT_NEEDED shows (issue 9, item 0). These disks have one
# keyslot: Argon2id, 2 threads, 256 MiB, 4 iterations (cryptsetup's
# minimum; fixed rather than benchmarked, so an unlock costs the same on
# every machine: about 17 s of guest time in TCG). A VM that opens one
# needs UNLOCK_ARGON2_VM_MEM MiB (the 256 MiB are allocated at once).
UNLOCK_ARGON2_OPTS='--pbkdf argon2id --pbkdf-memory 262144 --pbkdf-parallel 2 --pbkdf-force-iterations 4'
UNLOCK_ARGON2_VM_MEM=1536
# For helper recipes: a2check DEV fails the recipe unless DEV's keyslots
# are all Argon2id with 2 threads.
# shellcheck disable=SC2016 # expanded in the helper VM
UNLOCK_ARGON2_CHECK='a2check() {
	cryptsetup luksDump "$1" >/tmp/dump
	if ! grep -qE "PBKDF: +argon2id" /tmp/dump || ! grep -qE "Threads: +2" /tmp/dump ||
		grep -qE "PBKDF: +pbkdf2|Threads: +1\$" /tmp/dump; then
		echo "a2check: $1 has not only 2-thread Argon2id keyslots:"
		cat /tmp/dump
		return 1
	fi
}'

# argon2_helper_disks OUT:SIZE... [-- IN...] <RECIPE: helper_disks (lib.sh)
# with the helper VM given 2 vCPUs and UNLOCK_ARGON2_VM_MEM MiB. cryptsetup
# lowers a new keyslot's threads to the CPUs it sees, so a 1-vCPU helper
# (or a 1-CPU host) would make 1-thread keyslots; 2 vCPUs in TCG work on
# any host. The recipe checks the result with a2check.
argon2_helper_disks() {
	local mem=$VM_MEM path=$PATH qemu shim=$T/argon2-shim rc=0
	qemu=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64"
	mkdir -p "$shim"
	# QEMU takes the last -smp.
	printf '#!/bin/bash\nexec %q "$@" -smp 2\n' "$qemu" >"$shim/qemu-system-x86_64"
	chmod 0755 "$shim/qemu-system-x86_64"
	VM_MEM=$UNLOCK_ARGON2_VM_MEM
	PATH=$shim:$path
	helper_disks "$@" || rc=$?
	PATH=$path
	VM_MEM=$mem
	return $rc
}

# unlock_argon2_disks ROOTDIR: DISKS[a2root], a LUKS2 disk (LUKS_A2_UUID,
# UNLOCK_PASS, one Argon2id keyslot) holding the test root ROOTDIR.
LUKS_A2_UUID=5e5a0000-0000-4000-8000-0000000e0a21
unlock_argon2_disks() {
	disk_ext4 unlockroot "$1" "$ROOT_UUID" "$ROOT_LABEL"
	argon2_helper_disks a2root:48 -- unlockroot <<RECIPE
$UNLOCK_ARGON2_CHECK
printf %s $UNLOCK_PASS | cryptsetup luksFormat --batch-mode --type luks2 \
	$UNLOCK_ARGON2_OPTS --uuid $LUKS_A2_UUID --key-file=- "\$OUT1"
a2check "\$OUT1"
printf %s $UNLOCK_PASS | cryptsetup open --key-file=- "\$OUT1" root
dd if="\$IN1" of=/dev/mapper/root bs=1M
cryptsetup close root
RECIPE
}

# ---- an Argon2id keyslot of 1 GiB (issue 10: memory-hard derivations) ------

# unlock_argon2_1g_disk ROOTDIR: DISKS[a2big], a LUKS2 disk (LUKS_A2BIG_UUID,
# UNLOCK_PASS) holding the test root ROOTDIR whose only keyslot (0) is
# Argon2id with 1 GiB memory, 4 iterations, 2 threads (cryptsetup's default
# memory cap and threads on a 2-CPU machine). The helper VM formats it with
# a fast PBKDF2 keyslot and copies the root in (cached like every helper
# disk); the host then converts keyslot 0 in place with luksConvertKey
# (header work on a file, no device-mapper; one derivation at native speed
# instead of two in TCG with 1.2 GiB of guest memory), cached by its input
# and options. A guest opening it needs about 1.1 GiB free.
LUKS_A2BIG_UUID=5e5a0000-0000-4000-8000-0000000e0a31
UNLOCK_ARGON2_1G_OPTS='--pbkdf argon2id --pbkdf-memory 1048576 --pbkdf-parallel 2 --pbkdf-force-iterations 4'
# shellcheck disable=SC2034 # for the tests
UNLOCK_ARGON2_1G_MIB=1024

# argon2_convert_into OUT FROM: FROM's keyslot 0 converted to
# UNLOCK_ARGON2_1G_OPTS, written to OUT; fails unless luksDump shows one
# keyslot, Argon2id, 1048576 KiB, 2 threads, time cost 4. cryptsetup lowers
# the threads to the CPUs the host has: a 1-CPU host fails here.
argon2_convert_into() {
	local out=$1 from=$2 dump
	cp --sparse=always "$from" "$out"
	# shellcheck disable=SC2086 # the options are words
	printf %s "$UNLOCK_PASS" | cryptsetup luksConvertKey --batch-mode \
		--key-slot 0 $UNLOCK_ARGON2_1G_OPTS --key-file=- "$out" || return 1
	dump=$(cryptsetup luksDump "$out") || return 1
	if [ "$(grep -cE '^ +[0-9]+: luks2$' <<<"$dump")" != 1 ] ||
		! grep -qE '^ +0: luks2$' <<<"$dump" ||
		! grep -qE 'PBKDF: +argon2id$' <<<"$dump" ||
		! grep -qE 'Memory: +1048576$' <<<"$dump" ||
		! grep -qE 'Threads: +2$' <<<"$dump" ||
		! grep -qE 'Time cost: +4$' <<<"$dump"; then
		echo "argon2_convert_into: $out is not one 1 GiB, 2-thread Argon2id keyslot:" >&2
		printf '%s\n' "$dump" >&2
		return 1
	fi
}

unlock_argon2_1g_disk() {
	local src out
	disk_ext4 unlockroot "$1" "$ROOT_UUID" "$ROOT_LABEL"
	helper_disks a2bigsrc:48 -- unlockroot <<RECIPE
printf %s $UNLOCK_PASS | cryptsetup luksFormat --batch-mode --type luks2 \
	--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --uuid $LUKS_A2BIG_UUID \
	--key-file=- "\$OUT1"
printf %s $UNLOCK_PASS | cryptsetup open --key-file=- "\$OUT1" root
dd if="\$IN1" of=/dev/mapper/root bs=1M
cryptsetup close root
RECIPE
	src=${DISKS[a2bigsrc]}
	out=$SESAME_CACHE/vm-disks/a2big-$(cache_key "$(basename "$(dirname "$src")")" \
		"$UNLOCK_ARGON2_1G_OPTS").img
	cached "$out" argon2_convert_into "$src" ||
		die "cryptsetup luksConvertKey to a 1 GiB Argon2id keyslot failed"
	DISKS["a2big"]=$out
}

# expect_argon2_survived: what the unfixed image did with an Argon2id
# keyslot (PID 1 aborted in libcryptsetup's thread exit; the kernel
# panicked) did not happen.
expect_argon2_survived() {
	expect_no_log 'must be installed for pthread_exit' \
		"no 'libgcc_s.so.1 must be installed for pthread_exit to work'"
	expect_no_log 'Attempted to kill init' "no 'Attempted to kill init!'"
	expect_no_log "$PANIC_RE" "no kernel panic"
}

# unlock_slow_argon2_disk: DISKS[luksargon], the test root (unlockroot) on
# LUKS2 with one Argon2id slot, 2 threads, 128 MiB and 8 passes: one
# derivation lasts seconds under TCG, time for a rescue session to find
# and kill the process deriving (VM 75, 78).
unlock_slow_argon2_disk() {
	helper_disks luksargon:48 -- unlockroot <<RECIPE
printf %s $UNLOCK_PASS | cryptsetup luksFormat --batch-mode --type luks2 \
	--pbkdf argon2id --pbkdf-memory 131072 --pbkdf-parallel 2 \
	--pbkdf-force-iterations 8 --uuid $LUKS_ROOT_UUID --key-file=- "\$OUT1"
printf %s $UNLOCK_PASS | cryptsetup open --key-file=- "\$OUT1" root
dd if="\$IN1" of=/dev/mapper/root bs=1M
cryptsetup close root
RECIPE
}
