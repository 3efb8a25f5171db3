/* test_init_fstab: fstab lines and mount option words, including malformed
 * ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mount.h>

#include "init/fstab.h"
#include "init/mountopt.h"

struct seen {
	struct fstab_entry e[8];
	int n;
	int fail_at;
};

static int collect(const struct fstab_entry *e, void *data)
{
	struct seen *s = data;

	if (s->n == s->fail_at)
		return -ECANCELED;
	if (s->n < 8)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

static void parses_entries(void **state)
{
	static const char t[] =
	    "# /etc/fstab\n"
	    "\n"
	    "UUID=ab-cd / ext4 errors=remount-ro 0 1\n"
	    "  LABEL=usr\t/usr  ext4 defaults,x-initrd.mount 0 2  \n"
	    "/dev/vdb1 /srv/my\\040data xfs noatime\n"
	    "tmpfs /tmp tmpfs mode=1777 0 0";
	struct seen *s = calloc(1, sizeof(*s));

	(void)state;
	s->fail_at = -1;
	assert_int_equal(fstab_parse(t, sizeof(t) - 1, collect, s), 0);
	assert_int_equal(s->n, 4);
	assert_string_equal(s->e[0].spec, "UUID=ab-cd");
	assert_int_equal(s->e[0].passno, 1);
	assert_int_equal(s->e[0].line, 3);
	assert_string_equal(s->e[1].file, "/usr");
	assert_string_equal(s->e[1].opts, "defaults,x-initrd.mount");
	assert_int_equal(s->e[1].passno, 2);
	assert_string_equal(s->e[2].file, "/srv/my data");
	assert_int_equal(s->e[2].passno, 0);
	assert_string_equal(s->e[3].type, "tmpfs");
	free(s);
}

static void skips_malformed_lines(void **state)
{
	static const char t[] = "onlytwo fields\n"
				"a /b ext4 defaults 0 1 extra\n"
				"a /b ext4 defaults x 1\n"
				"a /b ext4 defaults 0 -1\n"
				"a /b\\04 ext4 defaults\n"
				"a /b\\000 ext4 defaults\n"
				"a /b\\999 ext4 defaults\n"
				"a /b\\001 ext4 defaults\n"
				"a /b ext4 defaults 0 99999999999999999999\n"
				"LABEL=ok /ok ext4 defaults\n";
	struct seen *s = calloc(1, sizeof(*s));

	(void)state;
	s->fail_at = -1;
	assert_int_equal(fstab_parse(t, sizeof(t) - 1, collect, s), 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->e[0].file, "/ok");
	assert_int_equal(s->e[0].line, 10);
	free(s);
}

static void bounded_fields_and_nul(void **state)
{
	char *t = malloc(5000);
	struct seen *s = calloc(1, sizeof(*s));
	static const char nul[] = "a /b ext4 de\0faults\nc /d ext4 x\n";

	(void)state;
	s->fail_at = -1;
	memset(t, 'x', 5000);
	memcpy(t + 4990, " /a ext4 d", 10);
	assert_int_equal(fstab_parse(t, 5000, collect, s), 0);
	assert_int_equal(s->n, 0);
	/* A NUL inside a line spoils that line only. */
	assert_int_equal(fstab_parse(nul, sizeof(nul) - 1, collect, s), 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->e[0].spec, "c");
	free(t);
	free(s);
}

static void callback_error_stops(void **state)
{
	static const char t[] = "a /a ext4 d\nb /b ext4 d\nc /c ext4 d\n";
	struct seen *s = calloc(1, sizeof(*s));

	(void)state;
	s->fail_at = 1;
	assert_int_equal(fstab_parse(t, sizeof(t) - 1, collect, s), -ECANCELED);
	assert_int_equal(s->n, 1);
	free(s);
}

static void mount_options(void **state)
{
	struct mount_opts mo;
	char big[700];

	(void)state;
	assert_int_equal(mount_opts_parse("", MS_RDONLY, &mo), 0);
	assert_int_equal(mo.flags, MS_RDONLY);
	assert_string_equal(mo.data, "");
	assert_int_equal(mount_opts_parse("defaults,rw,noatime,nodev,,"
					  "subvol=@,x-systemd.device-timeout=1,"
					  "nofail,x-initrd.mount,data=ordered",
					  MS_RDONLY, &mo),
			 0);
	assert_int_equal(mo.flags, MS_NOATIME | MS_NODEV);
	assert_string_equal(mo.data, "subvol=@,data=ordered");
	assert_true(mo.nofail);
	assert_true(mo.initrd);
	assert_int_equal(
	    mount_opts_parse("ro,noauto,_netdev,comment=x", 0, &mo), 0);
	assert_int_equal(mo.flags, MS_RDONLY);
	assert_string_equal(mo.data, "");
	memset(&mo, 0x5a, sizeof(mo));
	assert_int_equal(mount_opts_parse("a\nb", 0, &mo), -EINVAL);
	memset(big, 'o', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(mount_opts_parse(big, 0, &mo), -ENAMETOOLONG);
	assert_int_equal(((unsigned char *)&mo)[0], 0x5a); /* untouched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_entries),
	    cmocka_unit_test(skips_malformed_lines),
	    cmocka_unit_test(bounded_fields_and_nul),
	    cmocka_unit_test(callback_error_stops),
	    cmocka_unit_test(mount_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
