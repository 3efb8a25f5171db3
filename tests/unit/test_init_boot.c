/* test_init_boot: the boot state machine through its seams (sys ops, the block
 * device table, fake child exits, the loop's deferred steps). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/loop.h"
#include "common/strutil.h"
#include "init/bootstate.h"
#include "init/child.h"
#include "init/fsck.h"
#include "init/hooks.h"
#include "init/modqueue.h"
#include "init/sys.h"
#include "nfs/mount.h"

#define ROOT_UUID "5e5a0000-0000-4000-8000-00000000a001"

/* What the boot asked of the system. */
static struct {
	unsigned spawns, mounts, reboots;
	char spawned[8][64];
	pid_t pids[8];
	char mounted[8][128];
	int mount_result; /* what every mount returns */
} sys;

static char sysfs[] = "/tmp/test_init_boot.XXXXXX";

static int fake_spawn(char *const argv[], const struct sys_spawn_opts *o,
		      pid_t *pidp)
{
	(void)o;
	if (sys.spawns < 8) {
		str_copy(sys.spawned[sys.spawns], sizeof(sys.spawned[0]),
			 argv[0]);
		sys.pids[sys.spawns] = 40001 + (pid_t)sys.spawns;
	}
	*pidp = 40001 + (pid_t)sys.spawns++; /* never reaped: not real */
	return 0;
}

static int fake_mount(const char *src, const char *target, const char *type,
		      unsigned long flags, const void *data)
{
	(void)src;
	(void)type;
	(void)flags;
	(void)data;
	if (sys.mounts < 8)
		str_copy(sys.mounted[sys.mounts], sizeof(sys.mounted[0]),
			 target);
	sys.mounts++;
	return sys.mount_result;
}

static int fake_mkdir(const char *path, mode_t mode)
{
	(void)path;
	(void)mode;
	return -EEXIST;
}

static int fake_kill(pid_t pid, int sig)
{
	(void)pid;
	(void)sig;
	return 0;
}

static int fake_reboot(int cmd)
{
	(void)cmd;
	sys.reboots++;
	return -EPERM;
}

static const struct sys_ops fake_ops = {
    .mount = fake_mount,
    .mkdir = fake_mkdir,
    .spawn = fake_spawn,
    .kill = fake_kill,
    .reboot = fake_reboot,
};

/* The boot with this command line, its loop, no device yet, not started. */
static void boot_with(const char *cmdline)
{
	struct loop *l = NULL;

	memset(&boot, 0, sizeof(boot));
	memset(&sys, 0, sizeof(sys));
	boot.uevent_fd = boot.signal_fd = -1;
	boot.sysfs_block = sysfs; /* empty: the rescan replays nothing */
	boot.t_start = loop_now_usec();
	assert_int_equal(loop_new(&l), 0);
	assert_int_equal(boot_loop_init(l), 0);
	boot_config_init(&boot.cfg);
	assert_int_equal(
	    boot_config_parse(&boot.cfg, cmdline, strlen(cmdline), false), 0);
	sys_set_ops(&fake_ops);
}

static int teardown(void **state)
{
	(void)state;
	/* Children the boot still waits for are forgotten with it. */
	for (unsigned i = 0; i < sys.spawns && i < 8; i++)
		child_unwatch(sys.pids[i]);
	sys_set_ops(NULL);
	loop_timer_free(boot.nfs.timer);
	loop_timer_free(boot.reboot_timer);
	loop_defer_free(boot.step);
	loop_defer_free(boot.timeout_check);
	loop_timer_free(boot.timeout);
	loop_free(boot.loop);
	memset(&boot, 0, sizeof(boot));
	return 0;
}

/* Runs the loop until nothing is left to run now. */
static void settle(void)
{
	for (int i = 0; i < 50; i++)
		if (loop_run_once(boot.loop, 0) == 0)
			return;
	fail_msg("the loop never settled");
}

