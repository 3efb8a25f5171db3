/* test_init_needed: the shared libraries PID 1 (build/bin/sesame-init) loads,
 * as readelf -d lists them; those that must stay out of it are a table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/require_tool.h"

/*
 * Libraries /init must not need (by soname prefix), and why (issue 10):
 * PID 1 is a small supervisor; what parses disks or derives keys runs in
 * processes it restarts.
 */
static const struct {
	const char *prefix;
	const char *why;
} init_banned[] = {
    {"libmbedcrypto.", "the fingerprints come from the image"},
    {"libmbedtls.", "no TLS in /init"},
    {"libmbedx509.", "no X.509 in /init"},
    {"libcryptsetup.", "LUKS is sesame-unlockd's"},
    {"libdevmapper.", "pulled in by libcryptsetup"},
    {"libargon2.", "pulled in by libcryptsetup"},
    {"libjson-c.", "pulled in by libcryptsetup"},
    {"libssl.", "pulled in by libcryptsetup"},
    {"libcrypto.", "pulled in by libcryptsetup"},
    {"libudev.", "pulled in by libdevmapper"},
    {"libselinux.", "pulled in by libdevmapper"},
    {"libblkid.", "disks are probed by sesame-probe"},
    {"libkmod.", "modules are loaded by sesame-modprobe"},
};

/* Where each of those went: PROG must need the library. */
static const struct {
	const char *prog;
	const char *prefix;
} moved_to[] = {
    {"sesame-unlockd", "libcryptsetup."},
    {"sesame-probe", "libblkid."},
    {"sesame-modprobe", "libkmod."},
};

/* build/tests/test_init_needed -> build/bin/PROG (also under SAN=1). */
static void prog_path(const char *prog, char *out, size_t outlen)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	assert_true(n > 0);
	self[n] = '\0';
	assert_true(snprintf(out, outlen, "%s/../bin/%s", dirname(self), prog) <
		    (int)outlen);
	if (access(out, X_OK) < 0)
		fail_msg("%s is missing (make builds it first)", out);
}

#define NEEDED_MAX 32

/* bin's DT_NEEDED names, as readelf -d lists them; returns how many. */
static unsigned needed_list(const char *bin, char names[][256])
{
	char cmd[PATH_MAX + 32], line[512];
	unsigned n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "readelf -d '%s'", bin);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		const char *lib = strstr(line, "Shared library: [");
		if (n < NEEDED_MAX && strstr(line, "(NEEDED)") && lib &&
		    sscanf(lib, "Shared library: [%255[^]]]", names[n]) == 1)
			n++;
	}
	assert_int_equal(pclose(p), 0);
	return n;
}

/* True when bin's DT_NEEDED has a library starting with prefix. */
static int needs(const char *bin, const char *prefix)
{
	char names[NEEDED_MAX][256];
	unsigned n = needed_list(bin, names);

	for (unsigned i = 0; i < n; i++)
		if (!strncmp(names[i], prefix, strlen(prefix)))
			return 1;
	return 0;
}

static void moved_where_they_belong(void **state)
{
	char bin[PATH_MAX];

	(void)state;
	require_tool("readelf", "binutils");
	for (size_t i = 0; i < sizeof(moved_to) / sizeof(moved_to[0]); i++) {
		prog_path(moved_to[i].prog, bin, sizeof(bin));
		if (!needs(bin, moved_to[i].prefix))
			fail_msg("%s does not need %s", bin,
				 moved_to[i].prefix);
	}
}

static void no_banned_needed(void **state)
{
	char init[PATH_MAX], names[NEEDED_MAX][256];
	unsigned n, libc = 0;

	(void)state;
	require_tool("readelf", "binutils");
	prog_path("sesame-init", init, sizeof(init));
	n = needed_list(init, names);
	for (unsigned k = 0; k < n; k++) {
		if (!strncmp(names[k], "libc.", 5))
			libc++;
		for (size_t i = 0;
		     i < sizeof(init_banned) / sizeof(init_banned[0]); i++)
			if (!strncmp(names[k], init_banned[i].prefix,
				     strlen(init_banned[i].prefix)))
				fail_msg("%s needs %s (%s)", init, names[k],
					 init_banned[i].why);
	}
	/* the listing was read at all: libc is always there */
	assert_true(n > 0);
	assert_int_equal(libc, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_banned_needed),
	    cmocka_unit_test(moved_where_they_belong),
	};
	return cmocka_run_group_tests_name("init_needed", tests, NULL, NULL);
}
