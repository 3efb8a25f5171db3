/* parse: md UUIDs, mdadm --export and lvm report lines, lvm names, mdadm.conf
 * ARRAY lines; every read bounded by the bytes left. */
#include "storage/parse.h"

#include <errno.h>
#include <string.h>

#include "common/cursor.h"
#include "common/strutil.h"

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int storage_md_uuid_normalize(const char *s, size_t len,
			      char out[STORAGE_UUID_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	char buf[STORAGE_UUID_LEN + 1];
	size_t n = 0;
	bool sep_ok = false; /* no separator first, none doubled */

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v = hexval(c);
		if (v >= 0) {
			if (n == STORAGE_UUID_LEN)
				return -EINVAL;
			buf[n++] = digits[v];
			sep_ok = true;
		} else if ((c == ':' || c == '-' || c == '.') && sep_ok &&
			   i + 1 < len) {
			sep_ok = false;
		} else {
			return -EINVAL;
		}
	}
	if (n != STORAGE_UUID_LEN)
		return -EINVAL;
	buf[n] = '\0';
	memcpy(out, buf, sizeof(buf));
	return 0;
}

static bool kv_key_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Copies n bytes of c into dst (size max, NUL-terminated); -EBADMSG. */
static int kv_take(struct cursor *c, size_t n, char *dst, size_t max)
{
	if (n >= max || c->left < n)
		return -EBADMSG;
	memcpy(dst, c->p, n);
	dst[n] = '\0';
	return cursor_skip(c, n);
}

/* KEY= at the cursor: the key into dst, the cursor after the '='. */
static int kv_key(struct cursor *c, char *dst)
{
	size_t n = 0;

	while (n < c->left && kv_key_char(c->p[n]))
		n++;
	if (n == 0 || n >= c->left || c->p[n] != '=')
		return -EBADMSG;
	if (kv_take(c, n, dst, STORAGE_KEY_MAX) < 0)
		return -EBADMSG;
	return cursor_skip(c, 1);
}

static int kv_line_export(struct cursor *c, struct storage_kvline *line)
{
	size_t n = 0;
	int r;

	if ((r = kv_key(c, line->kv[0].key)) < 0)
		return r;
	while (n < c->left) {
		unsigned char ch = c->p[n];
		if (ch < 0x20 || ch == 0x7f)
			return -EBADMSG;
		n++;
	}
	if ((r = kv_take(c, n, line->kv[0].value, STORAGE_VALUE_MAX)) < 0)
		return r;
	line->n = 1;
	return 0;
}

static int kv_line_nameprefixes(struct cursor *c, struct storage_kvline *line)
{
	int r;

	line->n = 0;
	for (;;) {
		size_t n = 0;
		while (c->left && (c->p[0] == ' ' || c->p[0] == '\t'))
			cursor_skip(c, 1);
		if (!c->left)
			break;
		if (line->n == STORAGE_PAIRS_MAX)
			return -EBADMSG;
		if ((r = kv_key(c, line->kv[line->n].key)) < 0)
			return r;
		if (!c->left || c->p[0] != '\'')
			return -EBADMSG;
		cursor_skip(c, 1);
		while (n < c->left && c->p[n] != '\'') {
			if (c->p[n] < 0x20 || c->p[n] == 0x7f)
				return -EBADMSG;
			n++;
		}
		if (n == c->left) /* no closing quote */
			return -EBADMSG;
		if ((r = kv_take(c, n, line->kv[line->n].value,
				 STORAGE_VALUE_MAX)) < 0)
			return r;
		cursor_skip(c, 1); /* the quote */
		line->n++;
		if (c->left && c->p[0] != ' ' && c->p[0] != '\t')
			return -EBADMSG;
	}
	return 0;
}

int storage_kv_parse(const char *buf, size_t len, enum storage_kv_format f,
		     storage_kv_fn fn, void *data)
{
	struct cursor all = cursor_make(buf, len);
	struct storage_kvline line;
	int r;

	while (all.left) {
		struct cursor c;
		const uint8_t *nl = memchr(all.p, '\n', all.left);
		size_t n = nl ? (size_t)(nl - all.p) : all.left;
		if ((r = cursor_take(&all, n, &c)) < 0)
			return r;
		if (nl)
			cursor_skip(&all, 1);
		while (c.left && c.p[c.left - 1] == '\r')
			c.left--;
		if (!c.left)
			continue;
		memset(&line, 0, sizeof(line));
		if (f == STORAGE_KV_EXPORT)
			r = kv_line_export(&c, &line);
		else
			r = kv_line_nameprefixes(&c, &line);
		if (r < 0)
			return r;
		if (line.n && (r = fn(&line, data)) < 0)
			return r;
	}
	return 0;
}

const char *storage_kv_get(const struct storage_kvline *line, const char *key)
{
	for (unsigned i = 0; i < line->n && i < STORAGE_PAIRS_MAX; i++)
		if (strcmp(line->kv[i].key, key) == 0)
			return line->kv[i].value;
	return NULL;
}

