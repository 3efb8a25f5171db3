/* report: findings, the accept config, and the text and JSON renderings. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "common/fileio.h"
#include "common/log.h"

void audit_report_init(struct audit_report *r)
{
	memset(r, 0, sizeof(*r));
}

void audit_report_free(struct audit_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].subject);
		free(r->v[i].message);
	}
	free(r->v);
	for (size_t i = 0; i < r->n_acc; i++) {
		free(r->acc[i].id);
		free(r->acc[i].reason);
	}
	free(r->acc);
	memset(r, 0, sizeof(*r));
}

static const char *report_accepted(const struct audit_report *r, const char *id)
{
	for (size_t i = 0; i < r->n_acc; i++)
		if (!strcmp(r->acc[i].id, id))
			return r->acc[i].reason;
	return NULL;
}

void audit_add(struct audit_report *r, const char *id, const char *subject,
	       const char *fmt, ...)
{
	const struct audit_check *c = audit_check_find(id);
	struct audit_finding *f;
	va_list ap;
	char *msg = NULL;

	if (!c) {
		/* Every id used in code is in the catalogue: a test checks. */
		log_err("audit: unknown check id '%s'", id);
		abort();
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		void *v = realloc(r->v, cap * sizeof(*r->v));
		if (!v) {
			r->error = -ENOMEM;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	f = &r->v[r->n];
	f->check = c;
	f->subject = strdup(subject ? subject : "");
	f->message = msg;
	/* The reason is borrowed from r->acc, which lives as long as r. */
	f->accepted = report_accepted(r, id);
	if (!f->subject || !f->message) {
		free(f->subject);
		free(f->message);
		r->error = -ENOMEM;
		return;
	}
	r->n++;
}

size_t audit_count_id(const struct audit_report *r, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += !strcmp(r->v[i].check->id, id);
	return n;
}

size_t audit_count_open(const struct audit_report *r, enum audit_severity min)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += !r->v[i].accepted && r->v[i].check->severity >= min;
	return n;
}

/* ---- the accept config ------------------------------------------------ */

static int accept_push(struct audit_report *r, const char *id, size_t idlen,
		       const char *reason, size_t rlen, unsigned line)
{
	void *v = realloc(r->acc, (r->n_acc + 1) * sizeof(*r->acc));
	struct audit_accept *a;

	if (!v)
		return -ENOMEM;
	r->acc = v;
	a = &r->acc[r->n_acc];
	a->id = strndup(id, idlen);
	a->reason = strndup(reason, rlen);
	a->line = line;
	if (!a->id || !a->reason) {
		free(a->id);
		free(a->reason);
		return -ENOMEM;
	}
	r->n_acc++;
	return 0;
}

static bool accept_space(char c)
{
	return c == ' ' || c == '\t';
}

/* One line without its newline: blank, comment, or "accept ID REASON". */
static int accept_line(struct audit_report *r, const char *p, size_t len,
		       const char *origin, unsigned line)
{
	static const char kw[] = "accept";
	size_t i = 0, id0, idlen;
	char id[64];

	while (i < len && accept_space(p[i]))
		i++;
	if (i == len || p[i] == '#')
		return 0;
	for (size_t j = i; j < len; j++)
		if ((unsigned char)p[j] < 0x20 && p[j] != '\t') {
			log_err("%s:%u: control character", origin, line);
			return -EINVAL;
		}
	if (len - i < sizeof(kw) || memcmp(p + i, kw, sizeof(kw) - 1) ||
	    !accept_space(p[i + sizeof(kw) - 1])) {
		log_err("%s:%u: expected 'accept ID REASON'", origin, line);
		return -EINVAL;
	}
	i += sizeof(kw) - 1;
	while (i < len && accept_space(p[i]))
		i++;
	id0 = i;
	while (i < len && !accept_space(p[i]))
		i++;
	idlen = i - id0;
	if (idlen == 0 || idlen >= sizeof(id)) {
		log_err("%s:%u: expected a check ID after 'accept'", origin,
			line);
		return -EINVAL;
	}
	memcpy(id, p + id0, idlen);
	id[idlen] = '\0';
	if (!audit_check_find(id)) {
		log_err("%s:%u: unknown check ID '%s' (see sesame-audit(1))",
			origin, line, id);
		return -EINVAL;
	}
	while (i < len && accept_space(p[i]))
		i++;
	while (len > i && accept_space(p[len - 1]))
		len--;
	if (i == len) {
		log_err("%s:%u: 'accept %s' needs a reason", origin, line, id);
		return -EINVAL;
	}
	return accept_push(r, id, idlen, p + i, len - i, line);
}

