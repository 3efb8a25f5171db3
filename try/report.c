/* report: renders the steps of `sesame try` as a table or as JSON. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "try/report.h"

static const char *const mark_text[] = {
    [TRY_PENDING] = "FAIL",
    [TRY_PASS] = "ok",
    [TRY_FAIL] = "FAIL",
    [TRY_SKIP] = "skip",
};

static const char *const mark_json[] = {
    [TRY_PENDING] = "fail",
    [TRY_PASS] = "pass",
    [TRY_FAIL] = "fail",
    [TRY_SKIP] = "skip",
};

void try_step_set(struct try_step *s, enum try_mark mark, long ms,
		  const char *fmt, ...)
{
	va_list ap;

	if (s->mark != TRY_PENDING)
		return;
	s->mark = mark;
	s->ms = ms;
	va_start(ap, fmt);
	vsnprintf(s->detail, sizeof(s->detail), fmt, ap);
	va_end(ap);
}

bool try_report_passed(const struct try_report *r)
{
	for (size_t i = 0; i < r->nsteps; i++)
		if (r->steps[i].mark == TRY_PENDING ||
		    r->steps[i].mark == TRY_FAIL)
			return false;
	return true;
}

/* Writes s with control bytes as '?' (console text reaches the report). */
static void put_safe(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

int try_report_table(FILE *f, const struct try_report *r)
{
	size_t w = strlen("step");
	size_t failed = 0;

	for (size_t i = 0; i < r->nsteps; i++)
		if (strlen(r->steps[i].title) > w)
			w = strlen(r->steps[i].title);
	fprintf(f, "%-*s  %-6s  %7s  %s\n", (int)w, "step", "result", "time",
		"what was seen");
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct try_step *s = &r->steps[i];
		char t[32] = "-";

		if (s->ms >= 0 && s->mark != TRY_SKIP)
			snprintf(t, sizeof(t), "%ld.%ld s", s->ms / 1000,
				 s->ms % 1000 / 100);
		if (s->mark == TRY_PENDING || s->mark == TRY_FAIL)
			failed++;
		fprintf(f, "%-*s  %-6s  %7s  ", (int)w, s->title,
			mark_text[s->mark], t);
		put_safe(f, s->detail[0] ? s->detail : "-");
		fputc('\n', f);
	}
	if (r->ndropped) {
		fputs("\nleft out of the kernel command line:\n", f);
		for (size_t i = 0; i < r->ndropped; i++) {
			fputs("  ", f);
			put_safe(f, r->dropped[i].param);
			fprintf(f, ": %s\n", r->dropped[i].why);
		}
	}
	for (size_t i = 0; i < r->nnotes; i++) {
		fputs(i ? "" : "\n", f);
		put_safe(f, r->notes[i]);
		fputc('\n', f);
	}
	fprintf(f, "\n%s: %zu of %zu steps failed\n",
		failed ? "FAILED" : "PASSED", failed, r->nsteps);
	return ferror(f) ? -EIO : 0;
}

void try_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if (c >= 0x80)
			fputs("\\ufffd",
			      f); /* console bytes need not be UTF-8 */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_field(FILE *f, const char *name, const char *value, bool comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", name);
	if (value)
		try_json_string(f, value);
	else
		fputs("null", f);
}

int try_report_json(FILE *f, const struct try_report *r)
{
	fputc('{', f);
	json_field(f, "image", r->image, false);
	json_field(f, "kernel", r->kernel, true);
	json_field(f, "accel", r->accel, true);
	json_field(f, "cmdline", r->cmdline, true);
	fputs(",\"dropped\":[", f);
	for (size_t i = 0; i < r->ndropped; i++) {
		fputs(i ? ",{" : "{", f);
		json_field(f, "param", r->dropped[i].param, false);
		json_field(f, "why", r->dropped[i].why, true);
		fputc('}', f);
	}
	fputs("],\"steps\":[", f);
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct try_step *s = &r->steps[i];
		fputs(i ? ",{" : "{", f);
		json_field(f, "id", s->id, false);
		json_field(f, "title", s->title, true);
		json_field(f, "result", mark_json[s->mark], true);
		if (s->ms >= 0 && s->mark != TRY_SKIP)
			fprintf(f, ",\"seconds\":%ld.%03ld", s->ms / 1000,
				s->ms % 1000);
		else
			fputs(",\"seconds\":null", f);
		json_field(f, "detail", s->detail, true);
		fputc('}', f);
	}
	fputs("],\"notes\":[", f);
	for (size_t i = 0; i < r->nnotes; i++) {
		fputs(i ? "," : "", f);
		try_json_string(f, r->notes[i]);
	}
	fprintf(f, "],\"passed\":%s}\n",
		try_report_passed(r) ? "true" : "false");
	return ferror(f) ? -EIO : 0;
}
