/* test_storage_parse: md UUIDs, mdadm --export and lvm report lines, lvm
 * names, mdadm.conf ARRAY lines, with hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/parse.h"

static void uuid_spellings(void **state)
{
	static const char *const same[] = {
	    "5e5a0001:00000000:00000000:0000a001",
	    "5E5A0001:00000000:00000000:0000A001",
	    "5e5a0001-0000-0000-0000-00000000a001",
	    "5e5a00010000000000000000"
	    "0000a001",
	    "5e5a0001.00000000.00000000.0000a001",
	};
	static const char *const bad[] = {
	    "",
	    ":5e5a0001:00000000:00000000:0000a001",
	    "5e5a0001:00000000:00000000:0000a001:",
	    "5e5a0001::00000000:00000000:0000a001",
	    "5e5a0001:00000000:00000000:0000a00",
	    "5e5a0001:00000000:00000000:0000a0011",
	    "5e5a0001:00000000:00000000:0000a00g",
	    "5e5a0001 00000000 00000000 0000a001",
	    "-5e5a0001:00000000:00000000:0000a001",
	};
	char out[STORAGE_UUID_LEN + 1] = "untouched";

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		assert_int_equal(
		    storage_md_uuid_normalize(same[i], strlen(same[i]), out),
		    0);
		assert_string_equal(out, "5e5a0001000000000000000000"
					 "00a001");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(out, "untouched");
		assert_int_equal(
		    storage_md_uuid_normalize(bad[i], strlen(bad[i]), out),
		    -EINVAL);
		assert_string_equal(out, "untouched");
	}
	/* a NUL inside the length is not a hex digit */
	assert_int_equal(storage_md_uuid_normalize("5e5a\0001", 8, out),
			 -EINVAL);
}

struct collect {
	unsigned lines;
	char last_key[STORAGE_KEY_MAX];
	char last_value[STORAGE_VALUE_MAX];
	unsigned pairs;
	int fail_at;
};

static int collect_line(const struct storage_kvline *l, void *data)
{
	struct collect *c = data;

	c->lines++;
	c->pairs += l->n;
	strcpy(c->last_key, l->kv[l->n - 1].key);
	strcpy(c->last_value, l->kv[l->n - 1].value);
	if (c->fail_at && (int)c->lines == c->fail_at)
		return -ECANCELED;
	return 0;
}

static void export_lines(void **state)
{
	static const char ok[] = "MD_DEVICE=md127\nMD_DEVNAME=0\n\r\n"
				 "MD_STARTED=unsafe";
	struct collect c = {0};

	(void)state;
	assert_int_equal(storage_kv_parse(ok, sizeof(ok) - 1, STORAGE_KV_EXPORT,
					  collect_line, &c),
			 0);
	assert_int_equal(c.lines, 3);
	assert_string_equal(c.last_key, "MD_STARTED");
	assert_string_equal(c.last_value, "unsafe");

	/* hostile: no '=', empty key, bad key chars, control chars */
	static const char *const bad[] = {
	    "MD_STARTED", "=yes",	  "MD-X=1",
	    "MD_X=a\tb",  "MD_X=\x1b[2J", " MD_X=1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		assert_int_equal(storage_kv_parse(bad[i], strlen(bad[i]),
						  STORAGE_KV_EXPORT,
						  collect_line, &c),
				 -EBADMSG);
		assert_int_equal(c.lines, 0);
	}
	/* a value one byte too long; a key too long */
	char big[STORAGE_VALUE_MAX + 16];
	memset(big, 'v', sizeof(big));
	memcpy(big, "K=", 2);
	memset(&c, 0, sizeof(c));
	assert_int_equal(storage_kv_parse(big, 2 + STORAGE_VALUE_MAX,
					  STORAGE_KV_EXPORT, collect_line, &c),
			 -EBADMSG);
	assert_int_equal(storage_kv_parse(big, 2 + STORAGE_VALUE_MAX - 1,
					  STORAGE_KV_EXPORT, collect_line, &c),
			 0);
	memset(big, 'K', sizeof(big));
	big[STORAGE_KEY_MAX] = '=';
	assert_int_equal(storage_kv_parse(big, STORAGE_KEY_MAX + 2,
					  STORAGE_KV_EXPORT, collect_line, &c),
			 -EBADMSG);
	/* the callback's error ends the parse */
	memset(&c, 0, sizeof(c));
	c.fail_at = 2;
	assert_int_equal(storage_kv_parse(ok, sizeof(ok) - 1, STORAGE_KV_EXPORT,
					  collect_line, &c),
			 -ECANCELED);
}

static void nameprefix_lines(void **state)
{
	static const char ok[] = "  LVM2_VG_NAME='vg0' LVM2_LV_NAME='root'\n"
				 "  LVM2_VG_NAME='vg1' LVM2_LV_NAME=''\n";
	struct storage_kvline one;
	struct collect c = {0};

	(void)state;
	assert_int_equal(storage_kv_parse(ok, sizeof(ok) - 1,
					  STORAGE_KV_NAMEPREFIXES, collect_line,
					  &c),
			 0);
	assert_int_equal(c.lines, 2);
	assert_int_equal(c.pairs, 4);
	assert_string_equal(c.last_value, "");

	memset(&one, 0, sizeof(one));
	one.n = 1;
	strcpy(one.kv[0].key, "A");
	strcpy(one.kv[0].value, "b");
	assert_string_equal(storage_kv_get(&one, "A"), "b");
	assert_null(storage_kv_get(&one, "B"));

	static const char *const bad[] = {
	    "LVM2_VG_NAME='vg0",    /* no closing quote */
	    "LVM2_VG_NAME=vg0",	    /* unquoted */
	    "LVM2_VG_NAME='vg0'x",  /* junk after the quote */
	    "LVM2_VG_NAME='v\ng0'", /* a newline splits the line */
	    "LVM2_VG_NAME='a\x01'", /* control character */
	    "A='1' B='2' C='3' D='4' E='5' F='6' G='7' H='8' I='9'",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		assert_int_equal(storage_kv_parse(bad[i], strlen(bad[i]),
						  STORAGE_KV_NAMEPREFIXES,
						  collect_line, &c),
				 -EBADMSG);
	}
}

