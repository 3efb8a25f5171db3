/* test_init_spec: root= and fstab device specs, and matching them to probed
 * devices. */
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
#include <sys/sysmacros.h>

#include "init/blockdev.h"
#include "init/spec.h"

static void parses_every_form(void **state)
{
	static const struct {
		const char *in;
		enum spec_kind kind;
		const char *value;
	} ok[] = {
	    {"UUID=0a1b-C2", SPEC_UUID, "0a1b-C2"},
	    {"LABEL=root fs", SPEC_LABEL, "root fs"},
	    {"PARTUUID=deadbeef-01", SPEC_PARTUUID, "deadbeef-01"},
	    {"PARTLABEL=linux", SPEC_PARTLABEL, "linux"},
	    {"/dev/vda1", SPEC_PATH, "/dev/vda1"},
	    {"/dev/mapper/vg-root", SPEC_PATH, "/dev/mapper/vg-root"},
	    {"block:/dev/sda2", SPEC_PATH, "/dev/sda2"},
	    {"/dev/disk/by-uuid/1234-ABCD", SPEC_UUID, "1234-ABCD"},
	    {"/dev/disk/by-label/data", SPEC_LABEL, "data"},
	    {"/dev/disk/by-partuuid/aa-bb", SPEC_PARTUUID, "aa-bb"},
	    {"/dev/disk/by-partlabel/p", SPEC_PARTLABEL, "p"},
	    {"vda2", SPEC_PATH, "/dev/vda2"},
	    {"nvme0n1p2", SPEC_PATH, "/dev/nvme0n1p2"},
	};
	struct spec sp;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(&sp, 0, sizeof(sp));
		assert_int_equal(spec_parse(ok[i].in, &sp), 0);
		assert_int_equal(sp.kind, ok[i].kind);
		assert_string_equal(sp.value, ok[i].value);
	}
	assert_int_equal(spec_parse("8:1", &sp), 0);
	assert_int_equal(sp.kind, SPEC_DEVNUM);
	assert_true(sp.devnum == makedev(8, 1));
}

