/* test_init_hooks: hooks start in order, stop in reverse, and a failed start is
 * never stopped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "init/cmdline.h"
#include "init/hooks.h"

static char trace[64];

static void note(const char *s)
{
	strncat(trace, s, sizeof(trace) - strlen(trace) - 1);
}

static int a_start(struct loop *l, const struct boot_config *c)
{
	(void)l;
	(void)c;
	note("A");
	return 0;
}

static void a_stop(void)
{
	note("a");
}

static void a_emergency(const char *why)
{
	note(why);
}

static int b_start(struct loop *l, const struct boot_config *c)
{
	(void)l;
	(void)c;
	note("B");
	return -EIO; /* failed: must not be stopped or told */
}

static void b_stop(void)
{
	note("b");
}

static int c_start(struct loop *l, const struct boot_config *c)
{
	(void)l;
	(void)c;
	note("C");
	return 0;
}

static void c_stop(void)
{
	note("c");
}

static const struct init_hook hook_a = {"a", a_start, a_stop, a_emergency};
static const struct init_hook hook_b = {"b", b_start, b_stop, a_emergency};
static const struct init_hook hook_c = {"c", c_start, c_stop, NULL};
/* INIT_HOOK() registers before main(), as net/ and sshd/ do. */
INIT_HOOK(hook_a)

static void order(void **state)
{
	struct boot_config *cfg = NULL;

	(void)state;
	assert_int_equal(init_hook_register(&hook_b), 0);
	assert_int_equal(init_hook_register(&hook_c), 0);
	init_hooks_start(NULL, cfg);
	assert_string_equal(trace, "ABC");
	init_hooks_emergency("!");
	assert_string_equal(trace, "ABC!");
	init_hooks_stop();
	assert_string_equal(trace, "ABC!ca");
	init_hooks_stop(); /* a second stop does nothing */
	assert_string_equal(trace, "ABC!ca");
}

static void bounded(void **state)
{
	int r = 0;

	(void)state;
	for (int i = 0; i < 10 && r == 0; i++)
		r = init_hook_register(&hook_c);
	assert_int_equal(r, -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(order),
	    cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
