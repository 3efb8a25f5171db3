/* test_init_hooks: hooks start in order, stop in reverse, a failed start is
 * never stopped, each callback gets its start's context, and the parser
 * applies each hook's own parameter table. */
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
static char ctx_a[] = "ctx-a", ctx_c[] = "ctx-c";

static void note(const char *s)
{
	strncat(trace, s, sizeof(trace) - strlen(trace) - 1);
}

static int a_start(struct loop *l, const struct boot_config *c, void **ctxp)
{
	(void)l;
	(void)c;
	assert_null(*ctxp);
	*ctxp = ctx_a;
	note("A");
	return 0;
}

static void a_stop(void *ctx)
{
	assert_ptr_equal(ctx, ctx_a);
	note("a");
}

static void a_emergency(void *ctx, const char *why)
{
	assert_ptr_equal(ctx, ctx_a);
	note(why);
}

static int b_start(struct loop *l, const struct boot_config *c, void **ctxp)
{
	(void)l;
	(void)c;
	(void)ctxp;
	note("B");
	return -EIO; /* failed: must not be stopped or told */
}

static void b_stop(void *ctx)
{
	(void)ctx;
	note("b");
}

static int c_start(struct loop *l, const struct boot_config *c, void **ctxp)
{
	(void)l;
	(void)c;
	*ctxp = ctx_c;
	note("C");
	return 0;
}

static void c_stop(void *ctx)
{
	assert_ptr_equal(ctx, ctx_c);
	note("c");
}

static int a_check(const char *name, const char *value)
{
	(void)name;
	return value && strcmp(value, "bad") == 0 ? -EINVAL : 0;
}

static const struct boot_param_decl a_params[] = {
    {"a.value", BOOT_PARAM_VALUE, a_check},
    {"a.flag", BOOT_PARAM_FLAG, NULL},
    {"a.bool", BOOT_PARAM_BOOL, NULL},
};

static const struct init_hook hook_a = {
    .name = "a",
    .params = a_params,
    .n_params = 3,
    .start = a_start,
    .stop = a_stop,
    .emergency = a_emergency,
};
static const struct init_hook hook_b = {
    .name = "b", .start = b_start, .stop = b_stop, .emergency = a_emergency};
static const struct init_hook hook_c = {
    .name = "c", .start = c_start, .stop = c_stop};

static void order(void **state)
{
	struct boot_config *cfg = NULL;

	(void)state;
	assert_int_equal(init_hook_register(&hook_a), 0);
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

/*
 * A hook's parameters: known to the parser, their form and value checked;
 * a refused word is counted and not kept (the previous value stays), a
 * good one is kept for boot_config_find(). Runs after order (registered).
 */
static void hook_params_applied(void **state)
{
	static const char line[] = "a.value=1 a.value=bad a.value a.flag=x "
				   "a.bool=maybe a.bool a.flag other=1";
	struct boot_config c;
	const char *v = "";
	unsigned it = 0;

	(void)state;
	boot_config_init(&c);
	init_hooks_declare(&c);
	assert_int_equal(boot_config_parse(&c, line, sizeof(line) - 1, false),
			 0);
	assert_int_equal(c.warnings, 4);
	assert_string_equal(boot_config_get(&c, "a.value"), "1");
	assert_null(boot_config_get(&c, "a.bool")); /* bare: kept, no value */
	assert_int_equal(boot_config_find(&c, "a.flag", &it, &v), 0);
	assert_null(v); /* the bare one; a.flag=x was refused */
	assert_int_equal(boot_config_find(&c, "a.flag", &it, &v), -ENOENT);
	assert_string_equal(boot_config_get(&c, "other"), "1");
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
	    cmocka_unit_test(hook_params_applied),
	    cmocka_unit_test(bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
