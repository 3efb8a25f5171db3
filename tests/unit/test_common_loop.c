/* test_common_loop: the event loop's deferred steps (loop_defer): order,
 * one turn later when scheduled from a deferred step, cancel and free; the
 * longest stall. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "common/loop.h"

/* What ran, in order: one letter per step. */
static char ran[32];
static size_t n_ran;

struct step {
	char name;
	struct loop_defer *again;  /* scheduled from inside this step */
	struct loop_defer *cancel; /* cancelled from inside this step */
	struct loop_defer **free_self;
};

static void step_fn(struct loop *l, void *data)
{
	struct step *s = data;

	(void)l;
	if (n_ran < sizeof(ran) - 1)
		ran[n_ran++] = s->name;
	if (s->again)
		loop_defer(s->again);
	if (s->cancel)
		loop_defer_cancel(s->cancel);
	if (s->free_self) {
		loop_defer_free(*s->free_self);
		*s->free_self = NULL;
	}
}

static int setup(void **state)
{
	struct loop *l = NULL;

	assert_int_equal(loop_new(&l), 0);
	memset(ran, 0, sizeof(ran));
	n_ran = 0;
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	loop_free(*state);
	return 0;
}

static struct loop_defer *mk(struct loop *l, struct step *s)
{
	struct loop_defer *d = NULL;

	assert_int_equal(loop_defer_new(l, step_fn, s, &d), 0);
	return d;
}

/* Never inside the caller; in the order scheduled; twice is once. */
static void defer_runs_later_in_order(void **state)
{
	struct loop *l = *state;
	struct step a = {.name = 'a'}, b = {.name = 'b'}, c = {.name = 'c'};
	struct loop_defer *da = mk(l, &a), *db = mk(l, &b), *dc = mk(l, &c);

	loop_defer(db);
	loop_defer(da);
	loop_defer(db); /* already pending: no-op, keeps its place */
	loop_defer(dc);
	assert_int_equal(n_ran, 0);
	/* Pending steps make the wait not block (a -1 would hang here). */
	assert_int_equal(loop_run_once(l, -1), 3);
	assert_string_equal(ran, "bac");
	assert_int_equal(loop_run_once(l, 0), 0);
	assert_string_equal(ran, "bac");
	loop_defer_free(da);
	loop_defer_free(db);
	loop_defer_free(dc);
}

/* Scheduled from a deferred step (itself or another): the next turn. */
static void defer_from_defer_runs_next_iteration(void **state)
{
	struct loop *l = *state;
	struct step a = {.name = 'a'}, b = {.name = 'b'};
	struct loop_defer *da = mk(l, &a), *db = mk(l, &b);

	a.again = db;
	b.again = db; /* b reschedules itself once per turn */
	loop_defer(da);
	assert_int_equal(loop_run_once(l, 0), 1);
	assert_string_equal(ran, "a");
	assert_int_equal(loop_run_once(l, 0), 1);
	assert_string_equal(ran, "ab");
	assert_int_equal(loop_run_once(l, 0), 1);
	assert_string_equal(ran, "abb");
	b.again = NULL;
	assert_int_equal(loop_run_once(l, 0), 1);
	assert_int_equal(loop_run_once(l, 0), 0);
	assert_string_equal(ran, "abbb");
	loop_defer_free(da);
	loop_defer_free(db);
}

/* Cancelled before its turn (by the caller or an earlier step): not run. */
static void defer_cancel(void **state)
{
	struct loop *l = *state;
	struct step a = {.name = 'a'}, b = {.name = 'b'}, c = {.name = 'c'};
	struct loop_defer *da = mk(l, &a), *db = mk(l, &b), *dc = mk(l, &c);

	loop_defer(da);
	loop_defer(db);
	loop_defer(dc);
	loop_defer_cancel(dc); /* the tail */
	a.cancel = db;	       /* the next one, from inside a */
	assert_int_equal(loop_run_once(l, 0), 1);
	assert_string_equal(ran, "a");
	/* cancelled steps can be scheduled again */
	a.cancel = NULL;
	loop_defer(dc);
	loop_defer(db);
	loop_defer_cancel(da); /* not pending: no-op */
	assert_int_equal(loop_run_once(l, 0), 2);
	assert_string_equal(ran, "acb");
	loop_defer_free(da);
	loop_defer_free(db);
	loop_defer_free(dc);
}

/* Freed while pending, or by itself while it runs: no use after free. */
static void defer_free(void **state)
{
	struct loop *l = *state;
	struct step a = {.name = 'a'}, b = {.name = 'b'}, c = {.name = 'c'};
	struct loop_defer *da = mk(l, &a), *db = mk(l, &b), *dc = mk(l, &c);

	a.free_self = &da;
	loop_defer(da);
	loop_defer(db);
	loop_defer(dc);
	loop_defer_free(db);
	assert_int_equal(loop_run_once(l, 0), 2);
	assert_string_equal(ran, "ac");
	assert_null(da);
	loop_defer_free(dc);
	loop_defer_free(NULL);
}

/* The loop freed with a step pending: the step is only unlinked. */
static void defer_outlives_loop(void **state)
{
	struct loop *l = NULL;
	struct step a = {.name = 'a'};
	struct loop_defer *da;

	(void)state;
	assert_int_equal(loop_new(&l), 0);
	da = mk(l, &a);
	loop_defer(da);
	loop_free(l);
	loop_defer(da); /* its loop is gone: ignored */
	loop_defer_free(da);
	assert_int_equal(n_ran, 0);
}

static uint64_t stall_seen_inside;

static void sleep_step(struct loop *l, void *data)
{
	struct timespec ts = {0, 30 * 1000 * 1000};

	(void)data;
	nanosleep(&ts, NULL);
	stall_seen_inside = loop_stall_max_usec(l); /* the gap under way */
}

/* A step that blocks the loop 30 ms: the longest stall is at least that
 * (a lower bound only: a loaded machine makes it longer, never shorter). */
static void stall_is_measured(void **state)
{
	struct loop *l = *state;
	struct loop_defer *d = NULL;

	assert_int_equal(loop_stall_max_usec(l), 0);
	assert_int_equal(loop_defer_new(l, sleep_step, NULL, &d), 0);
	loop_defer(d);
	assert_int_equal(loop_run_once(l, 0), 1);
	assert_true(stall_seen_inside >= 30000);
	assert_int_equal(loop_run_once(l, 0), 0);
	assert_true(loop_stall_max_usec(l) >= 30000);
	loop_defer_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(defer_runs_later_in_order, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(
		defer_from_defer_runs_next_iteration, setup, teardown),
	    cmocka_unit_test_setup_teardown(defer_cancel, setup, teardown),
	    cmocka_unit_test_setup_teardown(defer_free, setup, teardown),
	    cmocka_unit_test_setup_teardown(defer_outlives_loop, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(stall_is_measured, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
