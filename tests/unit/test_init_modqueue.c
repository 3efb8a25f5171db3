/* test_init_modqueue: module names reach modprobe children in batches, one
 * child at a time, through the spawn seam; hostile names never reach argv. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "common/loop.h"
#include "init/child.h"
#include "init/modqueue.h"
#include "init/sys.h"

static struct {
	unsigned spawns;
	unsigned argc[8];
	char argv[8][4][300]; /* the first four arguments of each */
	char last_name[300];  /* the last argument of the last child */
} sys;

static int fake_spawn(char *const argv[], const struct sys_spawn_opts *o,
		      pid_t *pidp)
{
	unsigned n = 0;

	(void)o;
	while (argv[n])
		n++;
	if (sys.spawns < 8) {
		sys.argc[sys.spawns] = n;
		for (unsigned i = 0; i < 4 && i < n; i++)
			snprintf(sys.argv[sys.spawns][i], 300, "%s", argv[i]);
	}
	snprintf(sys.last_name, sizeof(sys.last_name), "%s", argv[n - 1]);
	*pidp = 50001 + (pid_t)sys.spawns++;
	return 0;
}

static const struct sys_ops fake_ops = {.spawn = fake_spawn};

static unsigned idles;
static void on_idle(void)
{
	idles++;
}

static struct loop *setup(void)
{
	struct loop *l = NULL;

	idles = 0;
	memset(&sys, 0, sizeof(sys));
	sys_set_ops(&fake_ops);
	assert_int_equal(loop_new(&l), 0);
	assert_int_equal(modqueue_init(l, "/sbin/modprobe", on_idle), 0);
	return l;
}

static void teardown(struct loop *l)
{
	modqueue_stop();
	loop_free(l);
	sys_set_ops(NULL);
}

static void boot_child_then_batches(void **state)
{
	struct loop *l = setup();
	char name[32];

	(void)state;
	assert_int_equal(modqueue_boot("/etc/sesame/modules", "/sys/devices"),
			 0);
	assert_int_equal(sys.spawns, 1);
	assert_string_equal(sys.argv[0][1], "--sesame-init");
	assert_string_equal(sys.argv[0][2], "--list=/etc/sesame/modules");
	assert_string_equal(sys.argv[0][3], "--coldplug=/sys/devices");
	/* Names that come while it runs wait for it: no second child. */
	for (int i = 0; i < 70; i++) {
		snprintf(name, sizeof(name), "pci:v%08Xd", i);
		assert_int_equal(modqueue_add(name), 0);
	}
	assert_int_equal(modqueue_add("pci:v00000003d"), 1); /* queued */
	loop_run_once(l, 0);
	assert_int_equal(sys.spawns, 1);
	assert_true(modqueue_busy());
	/* It ends: the next child takes MODQUEUE_PER_CHILD names. */
	assert_int_equal(child_exited(50001, 0), 0);
	loop_run_once(l, 0);
	assert_int_equal(sys.spawns, 2);
	assert_int_equal(sys.argc[1], 3 + MODQUEUE_PER_CHILD);
	assert_string_equal(sys.argv[1][2], "--");
	assert_string_equal(sys.argv[1][3], "pci:v00000000d");
	/* Exit 1 (an alias without a module) is normal; the rest follow. */
	assert_int_equal(child_exited(50002, W_EXITCODE(1, 0)), 0);
	loop_run_once(l, 0);
	assert_int_equal(sys.spawns, 3);
	assert_int_equal(sys.argc[2], 3 + 70 - MODQUEUE_PER_CHILD);
	assert_string_equal(sys.last_name, "pci:v00000045d");
	assert_int_equal(idles, 0); /* never idle while names wait */
	assert_int_equal(child_exited(50003, 0), 0);
	loop_run_once(l, 0);
	assert_int_equal(sys.spawns, 3);
	assert_false(modqueue_busy());
	assert_int_equal(idles, 1); /* the boot's step runs again */
	/* Idle: a new name starts a child on the next iteration. */
	assert_int_equal(modqueue_add("fs-ext4"), 0);
	assert_int_equal(sys.spawns, 3);
	loop_run_once(l, 0);
	assert_int_equal(sys.spawns, 4);
	assert_string_equal(sys.last_name, "fs-ext4");
	teardown(l);
}

static void hostile_names_are_refused(void **state)
{
	static const char *const bad[] = {
	    "",		 "-r",	 "--coldplug=/etc", "a b",
	    "tab\there", "nl\n", "del\x7f",	    "high\xc3\xa9",
	};
	struct loop *l = setup();
	char longname[300];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(modqueue_add(bad[i]), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(modqueue_add(longname), -EINVAL);
	loop_run_once(l, 0);
	assert_int_equal(sys.spawns, 0);
	teardown(l);
}

static void full_queue_drops_and_says(void **state)
{
	struct loop *l = setup();
	char name[32];

	(void)state;
	assert_int_equal(modqueue_boot("/l", "/s"), 0); /* holds the queue */
	for (int i = 0; i < MODQUEUE_MAX; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		assert_int_equal(modqueue_add(name), 0);
	}
	assert_int_equal(modqueue_add("one-too-many"), -ENOSPC);
	/* The handoff: nothing new starts. */
	modqueue_stop();
	assert_int_equal(child_exited(50001, 0), 0);
	assert_int_equal(sys.spawns, 1);
	loop_free(l);
	sys_set_ops(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(boot_child_then_batches),
	    cmocka_unit_test(hostile_names_are_refused),
	    cmocka_unit_test(full_queue_drops_and_says),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
