/* test_init_boot_resume: `sesame-status --resume` (boot_retry) acts only in an
 * emergency or a wait for a device, and says why it does not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/strutil.h"
#include "init/bootstate.h"
#include "init/hooks.h"
#include "common/loop.h"
#include "init/sys.h"

#define ROOT_UUID "5e5a0000-0000-4000-8000-00000000a001"

static unsigned spawns, mounts;
static char spawned[4][64];
static char sysfs[] = "/tmp/test_init_boot_resume.XXXXXX";

static int fake_spawn(char *const argv[], const struct sys_spawn_opts *o,
		      pid_t *pidp)
{
	(void)o;
	if (spawns < 4)
		str_copy(spawned[spawns], sizeof(spawned[0]), argv[0]);
	spawns++;
	*pidp = 40000 + (pid_t)spawns; /* never reaped: not a real process */
	return 0;
}

static int fake_mount(const char *src, const char *target, const char *type,
		      unsigned long flags, const void *data)
{
	(void)src;
	(void)target;
	(void)type;
	(void)flags;
	(void)data;
	mounts++;
	return 0;
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
	fail_msg("nothing here reboots");
	return -EPERM;
}

static const struct sys_ops fake_ops = {
    .mount = fake_mount,
    .mkdir = fake_mkdir,
    .spawn = fake_spawn,
    .kill = fake_kill,
    .reboot = fake_reboot,
};

/*
 * Root (UUID=ROOT_UUID) found as /dev/test-vda, ext4, with fsck forced: the
 * state in which a second boot_advance() would start e2fsck again. No
 * block device is replayed from sysfs (an empty directory of our own).
 */
static int setup(void **state)
{
	struct dev_props d;
	struct mount_item *it;
	struct loop *l = NULL;

	(void)state;
	memset(&boot, 0, sizeof(boot));
	boot.uevent_fd = boot.signal_fd = -1;
	assert_int_equal(loop_new(&l), 0);
	assert_int_equal(boot_loop_init(l), 0);
	boot.sysfs_block = sysfs;
	boot_config_init(&boot.cfg);
	boot.cfg.fsck = FSCK_FORCE;
	boot.started = true;
	it = boot_add_item(&boot, "/");
	assert_non_null(it);
	assert_int_equal(spec_parse("UUID=" ROOT_UUID, &it->spec), 0);
	it->check = true;
	memset(&d, 0, sizeof(d));
	str_copy(d.name, sizeof(d.name), "test-vda");
	str_copy(d.node, sizeof(d.node), "/dev/test-vda");
	str_copy(d.type, sizeof(d.type), "ext4");
	str_copy(d.uuid, sizeof(d.uuid), ROOT_UUID);
	assert_int_equal(blockdev_table_put(&boot.devs, &d), 0);
	spawns = mounts = 0;
	sys_set_ops(&fake_ops);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sys_set_ops(NULL);
	loop_defer_free(boot.step);
	loop_defer_free(boot.timeout_check);
	loop_timer_free(boot.timeout);
	loop_free(boot.loop);
	boot.loop = NULL;
	return 0;
}

/* The fsck of root runs (started 4 s ago): resume must not touch it. */
static void resume_during_fsck_is_busy(void **state)
{
	struct mount_item *it = &boot.items[0];
	char why[300];

	(void)state;
	it->state = ITEM_FSCK;
	it->dev = boot.devs.devs[0];
	boot.phase = PHASE_BUSY;
	boot.busy_since = loop_now_usec() - 4200000u;

	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_string_equal(why,
			    "busy: fsck of /dev/test-vda (/) has run for 4 s; "
			    "resume would check it twice and mount it while it "
			    "is checked. The boot goes on when fsck ends\n");
	/* boot_retry() itself refuses too (the timer path, a shell's exit). */
	assert_int_equal(boot_retry(), -EBUSY);
	assert_int_equal(boot.phase, PHASE_BUSY);
	assert_int_equal(it->state, ITEM_FSCK);
	assert_int_equal(spawns, 0); /* no second e2fsck */
	assert_int_equal(mounts, 0); /* root not mounted under it */
}

/*
 * An emergency that came while fsck ran (a hook's boot_fail): resume is
 * still refused while fsck runs.
 */
static void resume_in_emergency_during_fsck_is_busy(void **state)
{
	struct mount_item *it = &boot.items[0];
	char why[300];

	(void)state;
	it->state = ITEM_FSCK;
	it->dev = boot.devs.devs[0];
	boot.phase = PHASE_BUSY;
	boot.busy_since = loop_now_usec();
	boot_fail("no LUKS passphrase attempts left", NULL);
	assert_int_equal(boot.phase, PHASE_EMERGENCY);
	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "busy: fsck of /dev/test-vda (/)"));
	assert_int_equal(boot_retry(), -EBUSY);
	assert_int_equal(it->state, ITEM_FSCK);
	assert_int_equal(spawns, 0);
	assert_int_equal(mounts, 0);
}

