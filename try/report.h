/* report: the result table of `sesame try`, as text or JSON. */
#ifndef SESAME_TRY_REPORT_H
#define SESAME_TRY_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "try/cmdline.h"

enum try_mark {
	TRY_PENDING = 0, /* not decided: a failure when the report is made */
	TRY_PASS,
	TRY_FAIL,
	TRY_SKIP, /* not applicable or not asked for; not a failure */
};

#define TRY_DETAIL 400

struct try_step {
	const char *id;	   /* "network": stable, for --json */
	const char *title; /* "network up" */
	enum try_mark mark;
	long ms; /* when it was decided, ms after QEMU started; -1: none */
	char detail[TRY_DETAIL];
};

struct try_report {
	const char *image;
	const char *kernel;
	const char *accel; /* "kvm" or "tcg" */
	const char *cmdline;
	const struct try_dropped *dropped;
	size_t ndropped;
	const struct try_step *steps;
	size_t nsteps;
	const char *const *notes; /* lines shown under the table */
	size_t nnotes;
};

/* Sets a step's mark, time and detail (printf), unless already decided. */
void try_step_set(struct try_step *s, enum try_mark mark, long ms,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* True when no step failed or is still pending. */
bool try_report_passed(const struct try_report *r);

/* The table: one row per step, mark, seconds and detail; then the dropped
 * parameters and the notes. Returns 0 or -EIO. */
int try_report_table(FILE *f, const struct try_report *r);

/* The same as one JSON object (RFC 8259; strings escaped). */
int try_report_json(FILE *f, const struct try_report *r);

/* Writes s as a JSON string with quotes (exposed for the tests). */
void try_json_string(FILE *f, const char *s);

#endif
