/* test_audit_docs: the checked-in docs/hardening.md and sesame-audit(1) are
 * what the generator makes from the catalogue (run `make docs` after editing
 * audit/catalog.c). */
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

#include "audit/audit.h"
#include "common/fileio.h"

static char gendoc[PATH_MAX];

static int setup(void **state)
{
	char self[PATH_MAX];
	ssize_t n;

	(void)state;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = '\0';
	/* build/tests/x -> build/bin/sesame-gendoc (build/san/... too) */
	snprintf(gendoc, sizeof(gendoc), "%s/../bin/sesame-gendoc",
		 dirname(self));
	if (access(gendoc, X_OK) < 0) {
		fprintf(stderr, "missing %s\n", gendoc);
		return -1;
	}
	return 0;
}

static char *generate(const char *what)
{
	char cmd[PATH_MAX + 16];
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *p;
	int c;

	snprintf(cmd, sizeof(cmd), "'%s' %s", gendoc, what);
	assert_non_null(p = popen(cmd, "r"));
	while ((c = fgetc(p)) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? cap * 2 : 4096;
			assert_non_null(buf = realloc(buf, cap));
		}
		buf[len++] = (char)c;
	}
	assert_int_equal(pclose(p), 0);
	assert_non_null(buf);
	buf[len] = '\0';
	return buf;
}

static void same(const char *what, const char *path)
{
	char *want = generate(what), *have;
	size_t len;

	if (file_read_all(path, 1u << 20, &have, &len) < 0)
		fail_msg("%s: missing (run from the source tree)", path);
	if (strcmp(want, have))
		fail_msg("%s differs from the catalogue: run `make docs`",
			 path);
	free(want);
	free(have);
}

static void test_markdown(void **state)
{
	(void)state;
	same("md", "docs/hardening.md");
}

static void test_man(void **state)
{
	(void)state;
	same("man", "docs/man/sesame-audit.1");
}

/* Every check is in both documents. */
static void test_every_id_documented(void **state)
{
	char *md = generate("md"), *man = generate("man");

	(void)state;
	for (size_t i = 0; i < audit_catalog_len; i++) {
		char h[80], m[160], *q = m;
		snprintf(h, sizeof(h), "#### %s\n", audit_catalog[i].id);
		assert_non_null(strstr(md, h));
		q += sprintf(q, ".B ");
		for (const char *s = audit_catalog[i].id; *s; s++)
			q += sprintf(q, *s == '-' ? "\\-" : "%c", *s);
		assert_non_null(strstr(man, m));
	}
	free(md);
	free(man);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_markdown),
	    cmocka_unit_test(test_man),
	    cmocka_unit_test(test_every_id_documented),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