/* A block device appears: in the table and a step scheduled (a uevent). */
static void device_appears(const char *name, const char *type)
{
	struct dev_props d;

	memset(&d, 0, sizeof(d));
	str_copy(d.name, sizeof(d.name), name);
	snprintf(d.node, sizeof(d.node), "/dev/%s", name);
	str_copy(d.type, sizeof(d.type), type);
	str_copy(d.uuid, sizeof(d.uuid), ROOT_UUID);
	assert_int_equal(blockdev_table_put(&boot.devs, &d), 0);
	boot_schedule(false);
}

/* The last spawned child exits with this wait status. */
static void last_child_exits(int wstatus)
{
	assert_true(sys.spawns > 0 && sys.spawns <= 8);
	assert_int_equal(child_exited(sys.pids[sys.spawns - 1], wstatus), 0);
}

#define EXIT_CODE(n) ((n) << 8) /* a wait status for exit(n) */

/* The switch was attempted: root mounted, then no init in /newroot (tests
 * have none), which is the emergency that names init. */
static void assert_reached_switch(void)
{
	assert_int_equal(boot.items[0].state, ITEM_MOUNTED);
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
}

/* Nothing moves inside boot_start(); root waits; the device comes; the
 * mount; the switch. fsck.mode=skip: no check. */
static void root_found_later_is_mounted(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " fsck.mode=skip");
	boot_start();
	assert_int_equal(boot.phase, PHASE_RUNNING);
	assert_int_equal(boot.wait_since != 0, 1);
	settle();
	assert_int_equal(boot.items[0].state, ITEM_WAIT);
	assert_int_equal(sys.mounts, 0);

	device_appears("test-vda", "ext4");
	assert_int_equal(sys.mounts, 0); /* only scheduled */
	settle();
	assert_int_equal(sys.mounts, 1);
	assert_string_equal(sys.mounted[0], NEWROOT);
	assert_reached_switch();
	assert_int_equal(sys.spawns, 0);
}

static void schedule_step(void)
{
	boot_schedule(false);
}

/*
 * A file system the kernel does not know yet while a modprobe child
 * runs: the mount waits for the child (mount(2) would sit in the kernel's
 * request_module); the child's end lets it go on. The switch too waits
 * for module loading to end.
 */
static void mount_waits_for_modprobe(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " fsck.mode=skip");
	assert_int_equal(modqueue_init(boot.loop, "/sbin/modprobe",
				       schedule_step),
			 0);
	assert_int_equal(modqueue_boot("/etc/sesame/modules", "/sys/devices"),
			 0);
	assert_int_equal(sys.spawns, 1);
	boot_start();
	settle();
	/* No kernel knows "sesamefs": a module could bring it. */
	device_appears("test-vda", "sesamefs");
	settle();
	assert_int_equal(sys.mounts, 0);
	assert_int_not_equal(boot.items[0].state, ITEM_MOUNTED);
	last_child_exits(0);
	settle();
	assert_int_equal(sys.mounts, 1);
	assert_reached_switch();
	modqueue_stop();
}

/* No root= at all: the emergency at once, nothing mounted. */
static void no_root_is_an_emergency(void **state)
{
	(void)state;
	boot_with("quiet");
	boot_start();
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
	settle();
	assert_int_equal(sys.mounts, 0);
}

/* A device without a file system blkid knows: the emergency. */
static void no_fs_type_is_an_emergency(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID);
	boot_start();
	device_appears("test-vda", "");
	settle();
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
	assert_int_equal(sys.mounts, 0);
}

/* mount(2) fails: the emergency, the item back to waiting; a retry goes
 * through once the mount works. */
