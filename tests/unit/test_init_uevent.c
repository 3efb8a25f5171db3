/* test_init_uevent: kernel uevent datagrams, well-formed and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init/uevent.h"

#define MSG(s) s, sizeof(s) - 1 /* keep the final NUL the literal adds */

static void parses_block_add(void **state)
{
	static const char m[] = "add@/devices/pci0000:00/virtio0/block/vda\0"
				"ACTION=add\0DEVPATH=/devices/pci0000:00/"
				"virtio0/block/vda\0SUBSYSTEM=block\0"
				"MAJOR=254\0MINOR=0\0DEVNAME=vda\0"
				"DEVTYPE=disk\0SEQNUM=1234\0";
	struct uevent ev;

	(void)state;
	assert_int_equal(uevent_parse(m, sizeof(m) - 1, &ev), 0);
	assert_string_equal(ev.action, "add");
	assert_string_equal(ev.subsystem, "block");
	assert_string_equal(ev.devname, "vda");
	assert_string_equal(ev.devtype, "disk");
	assert_null(ev.modalias);
	assert_true(ev.has_devnum);
	assert_int_equal(ev.major, 254);
	assert_int_equal(ev.minor, 0);
	assert_int_equal(ev.seqnum, 1234);
}

static void parses_modalias(void **state)
{
	static const char m[] = "add@/devices/pci0000:00/0000:00:04.0\0"
				"ACTION=add\0DEVPATH=/devices/x\0"
				"SUBSYSTEM=pci\0MODALIAS=pci:v00001AF4d00001001"
				"sv00001AF4sd00000002bc01sc00i00\0";
	struct uevent ev;

	(void)state;
	assert_int_equal(uevent_parse(m, sizeof(m) - 1, &ev), 0);
	assert_string_equal(ev.modalias, "pci:v00001AF4d00001001sv00001AF4"
					 "sd00000002bc01sc00i00");
	assert_false(ev.has_devnum);
}

static void refuses_hostile(void **state)
{
	static const struct {
		const char *m;
		size_t len;
		int err;
	} bad[] = {
	    {"", 0, -EBADMSG},
	    {MSG("no-at-sign\0ACTION=add\0DEVPATH=/x\0"), -EBADMSG},
	    /* the last field runs off the end: no NUL */
	    {"add@/x\0ACTION=add\0DEVPATH=/x", 28, -EBADMSG},
	    {"add@/x", 6, -EBADMSG},
	    {MSG("add@/x\0DEVPATH=/x\0"), -EBADMSG},	      /* no ACTION */
	    {MSG("add@/x\0ACTION=add\0"), -EBADMSG},	      /* no DEVPATH */
	    {MSG("add@/x\0ACTION=\0DEVPATH=/x\0"), -EBADMSG}, /* empty */
	    {MSG("add@/x\0ACTION=add\0DEVPATH=/x\0MAJOR=-1\0"), -EBADMSG},
	    {MSG("add@/x\0ACTION=add\0DEVPATH=/x\0MINOR=99999999999\0"),
	     -EBADMSG},
	    {MSG("add@/x\0ACTION=add\0DEVPATH=/x\0SEQNUM="
		 "99999999999999999999999\0"),
	     -EBADMSG},
	    {MSG("libudev\0\xfe\xed\xca\xfe"), -EPROTO},
	};
	struct uevent ev;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* An exact-size heap copy, so ASan sees any over-read. */
		char *copy = malloc(bad[i].len ? bad[i].len : 1);
		memcpy(copy, bad[i].m, bad[i].len);
		memset(&ev, 0x5a, sizeof(ev));
		assert_int_equal(uevent_parse(copy, bad[i].len, &ev),
				 bad[i].err);
		assert_int_equal(((unsigned char *)&ev)[0], 0x5a);
		free(copy);
	}
}

static void major_without_minor_is_no_devnum(void **state)
{
	static const char m[] = "add@/x\0ACTION=add\0DEVPATH=/x\0MAJOR=8\0";
	struct uevent ev;

	(void)state;
	assert_int_equal(uevent_parse(m, sizeof(m) - 1, &ev), 0);
	assert_false(ev.has_devnum);
}

static void devnames(void **state)
{
	(void)state;
	assert_true(uevent_devname_ok("vda1"));
	assert_true(uevent_devname_ok("mapper/root"));
	assert_true(uevent_devname_ok("dm-0"));
	assert_false(uevent_devname_ok(NULL));
	assert_false(uevent_devname_ok(""));
	assert_false(uevent_devname_ok("/etc/passwd"));
	assert_false(uevent_devname_ok("../etc/passwd"));
	assert_false(uevent_devname_ok("a/../../b"));
	assert_false(uevent_devname_ok("a/./b"));
	assert_false(uevent_devname_ok("a//b"));
	assert_false(uevent_devname_ok("a/"));
	assert_false(uevent_devname_ok("a b"));
	assert_false(uevent_devname_ok("a\nb"));
	assert_false(uevent_devname_ok(
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_block_add),
	    cmocka_unit_test(parses_modalias),
	    cmocka_unit_test(refuses_hostile),
	    cmocka_unit_test(major_without_minor_is_no_devnum),
	    cmocka_unit_test(devnames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