static void refuses_bad_forms(void **state)
{
	static const char *const bad[] = {
	    "",
	    "UUID=",
	    "UUID=12g4",
	    "UUID=1 2",
	    "LABEL=",
	    "PARTUUID=x",
	    "/dev/",
	    "/dev/../etc/shadow",
	    "/dev/./vda",
	    "/dev//vda",
	    "/dev/vda/",
	    "/etc/passwd",
	    "/dev/disk/by-uuid/",
	    "foo=bar",
	    "8:",
	    ":1",
	    "4096:1",
	    "8:1x",
	    "VDA1",
	    "vda1;reboot",
	    "LABEL=a\nb",
	    "/dev/"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	struct spec sp = {.kind = SPEC_LABEL, .value = "keep"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(spec_parse(bad[i], &sp), -EINVAL);
		assert_string_equal(sp.value, "keep"); /* untouched */
	}
	assert_int_equal(spec_parse("PARTUUID=ab/PARTNROFF=1", &sp),
			 -EOPNOTSUPP);
	assert_int_equal(spec_parse("nfs:1.2.3.4:/x", &sp), -EOPNOTSUPP);
	assert_int_equal(spec_parse("/dev/nfs", &sp), -EOPNOTSUPP);
}

static void long_label_bounded(void **state)
{
	char label[400];
	struct spec sp;

	(void)state;
	memcpy(label, "LABEL=", 6);
	memset(label + 6, 'x', sizeof(label) - 7);
	label[sizeof(label) - 1] = '\0';
	assert_int_equal(spec_parse(label, &sp), -EINVAL);
	label[6 + 200] = '\0';
	assert_int_equal(spec_parse(label, &sp), 0);
}

static void matching(void **state)
{
	struct dev_props p = {
	    .name = "vda1",
	    .node = "/dev/vda1",
	    .type = "ext4",
	    .uuid = "abcd-ef",
	    .label = "Root",
	    .partuuid = "1234-01",
	    .partlabel = "sys",
	};
	struct dev_props empty = {.name = "vdb", .node = "/dev/vdb"};
	struct spec sp;

	(void)state;
	p.devnum = makedev(254, 1);
	spec_parse("UUID=ABCD-EF", &sp);
	assert_true(spec_match(&sp, &p)); /* UUIDs ignore case */
	assert_false(spec_match(&sp, &empty));
	spec_parse("LABEL=root", &sp);
	assert_false(spec_match(&sp, &p)); /* labels do not */
	spec_parse("LABEL=Root", &sp);
	assert_true(spec_match(&sp, &p));
	spec_parse("PARTUUID=1234-01", &sp);
	assert_true(spec_match(&sp, &p));
	spec_parse("PARTLABEL=sys", &sp);
	assert_true(spec_match(&sp, &p));
	spec_parse("/dev/vda1", &sp);
	assert_true(spec_match(&sp, &p));
	assert_false(spec_match(&sp, &empty));
	spec_parse("254:1", &sp);
	assert_true(spec_match(&sp, &p));
	memset(&sp, 0, sizeof(sp));
	assert_false(spec_match(&sp, &empty)); /* SPEC_NONE: nothing */
}

static void table_find_and_describe(void **state)
{
	struct blockdev_table *t = calloc(1, sizeof(*t));
	struct dev_props a = {.name = "vda", .node = "/dev/vda"};
	struct dev_props b = {.name = "vdb",
			      .node = "/dev/vdb",
			      .type = "ext4",
			      .uuid = "a1",
			      .label = "data"};
	char buf[256], small[20];
	struct spec sp;

	(void)state;
	blockdev_table_describe(t, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	assert_int_equal(blockdev_table_put(t, &a), 0);
	assert_int_equal(blockdev_table_put(t, &b), 0);
	assert_int_equal(spec_parse("UUID=a1", &sp), 0);
	assert_ptr_equal(blockdev_table_find(t, &sp), &t->devs[1]);
	/* A re-probe replaces, never duplicates. */
	strcpy(b.uuid, "a2");
	assert_int_equal(blockdev_table_put(t, &b), 0);
	assert_int_equal(t->n, 2);
	assert_null(blockdev_table_find(t, &sp));
	blockdev_table_describe(t, buf, sizeof(buf));
	assert_string_equal(buf, "vda (no file system), vdb (ext4 UUID=a2 "
				 "LABEL=data)");
	blockdev_table_describe(t, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(small + sizeof(small) - 4, "...");
	blockdev_table_remove(t, "vda");
	assert_int_equal(t->n, 1);
	for (int i = 0; i < BLOCKDEV_MAX - 1; i++) {
		snprintf(a.name, sizeof(a.name), "d%d", i);
		assert_int_equal(blockdev_table_put(t, &a), 0);
	}
	strcpy(a.name, "one-too-many");
	assert_int_equal(blockdev_table_put(t, &a), -ENOSPC);
	assert_int_equal(t->n, BLOCKDEV_MAX);
	free(t);
}

static int luks_seen;

static int luks_handler(const struct dev_props *p, void *data)
{
	(void)data;
	luks_seen += strcmp(p->type, "crypto_LUKS") == 0;
	return 0;
}

static void type_dispatch(void **state)
{
	struct dev_props l = {.name = "vdc", .type = "crypto_LUKS"};
	struct dev_props f = {.name = "vdd", .type = "ext4"};

	(void)state;
	assert_int_equal(blockdev_dispatch(&l), 0);
	assert_int_equal(
	    blockdev_handler_register("crypto_LUKS", luks_handler, NULL), 0);
	assert_int_equal(blockdev_dispatch(&l), 1);
	assert_int_equal(blockdev_dispatch(&f), 0);
	assert_int_equal(luks_seen, 1);
}

/* A path that is not the kernel name matches the block node it is now
 * (/dev/mapper/VG-LV made by lvm): here the host's /dev/loop0 if any. */
static void path_alias_matches_node(void **state)
{
	struct dev_props d = {.name = "dm-3", .node = "/dev/dm-3",
			      .type = "ext4"};
	struct stat st;
	struct spec sp;

	(void)state;
	if (stat("/dev/loop0", &st) < 0 || !S_ISBLK(st.st_mode))
		skip();
	assert_int_equal(spec_parse("/dev/loop0", &sp), 0);
	assert_false(spec_match(&sp, &d)); /* no devnum: never by stat */
	d.devnum = st.st_rdev;
	assert_true(spec_match(&sp, &d));
	d.type[0] = '\0'; /* nothing probed there yet: not ready */
	assert_false(spec_match(&sp, &d));
	strcpy(d.type, "ext4");
	d.devnum = makedev(major(st.st_rdev), minor(st.st_rdev) + 1);
	assert_false(spec_match(&sp, &d));
	assert_int_equal(spec_parse("/dev/null", &sp), 0);
	d.devnum = makedev(1, 3); /* a char device is never a disk */
	assert_false(spec_match(&sp, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_every_form),
	    cmocka_unit_test(refuses_bad_forms),
	    cmocka_unit_test(long_label_bounded),
	    cmocka_unit_test(matching),
	    cmocka_unit_test(table_find_and_describe),
	    cmocka_unit_test(type_dispatch),
	    cmocka_unit_test(path_alias_matches_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