static void mount_failure_then_retry(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " fsck.mode=skip");
	sys.mount_result = -EINVAL;
	boot_start();
	device_appears("test-vda", "ext4");
	settle();
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
	assert_int_equal(boot.items[0].state, ITEM_WAIT);
	assert_int_equal(sys.mounts, 1);

	sys.mount_result = 0;
	assert_int_equal(boot_retry(), 0);
	assert_int_equal(sys.mounts, 1); /* not inside boot_retry() */
	settle();
	assert_int_equal(sys.mounts, 2);
	assert_reached_switch();
}

/* boot_fsck_needed() checks only when it is there; never pass by skipping. */
static void need_fsck(void)
{
	if (access(FSCK_PATH, X_OK) < 0)
		fail_msg("%s is missing: install e2fsprogs (scripts/deps.sh "
			 "test)",
			 FSCK_PATH);
}

/* fsck runs (BUSY), exits 0: the mount; exit 1 (corrected) too. */
static void fsck_then_mount(void **state)
{
	(void)state;
	need_fsck();
	boot_with("root=UUID=" ROOT_UUID " fsck.mode=force");
	boot_start();
	device_appears("test-vda", "ext4");
	settle();
	assert_int_equal(boot.phase, PHASE_BUSY);
	assert_int_equal(boot.items[0].state, ITEM_FSCK);
	assert_int_equal(sys.spawns, 1);
	assert_string_equal(sys.spawned[0], FSCK_PATH);
	assert_int_equal(sys.mounts, 0);

	last_child_exits(EXIT_CODE(1));
	assert_int_equal(sys.mounts, 0); /* only scheduled */
	assert_int_equal(boot.items[0].state, ITEM_READY);
	settle();
	assert_int_equal(sys.mounts, 1);
	assert_int_equal(sys.spawns, 1); /* checked once */
	assert_reached_switch();
}

/* fsck fails: the emergency comes from the boot's step, not the exit. */
static void fsck_failure_is_an_emergency(void **state)
{
	(void)state;
	need_fsck();
	boot_with("root=UUID=" ROOT_UUID " fsck.mode=force");
	boot_start();
	device_appears("test-vda", "ext4");
	settle();
	last_child_exits(EXIT_CODE(8));
	assert_int_equal(boot.phase, PHASE_RUNNING);
	settle();
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
	assert_int_equal(boot.items[0].state, ITEM_WAIT);
	assert_string_equal(boot.items[0].error, "");
	assert_int_equal(sys.mounts, 0);
	/* a retry checks it again */
	assert_int_equal(boot_retry(), 0);
	settle();
	assert_int_equal(boot.phase, PHASE_BUSY);
	assert_int_equal(sys.spawns, 2);
}

/* rd.timeout passes with root missing: the emergency; a resume rescans. */
static void timeout_without_root(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " rd.timeout=5 fsck.mode=skip");
	boot_start();
	settle();
	assert_int_equal(boot_timeout_fire(boot.loop, boot.timeout, NULL), 0);
	assert_int_equal(boot.phase, PHASE_RUNNING); /* decided in a step */
	settle();
	assert_int_equal(boot.phase, PHASE_EMERGENCY);

	device_appears("test-vda", "ext4");
	settle();
	assert_int_equal(boot.phase, PHASE_EMERGENCY); /* stays stopped */
	assert_int_equal(boot_retry(), 0);
	settle();
	assert_reached_switch();
	assert_int_equal(sys.mounts, 1);
}

/* The device arrived with the timer: it counts (the step runs first). */
static void timeout_with_device_in_same_turn(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " rd.timeout=5 fsck.mode=skip");
	boot_start();
	settle();
	device_appears("test-vda", "ext4");
	assert_int_equal(boot_timeout_fire(boot.loop, boot.timeout, NULL), 0);
	settle();
	assert_int_equal(sys.mounts, 1);
	assert_reached_switch();
	/* the emergency is init's (none in the test), not "not found" */
}