bool storage_lvm_name_ok(const char *s)
{
	size_t n = 0;

	if (!s || !*s || s[0] == '-' || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (n >= STORAGE_LVM_NAME_MAX - 1)
			return false;
		if (!kv_key_char(c) && c != '+' && c != '.' && c != '-')
			return false;
	}
	return true;
}

int storage_parse_lv_param(const char *s, char *vg, char *lv)
{
	char v[STORAGE_LVM_NAME_MAX], l[STORAGE_LVM_NAME_MAX];
	const char *slash;

	if (!s || !(slash = strchr(s, '/')))
		return -EINVAL;
	if (strn_copy(v, sizeof(v), s, (size_t)(slash - s)) < 0 ||
	    str_copy(l, sizeof(l), slash + 1) < 0)
		return -EINVAL;
	if (!storage_lvm_name_ok(v) || !storage_lvm_name_ok(l))
		return -EINVAL;
	memcpy(vg, v, sizeof(v));
	memcpy(lv, l, sizeof(l));
	return 0;
}

/* ---- mdadm.conf -------------------------------------------------------- */

#define MDCONF_WORD_MAX 512

/* The next white-space separated word of the logical line at c. */
static int mdconf_word(struct cursor *c, char *w, size_t max)
{
	size_t n = 0;

	while (c->left && (c->p[0] == ' ' || c->p[0] == '\t'))
		cursor_skip(c, 1);
	while (n < c->left && c->p[n] != ' ' && c->p[n] != '\t')
		n++;
	if (n == 0)
		return 0;
	if (n >= max) {
		cursor_skip(c, n);
		return -E2BIG;
	}
	memcpy(w, c->p, n);
	w[n] = '\0';
	cursor_skip(c, n);
	return 1;
}

static bool mdconf_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The words of one logical ARRAY line (continuations joined by spaces). */
static int mdconf_array(const char *line, size_t len,
			struct storage_md_conf_array *a)
{
	struct cursor c = cursor_make(line, len);
	char w[MDCONF_WORD_MAX];
	bool first = true;
	int r;

	memset(a, 0, sizeof(*a));
	(void)mdconf_word(&c, w, sizeof(w)); /* "ARRAY" */
	while ((r = mdconf_word(&c, w, sizeof(w))) != 0) {
		if (r < 0 || !mdconf_printable(w))
			return -EBADMSG;
		if (first && !strchr(w, '=')) {
			if (str_copy(a->devname, sizeof(a->devname), w) < 0)
				return -EBADMSG;
		} else if (!strncasecmp(w, "uuid=", 5)) {
			if (storage_md_uuid_normalize(w + 5, strlen(w + 5),
						      a->uuid) < 0)
				return -EBADMSG;
		} else if (!strncasecmp(w, "name=", 5)) {
			if (str_copy(a->name, sizeof(a->name), w + 5) < 0)
				return -EBADMSG;
		}
		first = false;
	}
	return a->devname[0] ? 0 : -EBADMSG;
}

/* Does the logical line start with the keyword ARRAY (any case)? */
static bool mdconf_is_array(const char *p, size_t n)
{
	return n >= 5 && !strncasecmp(p, "ARRAY", 5) &&
	       (n == 5 || p[5] == ' ' || p[5] == '\t');
}

int storage_md_conf_parse(const char *buf, size_t len, storage_md_conf_fn fn,
			  void *data, unsigned *badp)
{
	/* One logical line: physical lines joined, comments cut. */
	static char logical[8192];
	struct cursor all = cursor_make(buf, len);
	struct storage_md_conf_array a;
	size_t ll = 0;
	bool overflow = false;
	int count = 0, r;

	for (;;) {
		const uint8_t *nl = NULL;
		size_t n = 0;
		bool cont = false;
		if (all.left) {
			nl = memchr(all.p, '\n', all.left);
			n = nl ? (size_t)(nl - all.p) : all.left;
			cont = n && (all.p[0] == ' ' || all.p[0] == '\t');
		}
		/* A new logical line (or the end): finish the previous one. */
		if (!cont && ll) {
			if (mdconf_is_array(logical, ll)) {
				if (!overflow &&
				    mdconf_array(logical, ll, &a) == 0) {
					if ((r = fn(&a, data)) < 0)
						return r;
					count++;
				} else if (badp) {
					(*badp)++;
				}
			}
			ll = 0;
			overflow = false;
		}
		if (!all.left)
			break;
		const uint8_t *hash = memchr(all.p, '#', n);
		size_t keep = hash ? (size_t)(hash - all.p) : n;
		if (ll + keep + 1 >= sizeof(logical)) {
			overflow = true;
		} else {
			if (ll)
				logical[ll++] = ' ';
			memcpy(logical + ll, all.p, keep);
			ll += keep;
			logical[ll] = '\0';
			/* an empty or comment-only line ends nothing */
			if (!cont) {
				size_t s = 0;
				while (s < ll && (logical[s] == ' ' ||
						  logical[s] == '\t'))
					s++;
				if (s == ll)
					ll = 0;
			}
		}
		cursor_skip(&all, n);
		if (nl)
			cursor_skip(&all, 1);
	}
	return count;
}