int audit_accept_parse(struct audit_report *r, const char *buf, size_t len,
		       const char *origin)
{
	unsigned line = 0;
	int r1, ret = 0;

	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t l = nl ? (size_t)(nl - buf) : len;

		line++;
		if (memchr(buf, '\0', l)) {
			log_err("%s:%u: NUL byte", origin, line);
			r1 = -EINVAL;
		} else {
			r1 = accept_line(r, buf, l, origin, line);
		}
		if (r1 == -ENOMEM)
			return r1;
		if (r1 < 0)
			ret = r1; /* go on: one run names every bad line */
		buf += l + (nl != NULL);
		len -= l + (nl != NULL);
	}
	return ret;
}

int audit_accept_load(struct audit_report *r, const char *path)
{
	char *buf = NULL;
	size_t len;
	int ret;

	ret = file_read_all(path, AUDIT_CONF_MAX, &buf, &len);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return log_err_errno(ret, "%s", path);
	ret = audit_accept_parse(r, buf, len, path);
	free(buf);
	return ret;
}

/* ---- output ------------------------------------------------------------ */

/* Untrusted text (paths, comments from keys) printed without control bytes. */
static void put_safe(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
	}
}

void audit_print_text(const struct audit_report *r, FILE *f, bool color)
{
	static const char *const sev_color[] = {"\033[36m", "\033[33m",
						"\033[31m"};
	const char *bold = color ? "\033[1m" : "",
		   *off = color ? "\033[0m" : "";
	size_t open = 0, accepted = 0;

	for (size_t a = 0; a < audit_areas_len; a++) {
		bool header = false;
		for (size_t i = 0; i < r->n; i++) {
			const struct audit_finding *x = &r->v[i];
			if (strcmp(x->check->area, audit_areas[a]))
				continue;
			if (!header) {
				fprintf(f, "%s%s%s\n", bold,
					audit_area_title(audit_areas[a]), off);
				header = true;
			}
			if (x->accepted) {
				fprintf(f, "  accepted[%s] ", x->check->id);
				accepted++;
			} else {
				fprintf(f, "  %s%s[%s]%s ",
					color ? sev_color[x->check->severity]
					      : "",
					audit_severity_name(x->check->severity),
					x->check->id, off);
				open++;
			}
			put_safe(f, x->subject);
			fputs(": ", f);
			put_safe(f, x->message);
			fputc('\n', f);
			if (x->accepted) {
				fputs("      accepted: ", f);
				put_safe(f, x->accepted);
				fputc('\n', f);
			} else {
				fprintf(f, "      fix: %s\n", x->check->fix);
			}
		}
	}
	fprintf(f, "%zu finding%s", open, open == 1 ? "" : "s");
	if (accepted)
		fprintf(f, ", %zu accepted", accepted);
	fputs(" (sesame-audit(1), docs/hardening.md)\n", f);
}

/* RFC 8259 section 7: quote, backslash and control characters escaped. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else if (c >= 0x80)
			fputc('?', f); /* keep the output valid UTF-8 */
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void audit_print_json(const struct audit_report *r, FILE *f)
{
	size_t counts[3] = {0}, accepted = 0;

	fputs("{\"schema\":1,\"findings\":[", f);
	for (size_t i = 0; i < r->n; i++) {
		const struct audit_finding *x = &r->v[i];
		if (i)
			fputc(',', f);
		fputs("\n{\"id\":", f);
		json_string(f, x->check->id);
		fputs(",\"severity\":", f);
		json_string(f, audit_severity_name(x->check->severity));
		fputs(",\"area\":", f);
		json_string(f, x->check->area);
		fputs(",\"subject\":", f);
		json_string(f, x->subject);
		fputs(",\"message\":", f);
		json_string(f, x->message);
		fputs(",\"fix\":", f);
		json_string(f, x->check->fix);
		fputs(",\"accepted\":", f);
		if (x->accepted)
			json_string(f, x->accepted);
		else
			fputs("null", f);
		fputc('}', f);
		if (x->accepted)
			accepted++;
		else
			counts[x->check->severity]++;
	}
	fprintf(f,
		"\n],\"counts\":{\"error\":%zu,\"warning\":%zu,\"info\":%zu,"
		"\"accepted\":%zu}}\n",
		counts[AUDIT_ERROR], counts[AUDIT_WARNING], counts[AUDIT_INFO],
		accepted);
}