/* A hold (a passphrase awaited) pauses the timeout. */
static void timeout_held(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " rd.timeout=5");
	boot_start();
	settle();
	boot_hold();
	assert_int_equal(boot_timeout_fire(boot.loop, boot.timeout, NULL), 0);
	settle();
	assert_int_equal(boot.phase, PHASE_RUNNING);
	boot_release();
	assert_int_equal(boot_timeout_fire(boot.loop, boot.timeout, NULL), 0);
	settle();
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
}

/* rd.break=pre-mount: a shell (BUSY) once root is found; its exit goes on.
 * rd.break=cmdline: nothing before the shell's exit. */
static void breaks(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " rd.break=pre-mount rd.shell "
		  "fsck.mode=skip");
	boot_start();
	device_appears("test-vda", "ext4");
	settle();
	assert_int_equal(boot.phase, PHASE_BUSY);
	assert_int_equal(sys.spawns, 1);
	assert_string_equal(sys.spawned[0], "/bin/sh");
	assert_int_equal(sys.mounts, 0);
	last_child_exits(EXIT_CODE(0));
	assert_int_equal(sys.mounts, 0);
	settle();
	assert_int_equal(sys.mounts, 1);
	assert_reached_switch();
}

/* rd.break without rd.shell: ignored, the boot goes on. */
static void break_without_shell_is_ignored(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " rd.break=pre-mount fsck.mode=skip");
	boot_start();
	device_appears("test-vda", "ext4");
	settle();
	assert_int_equal(sys.spawns, 0);
	assert_reached_switch();
}

/* rd.neednet: root mounted, the switch waits for the net hook's release,
 * and goes on in a step, not inside boot_release_handoff(). */
static void handoff_waits_for_network(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " fsck.mode=skip");
	boot_hold_handoff("rd.neednet: the network comes first");
	boot_start();
	device_appears("test-vda", "ext4");
	settle();
	assert_int_equal(boot.items[0].state, ITEM_MOUNTED);
	assert_int_equal(boot.phase, PHASE_RUNNING);
	assert_true(boot.handoff_waiting);
	boot_release_handoff("rd.neednet: the network comes first");
	assert_int_equal(boot.phase, PHASE_RUNNING);
	settle();
	assert_reached_switch();
}

/* Our log (stderr) into a temporary file; returns the saved stderr. */
static int log_capture(FILE **f)
{
	int saved = dup(2);

	assert_true(saved >= 0);
	*f = tmpfile();
	assert_non_null(*f);
	assert_int_equal(dup2(fileno(*f), 2), 2);
	return saved;
}

/* Restores stderr and returns what was logged (free it). */
static char *log_collect(FILE *f, int saved)
{
	char *buf = calloc(1, 8192);
	size_t n;

	assert_non_null(buf);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(buf, 1, 8191, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * The log and the status say why the switch waits: the hold's own reason
 * (a passphrase attempt held by sshd is no rd.neednet); a hold taken while
 * waiting is logged too, and each release drops its own reason.
 */
static void handoff_wait_names_its_reasons(void **state)
{
	static const char attempt[] = "a passphrase attempt is running";
	static const char neednet[] = "rd.neednet: the network comes first";
	char why[300], *log;
	FILE *f;
	int saved;

	(void)state;
	boot_with("root=UUID=" ROOT_UUID " fsck.mode=skip");
	saved = log_capture(&f);
	boot_hold_handoff(attempt);
	boot_start();
	device_appears("test-vda", "ext4");
	settle();
	assert_true(boot.handoff_waiting);
	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "the switch waits (a passphrase attempt "
				    "is running)"));
	boot_hold_handoff(neednet);
	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "(a passphrase attempt is running; "
				    "rd.neednet: the network comes first)"));
	boot_release_handoff(attempt);
	settle();
	assert_true(boot.handoff_waiting); /* the network still holds it */
	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_null(strstr(why, attempt));
	assert_non_null(strstr(why, neednet));
	boot_release_handoff(neednet);
	settle();
	log = log_collect(f, saved);
	assert_non_null(strstr(log, "root is mounted; the switch waits: a "
				    "passphrase attempt is running\n"));
	assert_non_null(strstr(log, "the switch waits: a passphrase attempt "
				    "is running; rd.neednet: the network "
				    "comes first\n"));
	free(log);
	assert_reached_switch();
}