/* An rd.break shell runs: only its exit ends the pause. */
static void resume_during_break_shell_is_busy(void **state)
{
	char why[300];

	(void)state;
	boot.phase = PHASE_BUSY; /* boot_break() spawned the shell */
	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_string_equal(why, "busy: an rd.break shell runs on the console; "
				 "the boot goes on when it exits\n");
	assert_int_equal(boot_retry(), -EBUSY);
	assert_int_equal(boot.phase, PHASE_BUSY);
	assert_int_equal(boot.items[0].state, ITEM_WAIT);
	assert_int_equal(spawns, 0);
	assert_int_equal(mounts, 0);
}

/* Root mounted, the switch held for the network; or the switch itself. */
static void resume_after_root_is_busy(void **state)
{
	char why[300];

	(void)state;
	boot.items[0].state = ITEM_MOUNTED;
	boot.phase = PHASE_RUNNING;
	boot.handoff_waiting = true;
	boot.handoff_holds = 1;
	boot.handoff_why[0] = "rd.neednet: the network comes first";
	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_non_null(strstr(why, "the switch waits (rd.neednet: the "
				    "network comes first)"));
	assert_int_equal(boot_retry(), -EBUSY);
	assert_true(boot.handoff_waiting);

	boot.phase = PHASE_HANDOFF;
	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_string_equal(why, "busy: the switch to the real root is under "
				 "way\n");
	assert_int_equal(boot_retry(), -EBUSY);
	assert_int_equal(boot.phase, PHASE_HANDOFF);
	assert_int_equal(mounts, 0);
}

/* A short answer buffer is never overrun. */
static void resume_answer_truncated(void **state)
{
	char why[8];

	(void)state;
	boot.phase = PHASE_HANDOFF;
	memset(why, 'x', sizeof(why));
	assert_int_equal(boot_resume_check(why, sizeof(why)), -EBUSY);
	assert_int_equal(strlen(why), sizeof(why) - 1);
}

static int reboot_fired;

static int reboot_fire(struct loop *l, struct loop_timer *t, void *data)
{
	(void)l;
	(void)t;
	(void)data;
	reboot_fired = 1;
	return 0;
}

/*
 * In an emergency, resume goes on: the boot runs again (here to the
 * rd.break=pre-mount shell, now that root is there), and the emergency
 * reboot that was pending is cancelled.
 */
static void resume_in_emergency_goes_on(void **state)
{
	char why[300] = "";
	struct loop *l = boot.loop;

	(void)state;
	assert_int_equal(
	    loop_timer_new(l, reboot_fire, NULL, &boot.reboot_timer), 0);
	assert_int_equal(loop_timer_arm(boot.reboot_timer, 1), 0);
	boot.phase = PHASE_EMERGENCY;
	boot.cfg.breaks = BREAK_PRE_MOUNT;
	boot.cfg.shell = true;
	reboot_fired = 0;

	assert_int_equal(boot_resume_check(why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_int_equal(boot_retry(), 0);
	/* Nothing inside the caller: the boot goes on in its deferred step. */
	assert_int_equal(spawns, 0);
	assert_int_equal(boot.phase, PHASE_RUNNING);
	assert_true(loop_run_once(l, 0) > 0);
	/* Root found: the break shell (the host's /bin/sh) runs. */
	assert_int_equal(spawns, 1);
	assert_string_equal(spawned[0], "/bin/sh");
	assert_int_equal(boot.phase, PHASE_BUSY);
	/* and a second resume now is refused */
	assert_int_equal(boot_retry(), -EBUSY);
	assert_int_equal(spawns, 1);
	assert_int_equal(mounts, 0);
	/* The reboot timer had expired already: disarming drops that. */
	loop_run_once(l, 200);
	assert_int_equal(reboot_fired, 0);
	loop_timer_free(boot.reboot_timer);
	boot.reboot_timer = NULL;
}

/* Waiting for root (not found yet): resume rescans and keeps waiting. */
static void resume_while_waiting_rescans(void **state)
{
	char why[300] = "";

	(void)state;
	blockdev_table_remove(&boot.devs, "test-vda");
	boot.phase = PHASE_RUNNING;
	assert_int_equal(boot_resume_check(why, sizeof(why)), 0);
	assert_int_equal(boot_retry(), 0);
	assert_true(loop_run_once(boot.loop, 0) > 0);
	assert_int_equal(boot.phase, PHASE_RUNNING);
	assert_int_equal(boot.items[0].state, ITEM_WAIT);
	assert_true(boot.wait_since != 0);
	assert_int_equal(spawns, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(resume_during_fsck_is_busy, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		resume_in_emergency_during_fsck_is_busy, setup, teardown),
	    cmocka_unit_test_setup_teardown(resume_during_break_shell_is_busy,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(resume_after_root_is_busy, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(resume_answer_truncated, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(resume_in_emergency_goes_on, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(resume_while_waiting_rescans, setup,
					    teardown),
	};
	int r;

	if (!mkdtemp(sysfs))
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(sysfs);
	return r;
}