static void lvm_names(void **state)
{
	char vg[STORAGE_LVM_NAME_MAX] = "x", lv[STORAGE_LVM_NAME_MAX] = "y";
	char longname[200];

	(void)state;
	assert_true(storage_lvm_name_ok("vg0"));
	assert_true(storage_lvm_name_ok("my.vg+_-x"));
	assert_false(storage_lvm_name_ok(""));
	assert_false(storage_lvm_name_ok("-ay"));
	assert_false(storage_lvm_name_ok("."));
	assert_false(storage_lvm_name_ok(".."));
	assert_false(storage_lvm_name_ok("vg 0"));
	assert_false(storage_lvm_name_ok("vg/0"));
	assert_false(storage_lvm_name_ok("vg'0"));
	assert_false(storage_lvm_name_ok(NULL));
	memset(longname, 'a', sizeof(longname));
	longname[127] = '\0';
	assert_true(storage_lvm_name_ok(longname));
	longname[127] = 'a';
	longname[128] = '\0';
	assert_false(storage_lvm_name_ok(longname));

	assert_int_equal(storage_parse_lv_param("vg0/root", vg, lv), 0);
	assert_string_equal(vg, "vg0");
	assert_string_equal(lv, "root");
	strcpy(vg, "x");
	assert_int_equal(storage_parse_lv_param("vg0", vg, lv), -EINVAL);
	assert_int_equal(storage_parse_lv_param("/root", vg, lv), -EINVAL);
	assert_int_equal(storage_parse_lv_param("vg0/", vg, lv), -EINVAL);
	assert_int_equal(storage_parse_lv_param("vg0/a/b", vg, lv), -EINVAL);
	assert_int_equal(storage_parse_lv_param("-x/root", vg, lv), -EINVAL);
	assert_int_equal(storage_parse_lv_param(NULL, vg, lv), -EINVAL);
	assert_string_equal(vg, "x");
}

struct arrays {
	unsigned n;
	struct storage_md_conf_array a[8];
};

static int collect_array(const struct storage_md_conf_array *a, void *data)
{
	struct arrays *as = data;

	if (as->n < 8)
		as->a[as->n] = *a;
	as->n++;
	return 0;
}

static void mdadm_conf(void **state)
{
	static const char conf[] =
	    "# mdadm.conf\n"
	    "HOMEHOST <system>\n"
	    "MAILADDR root\n"
	    "\n"
	    "ARRAY /dev/md/0  metadata=1.2 UUID=5e5a0001:00000000:00000000:"
	    "0000a001 name=host:0\n"
	    "array /dev/md1 # comment name=nothing\n"
	    "   UUID=5e5a0001:00000000:00000000:0000a002\n"
	    "ARRAY /dev/md2 UUID=zz\n"
	    "ARRAYS /dev/md3\n"
	    "ARRAY <ignore> UUID=5e5a0001-0000-0000-0000-00000000a003";
	struct arrays as = {0};
	unsigned bad = 0;

	(void)state;
	assert_int_equal(storage_md_conf_parse(conf, sizeof(conf) - 1,
					       collect_array, &as, &bad),
			 3);
	assert_int_equal(bad, 1);
	assert_string_equal(as.a[0].devname, "/dev/md/0");
	assert_string_equal(as.a[0].uuid, "5e5a0001000000000000000000"
					  "00a001");
	assert_string_equal(as.a[0].name, "host:0");
	assert_string_equal(as.a[1].devname, "/dev/md1");
	assert_string_equal(as.a[1].uuid, "5e5a0001000000000000000000"
					  "00a002");
	assert_string_equal(as.a[1].name, "");
	assert_string_equal(as.a[2].devname, "<ignore>");

	/* hostile: a NUL, an endless continuation, a huge word */
	char *big = malloc(20000);
	assert_non_null(big);
	memcpy(big, "ARRAY /dev/md0", 14);
	memset(big + 14, ' ', 20000 - 14);
	for (size_t i = 100; i < 20000; i += 50)
		big[i] = '\n';
	memset(&as, 0, sizeof(as));
	bad = 0;
	assert_int_equal(
	    storage_md_conf_parse(big, 20000, collect_array, &as, &bad), as.n);
	memset(big, 'A', 20000);
	memcpy(big, "ARRAY ", 6);
	assert_int_equal(
	    storage_md_conf_parse(big, 20000, collect_array, &as, NULL), 0);
	free(big);
	static const char nul[] = "ARRAY /dev/md\0x UUID=1\n";
	assert_true(storage_md_conf_parse(nul, sizeof(nul) - 1, collect_array,
					  &as, NULL) >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(uuid_spellings),	cmocka_unit_test(export_lines),
	    cmocka_unit_test(nameprefix_lines), cmocka_unit_test(lvm_names),
	    cmocka_unit_test(mdadm_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