/* NFS root: waits for an address, mounts through the child, retries after
 * a failed attempt, and mounts when the child succeeds. */
static void nfs_waits_for_network(void **state)
{
	struct boot_net_info info;

	(void)state;
	boot_with("root=/dev/nfs nfsroot=192.0.2.1:/srv/root ip=dhcp");
	boot_start();
	settle();
	assert_true(boot.items[0].is_nfs);
	assert_int_equal(boot.items[0].state, ITEM_WAIT);
	assert_int_equal(sys.spawns, 0);
	assert_true(boot.wait_since != 0);

	memset(&info, 0, sizeof(info));
	info.up = true;
	inet_pton(AF_INET, "192.0.2.50", &info.client);
	boot_net_configured(&info);
	assert_int_equal(sys.spawns, 0); /* not inside the net hook's call */
	settle();
	assert_int_equal(sys.spawns, 1);
	assert_string_equal(sys.spawned[0], NFS_MOUNT_PATH);
	assert_int_equal(boot.items[0].state, ITEM_NFS);

	/* The attempt fails: back to waiting, a retry timer armed. */
	last_child_exits(EXIT_CODE(ECONNREFUSED));
	settle();
	assert_int_equal(boot.items[0].state, ITEM_WAIT);
	assert_int_equal(boot.phase, PHASE_RUNNING);
	assert_non_null(strstr(boot.nfs.last_error, "refused"));
	assert_int_equal(sys.spawns, 1);

	/* The retry timer's step: a second attempt, which mounts it. */
	boot_schedule(false);
	settle();
	assert_int_equal(sys.spawns, 2);
	last_child_exits(EXIT_CODE(0));
	assert_int_equal(boot.items[0].state, ITEM_READY);
	settle();
	assert_int_equal(sys.mounts, 0); /* the child mounted it */
	assert_reached_switch();
}

/* NFS root never reachable: the timeout says no address was found. */
static void nfs_timeout_without_network(void **state)
{
	(void)state;
	boot_with("root=/dev/nfs nfsroot=192.0.2.1:/srv/root rd.timeout=5");
	boot_start();
	settle();
	assert_int_equal(boot_timeout_fire(boot.loop, boot.timeout, NULL), 0);
	settle();
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
	assert_int_equal(sys.spawns, 0);
}

/* A hook's boot_fail() is an emergency; a second one changes nothing. */
static void hook_failure(void **state)
{
	(void)state;
	boot_with("root=UUID=" ROOT_UUID " fsck.mode=skip");
	boot_start();
	settle();
	boot_fail("no LUKS passphrase attempts left", NULL);
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
	boot_fail("again", NULL);
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
	device_appears("test-vda", "ext4");
	settle();
	assert_int_equal(sys.mounts, 0); /* stopped until a retry */
}

#define T(f) cmocka_unit_test_teardown(f, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(root_found_later_is_mounted),
	    T(mount_waits_for_modprobe),
	    T(no_root_is_an_emergency),
	    T(no_fs_type_is_an_emergency),
	    T(mount_failure_then_retry),
	    T(fsck_then_mount),
	    T(fsck_failure_is_an_emergency),
	    T(timeout_without_root),
	    T(timeout_with_device_in_same_turn),
	    T(timeout_held),
	    T(breaks),
	    T(break_without_shell_is_ignored),
	    T(handoff_waits_for_network),
	    T(handoff_wait_names_its_reasons),
	    T(nfs_waits_for_network),
	    T(nfs_timeout_without_network),
	    T(hook_failure),
	};
	int r;

	if (!mkdtemp(sysfs))
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(sysfs);
	return r;
}
