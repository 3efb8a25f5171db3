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
 * Libraries /init must not need (by soname prefix), and why. mbedtls:
 * `sesame build` computes the host key fingerprints (issue 10).
 */
static const struct {
	const char *prefix;
	const char *why;
} init_banned[] = {
    {"libmbedcrypto.", "the fingerprints come from the image"},
    {"libmbedtls.", "no TLS in /init"},
    {"libmbedx509.", "no X.509 in /init"},
};

/* build/tests/test_init_needed -> build/bin/sesame-init (also under SAN=1). */
static void init_path(char *out, size_t outlen)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	assert_true(n > 0);
	self[n] = '\0';
	assert_true(snprintf(out, outlen, "%s/../bin/sesame-init",
			     dirname(self)) < (int)outlen);
	if (access(out, X_OK) < 0)
		fail_msg("%s is missing (make builds it first)", out);
}

static void no_banned_needed(void **state)
{
	char init[PATH_MAX], cmd[PATH_MAX + 32], line[512], name[256];
	unsigned needed = 0, libc = 0;
	FILE *p;

	(void)state;
	require_tool("readelf", "binutils");
	init_path(init, sizeof(init));
	snprintf(cmd, sizeof(cmd), "readelf -d '%s'", init);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		const char *lib = strstr(line, "Shared library: [");
		if (!strstr(line, "(NEEDED)") || !lib ||
		    sscanf(lib, "Shared library: [%255[^]]]", name) != 1)
			continue;
		needed++;
		if (!strncmp(name, "libc.", 5))
			libc++;
		for (size_t i = 0;
		     i < sizeof(init_banned) / sizeof(init_banned[0]); i++)
			if (!strncmp(name, init_banned[i].prefix,
				     strlen(init_banned[i].prefix)))
				fail_msg("%s needs %s (%s)", init, name,
					 init_banned[i].why);
	}
	assert_int_equal(pclose(p), 0);
	/* the listing was read at all: libc is always there */
	assert_true(needed > 0);
	assert_int_equal(libc, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_banned_needed),
	};
	return cmocka_run_group_tests_name("init_needed", tests, NULL, NULL);
}
