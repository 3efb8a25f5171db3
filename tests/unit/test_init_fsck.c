/* test_init_fsck: fsck(8) exit codes and the emergency decision table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>
#include <sys/wait.h>

#include "init/emergency.h"
#include "init/fsck.h"

/* A wait(2) status as the kernel encodes a normal exit. */
#define EXITED(code) ((code) << 8)

static void exit_codes(void **state)
{
	static const struct {
		int status;
		enum fsck_verdict v;
	} cases[] = {
	    {EXITED(0), FSCK_OK},	{EXITED(1), FSCK_CORRECTED},
	    {EXITED(2), FSCK_REBOOT},	{EXITED(3), FSCK_REBOOT},
	    {EXITED(4), FSCK_FAILED},	{EXITED(5), FSCK_FAILED},
	    {EXITED(6), FSCK_FAILED},	{EXITED(8), FSCK_FAILED},
	    {EXITED(12), FSCK_FAILED},	{EXITED(16), FSCK_FAILED},
	    {EXITED(32), FSCK_FAILED},	{EXITED(33), FSCK_FAILED},
	    {EXITED(64), FSCK_FAILED}, /* not in fsck(8): unknown */
	    {EXITED(128), FSCK_FAILED}, {EXITED(255), FSCK_FAILED},
	    {SIGKILL, FSCK_FAILED},	{SIGSEGV | 0x80, FSCK_FAILED},
	};
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = NULL;
		assert_int_equal(fsck_judge(cases[i].status, &why), cases[i].v);
		assert_non_null(why);
	}
	fsck_judge(EXITED(6), &why);
	assert_string_equal(why, "file system errors left uncorrected");
	fsck_judge(EXITED(136), &why);
	assert_string_equal(why, "shared library error");
}

static void which_types(void **state)
{
	(void)state;
	assert_true(fsck_wanted("ext4", FSCK_AUTO));
	assert_true(fsck_wanted("ext2", FSCK_FORCE));
	assert_false(fsck_wanted("ext4", FSCK_SKIP));
	assert_false(fsck_wanted("xfs", FSCK_AUTO));
	assert_false(fsck_wanted("ext", FSCK_AUTO));
	assert_false(fsck_wanted("ext44", FSCK_AUTO));
	assert_false(fsck_wanted(NULL, FSCK_AUTO));
}

static void command_line(void **state)
{
	const char *argv[6];

	(void)state;
	fsck_build_argv("/dev/vda1", FSCK_AUTO, argv, 6);
	assert_string_equal(argv[0], "/sbin/e2fsck");
	assert_string_equal(argv[1], "-p");
	assert_string_equal(argv[2], "/dev/vda1");
	assert_null(argv[3]);
	fsck_build_argv("/dev/vda1", FSCK_FORCE, argv, 6);
	assert_string_equal(argv[2], "-f");
	assert_string_equal(argv[3], "/dev/vda1");
	assert_null(argv[4]);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* A clean ext4 superblock: valid state, 3 of 20 mounts, checked at 1000. */
static void make_sb(uint8_t *sb)
{
	memset(sb, 0, FSCK_SB_SIZE);
	put16(sb + 0x38, 0xEF53);
	put16(sb + 0x3a, 1);
	put16(sb + 0x34, 3);
	put16(sb + 0x36, 20);
	put32(sb + 0x40, 1000);
	put32(sb + 0x44, 0);
	put32(sb + 0x60, 0x2c2); /* extents, flex_bg, 64bit; no recover */
}

static void superblock_precheck(void **state)
{
	uint8_t sb[FSCK_SB_SIZE];

	(void)state;
	make_sb(sb);
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 5000), 1);
	/* Too short, or not ext: refused, whatever the bytes say. */
	assert_int_equal(fsck_ext_clean(sb, 0x63, 5000), -EBADMSG);
	assert_int_equal(fsck_ext_clean(sb, 0, 5000), -EBADMSG);
	put16(sb + 0x38, 0xEF54);
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 5000), -EBADMSG);
	make_sb(sb);
	put16(sb + 0x3a, 0); /* not cleanly unmounted */
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 5000), 0);
	put16(sb + 0x3a, 3); /* errors recorded */
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 5000), 0);
	make_sb(sb);
	put32(sb + 0x60, 0x2c6); /* journal needs recovery */
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 5000), 0);
	make_sb(sb);
	put16(sb + 0x34, 20); /* mount count reached */
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 5000), 0);
	put16(sb + 0x36, 0xffff); /* -1: no maximum */
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 5000), 1);
	make_sb(sb);
	put32(sb + 0x44, 3600); /* interval passed */
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 4601), 0);
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 4599), 1);
	make_sb(sb);
	put32(sb + 0x40, 0xffffffff); /* checked in the far future */
	assert_int_equal(fsck_ext_clean(sb, sizeof(sb), 5000), 0);
}

static void emergency_table(void **state)
{
	static const struct {
		enum emergency_action configured;
		bool rd_shell, sh_present;
		enum emergency_action want;
		bool break_ok;
	} cases[] = {
	    {EMERGENCY_DEFAULT, false, true, EMERGENCY_WAIT, false},
	    {EMERGENCY_DEFAULT, true, true, EMERGENCY_SHELL, true},
	    {EMERGENCY_DEFAULT, true, false, EMERGENCY_WAIT, false},
	    {EMERGENCY_SHELL, false, true, EMERGENCY_SHELL, true},
	    {EMERGENCY_SHELL, false, false, EMERGENCY_WAIT, false},
	    {EMERGENCY_WAIT, true, true, EMERGENCY_WAIT, true},
	    {EMERGENCY_REBOOT, true, true, EMERGENCY_REBOOT, true},
	    {EMERGENCY_REBOOT, false, true, EMERGENCY_REBOOT, false},
	    {EMERGENCY_POWEROFF, false, false, EMERGENCY_POWEROFF, false},
	};
	struct boot_config *c = calloc(1, sizeof(*c));

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		boot_config_init(c);
		c->emergency = cases[i].configured;
		c->shell = cases[i].rd_shell;
		assert_int_equal(emergency_decide(c, cases[i].sh_present),
				 cases[i].want);
		assert_int_equal(
		    emergency_break_allowed(c, cases[i].sh_present),
		    cases[i].break_ok);
	}
	assert_string_equal(emergency_action_name(EMERGENCY_DEFAULT), "wait");
	assert_string_equal(emergency_action_name(EMERGENCY_REBOOT), "reboot");
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(exit_codes),
	    cmocka_unit_test(which_types),
	    cmocka_unit_test(command_line),
	    cmocka_unit_test(superblock_precheck),
	    cmocka_unit_test(emergency_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
