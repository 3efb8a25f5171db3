/* test_try_report: the result table and --json of `sesame try`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "try/report.h"

static struct try_step steps[3];
static struct try_dropped dropped[1] = {{"console=tty0", "why not"}};
static const char *const notes[] = {"a note"};

static struct try_report make_report(void)
{
	struct try_report r = {
	    .image = "img",
	    .kernel = "vmlinuz",
	    .accel = "tcg",
	    .cmdline = "ip=dhcp console=ttyS0",
	    .dropped = dropped,
	    .ndropped = 1,
	    .steps = steps,
	    .nsteps = 3,
	    .notes = notes,
	    .nnotes = 1,
	};
	memset(steps, 0, sizeof(steps));
	steps[0] = (struct try_step){"kernel", "kernel reached /init",
				     TRY_PENDING, -1, ""};
	steps[1] =
	    (struct try_step){"network", "network up", TRY_PENDING, -1, ""};
	steps[2] = (struct try_step){"rescue", "rescue key: shell", TRY_PENDING,
				     -1, ""};
	return r;
}

static char *render(const struct try_report *r, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(json ? try_report_json(f, r) : try_report_table(f, r),
			 0);
	fclose(f);
	return buf;
}

static void step_is_decided_once(void **state)
{
	(void)state;
	make_report();
	try_step_set(&steps[0], TRY_PASS, 5300, "started %d", 1);
	try_step_set(&steps[0], TRY_FAIL, 9999, "later");
	assert_int_equal(steps[0].mark, TRY_PASS);
	assert_int_equal(steps[0].ms, 5300);
	assert_string_equal(steps[0].detail, "started 1");
}

static void passed_only_without_fail_or_pending(void **state)
{
	struct try_report r;

	(void)state;
	r = make_report();
	assert_false(try_report_passed(&r)); /* pending is a failure */
	try_step_set(&steps[0], TRY_PASS, 1, "x");
	try_step_set(&steps[1], TRY_PASS, 2, "x");
	try_step_set(&steps[2], TRY_SKIP, -1, "no key");
	assert_true(try_report_passed(&r)); /* a skip is not */
	steps[1].mark = TRY_FAIL;
	assert_false(try_report_passed(&r));
}

static void table_rows(void **state)
{
	struct try_report r;
	char *out;

	(void)state;
	r = make_report();
	try_step_set(&steps[0], TRY_PASS, 5349, "sesame-init started");
	try_step_set(&steps[1], TRY_FAIL, 61000, "no NIC\x1b[2J");
	try_step_set(&steps[2], TRY_SKIP, 100, "no rescue key");
	out = render(&r, false);
	assert_non_null(strstr(out, "step                  result     time  "
				    "what was seen\n"));
	assert_non_null(strstr(out, "kernel reached /init  ok        5.3 s  "
				    "sesame-init started\n"));
	/* control bytes from the console never reach the terminal */
	assert_non_null(strstr(out, "network up            FAIL     61.0 s  "
				    "no NIC?[2J\n"));
	/* a skip shows no time */
	assert_non_null(strstr(out, "rescue key: shell     skip          -  "
				    "no rescue key\n"));
	assert_non_null(strstr(out, "  console=tty0: why not\n"));
	assert_non_null(strstr(out, "\na note\n"));
	assert_non_null(strstr(out, "FAILED: 1 of 3 steps failed\n"));
	free(out);
}

static void json_object(void **state)
{
	struct try_report r;
	char *out;

	(void)state;
	r = make_report();
	try_step_set(&steps[0], TRY_PASS, 5349,
		     "quote \" back \\ nl \n bel "
		     "\a hi \xc3\xa9");
	try_step_set(&steps[2], TRY_SKIP, -1, "no key");
	out = render(&r, true);
	assert_non_null(strstr(out, "{\"image\":\"img\",\"kernel\":\"vmlinuz\","
				    "\"accel\":\"tcg\","));
	assert_non_null(strstr(out, "\"dropped\":[{\"param\":\"console=tty0\","
				    "\"why\":\"why not\"}]"));
	assert_non_null(strstr(out, "{\"id\":\"kernel\",\"title\":\"kernel "
				    "reached /init\",\"result\":\"pass\","
				    "\"seconds\":5.349,\"detail\":\"quote \\\" "
				    "back \\\\ nl \\n bel \\u0007 hi "
				    "\\ufffd\\ufffd\"}"));
	/* a pending step is reported as a failure without a time */
	assert_non_null(strstr(out,
			       "{\"id\":\"network\",\"title\":\"network "
			       "up\",\"result\":\"fail\",\"seconds\":null"));
	assert_non_null(strstr(out, "\"result\":\"skip\",\"seconds\":null"));
	assert_non_null(strstr(out, "\"notes\":[\"a note\"],\"passed\":false}"
				    "\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(step_is_decided_once),
	    cmocka_unit_test(passed_only_without_fail_or_pending),
	    cmocka_unit_test(table_rows),
	    cmocka_unit_test(json_object),
	};
	return cmocka_run_group_tests_name("try_report", tests, NULL, NULL);
}
