/* list: parses, normalises, sorts and prints gen_init_cpio lists. */
#include "image/list.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"

/* A list file larger than this is refused: real ones are a few kB. */
#define LIST_FILE_MAX (64u << 20)
/* Fields on one line: 6 for `file`, plus hard links. */
#define LIST_MAX_FIELDS 64

void list_init(struct image_list *l)
{
	l->v = NULL;
	l->n = l->cap = 0;
	l->next_seq = 0;
}

static void list_entry_clear(struct list_entry *e)
{
	free(e->name);
	free(e->location);
	free(e->data);
	e->name = e->location = e->data = NULL;
}

void list_free(struct image_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		list_entry_clear(&l->v[i]);
	free(l->v);
	list_init(l);
}

int list_normalize_name(const char *in, char *out, size_t size)
{
	size_t o = 0;
	const char *p = in;

	if (size < 2)
		return -ENAMETOOLONG;
	while (*p) {
		const char *start;
		size_t len;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - start);
		if (len == 0 || (len == 1 && start[0] == '.'))
			continue;
		if (len == 2 && start[0] == '.' && start[1] == '.')
			return -EINVAL;
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)start[i] < 0x20 || start[i] == 0x7f)
				return -EINVAL;
		if (size - o < len + 2)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, start, len);
		o += len;
	}
	if (o == 0)
		return -EINVAL; /* the root itself is not an entry */
	out[o] = '\0';
	return 0;
}

/* The shorthands build a struct list_entry (owning, hence non-const
 * pointers) from borrowed const strings that list_add only copies. */
static char *list_borrow(const void *p)
{
	uintptr_t u = (uintptr_t)p;

	return (char *)u;
}

int list_add(struct image_list *l, const struct list_entry *e)
{
	char name[PATH_MAX];
	struct list_entry n = *e;
	int r;

	if ((r = list_normalize_name(e->name, name, sizeof(name))) < 0)
		return r;
	if ((e->type == LIST_FILE && !e->data &&
	     (!e->location || !*e->location)) ||
	    (e->type == LIST_SLINK && (!e->location || !*e->location)))
		return -EINVAL;
	if (e->mode > 07777)
		return -EINVAL;
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct list_entry *nv = realloc(l->v, ncap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = ncap;
	}
	n.name = strdup(name);
	n.location = NULL;
	n.data = NULL;
	if (e->location && (e->type == LIST_FILE || e->type == LIST_SLINK))
		n.location = strdup(e->location);
	if (e->type == LIST_FILE && e->data) {
		n.data = malloc(e->data_len ? e->data_len : 1);
		if (n.data)
			memcpy(n.data, e->data, e->data_len);
	} else {
		n.data_len = 0;
	}
	if (!n.name || (e->location && !n.location) ||
	    (e->type == LIST_FILE && e->data && !n.data)) {
		list_entry_clear(&n);
		return -ENOMEM;
	}
	n.seq = l->next_seq++;
	l->v[l->n++] = n;
	return 0;
}

int list_add_dir(struct image_list *l, const char *name, unsigned mode)
{
	struct list_entry e = {
	    .type = LIST_DIR, .name = list_borrow(name), .mode = mode};
	return list_add(l, &e);
}

int list_add_file(struct image_list *l, const char *name, const char *src,
		  unsigned mode)
{
	struct list_entry e = {.type = LIST_FILE,
			       .name = list_borrow(name),
			       .location = list_borrow(src),
			       .mode = mode};
	return list_add(l, &e);
}

int list_add_data(struct image_list *l, const char *name, const void *data,
		  size_t len, unsigned mode)
{
	struct list_entry e = {.type = LIST_FILE,
			       .name = list_borrow(name),
			       .data = list_borrow(data),
			       .data_len = len,
			       .mode = mode};
	return list_add(l, &e);
}

int list_add_slink(struct image_list *l, const char *name, const char *target)
{
	struct list_entry e = {.type = LIST_SLINK,
			       .name = list_borrow(name),
			       .location = list_borrow(target),
			       .mode = 0777};
	return list_add(l, &e);
}

int list_add_nod(struct image_list *l, const char *name, unsigned mode,
		 char dev_type, unsigned maj, unsigned min)
{
	struct list_entry e = {.type = LIST_NOD,
			       .name = list_borrow(name),
			       .mode = mode,
			       .dev_type = dev_type,
			       .maj = maj,
			       .min = min};
	return list_add(l, &e);
}

/* ---- parsing ------------------------------------------------------------ */

struct list_parser {
	struct image_list *l;
	const char *origin;
	unsigned line;
};

static int list_parse_error(const struct list_parser *ps, int r,
			    const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int list_parse_error(const struct list_parser *ps, int r,
			    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s:%u: %s", ps->origin, ps->line, msg);
	return r;
}

static int list_parse_octal(const struct list_parser *ps, const char *s,
			    unsigned *v)
{
	uint64_t x;

	if (str_to_u64(s, 8, 07777, &x) < 0)
		return list_parse_error(
		    ps, -EINVAL, "bad mode '%.100s' (octal, at most 7777)", s);
	*v = (unsigned)x;
	return 0;
}

static int list_parse_id(const struct list_parser *ps, const char *s,
			 unsigned *v, const char *what)
{
	uint64_t x;

	if (str_to_u64(s, 10, UINT32_MAX, &x) < 0)
		return list_parse_error(ps, -EINVAL, "bad %s '%.100s'", what,
					s);
	*v = (unsigned)x;
	return 0;
}

/*
 * Replaces each "${VAR}" with getenv(VAR) (unset: empty), as gen_init_cpio
 * does for file locations. A result longer than PATH_MAX is an error.
 */
static int list_expand_env(const char *in, char *out, size_t size)
{
	size_t o = 0;

	while (*in) {
		const char *start = strstr(in, "${");
		const char *end = start ? strchr(start + 2, '}') : NULL;
		size_t lit = end ? (size_t)(start - in) : strlen(in);
		const char *val = "";
		char var[256];

		if (size - o <= lit)
			return -ENAMETOOLONG;
		memcpy(out + o, in, lit);
		o += lit;
		if (!end)
			break;
		if ((size_t)(end - start - 2) < sizeof(var)) {
			memcpy(var, start + 2, (size_t)(end - start - 2));
			var[end - start - 2] = '\0';
			val = getenv(var);
			if (!val)
				val = "";
		} else {
			return -ENAMETOOLONG;
		}
		if (size - o <= strlen(val))
			return -ENAMETOOLONG;
		memcpy(out + o, val, strlen(val));
		o += strlen(val);
		in = end + 1;
	}
	out[o] = '\0';
	return 0;
}

static int list_parse_add(const struct list_parser *ps, struct list_entry *e)
{
	int r = list_add(ps->l, e);

	if (r == -ENOMEM)
		return list_parse_error(ps, r, "%s", "out of memory");
	if (r == -ENAMETOOLONG)
		return list_parse_error(ps, r, "name too long: '%.200s'",
					e->name);
	if (r < 0)
		return list_parse_error(
		    ps, r,
		    "bad name '%.200s' (empty, root, '..' or control "
		    "characters)",
		    e->name);
	return 0;
}

struct list_kind {
	const char *word;
	enum list_type type;
	int nfields; /* after the keyword */
	const char *usage;
};

static const struct list_kind list_kinds[] = {
    {"file", LIST_FILE, 5,
     "file <name> <location> <mode> <uid> <gid> "
     "[<hard links>]"},
    {"dir", LIST_DIR, 4, "dir <name> <mode> <uid> <gid>"},
    {"nod", LIST_NOD, 7,
     "nod <name> <mode> <uid> <gid> <c|b> <maj> "
     "<min>"},
    {"slink", LIST_SLINK, 5, "slink <name> <target> <mode> <uid> <gid>"},
    {"pipe", LIST_PIPE, 4, "pipe <name> <mode> <uid> <gid>"},
    {"sock", LIST_SOCK, 4, "sock <name> <mode> <uid> <gid>"},
};

static int list_parse_fields(const struct list_parser *ps, char **f, int n)
{
	const struct list_kind *k = NULL;
	struct list_entry e = {0};
	char loc[PATH_MAX];
	int i = 2, r;

	for (size_t j = 0; j < sizeof(list_kinds) / sizeof(list_kinds[0]); j++)
		if (!strcmp(f[0], list_kinds[j].word))
			k = &list_kinds[j];
	if (!k)
		return list_parse_error(ps, -EINVAL,
					"unknown entry type '%.100s'", f[0]);
	if (n - 1 < k->nfields || (k->type != LIST_FILE && n - 1 > k->nfields))
		return list_parse_error(ps, -EINVAL, "expected '%s'", k->usage);
	e.type = k->type;
	e.name = f[1];
	if (k->type == LIST_FILE) {
		if ((r = list_expand_env(f[2], loc, sizeof(loc))) < 0)
			return list_parse_error(
			    ps, r, "location too long: '%.200s'", f[2]);
		e.location = loc;
		i = 3;
	} else if (k->type == LIST_SLINK) {
		e.location = f[2];
		i = 3;
	}
	if ((r = list_parse_octal(ps, f[i], &e.mode)) < 0 ||
	    (r = list_parse_id(ps, f[i + 1], &e.uid, "uid")) < 0 ||
	    (r = list_parse_id(ps, f[i + 2], &e.gid, "gid")) < 0)
		return r;
	i += 3;
	if (k->type == LIST_FILE && !*loc)
		return list_parse_error(ps, -EINVAL,
					"empty location for '%.200s'", f[1]);
	if (k->type == LIST_NOD) {
		if (strcmp(f[i], "c") && strcmp(f[i], "b"))
			return list_parse_error(
			    ps, -EINVAL, "bad device type '%.20s' (c or b)",
			    f[i]);
		e.dev_type = f[i][0];
		if ((r = list_parse_id(ps, f[i + 1], &e.maj, "major")) < 0 ||
		    (r = list_parse_id(ps, f[i + 2], &e.min, "minor")) < 0)
			return r;
		if (e.maj > 0xfff || e.min > 0xfffff)
			return list_parse_error(
			    ps, -EINVAL, "device number out of range%s", "");
		i += 3;
	}
	if ((r = list_parse_add(ps, &e)) < 0)
		return r;
	/* Hard links: the kernel would link them; copies are equivalent
	 * for an initramfs that is unpacked once. */
	for (; k->type == LIST_FILE && i < n; i++) {
		e.name = f[i];
		if ((r = list_parse_add(ps, &e)) < 0)
			return r;
	}
	return 0;
}

/* Splits line (modified in place) into whitespace-separated fields. */
static int list_parse_line(const struct list_parser *ps, char *line)
{
	char *f[LIST_MAX_FIELDS];
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p)
			break;
		if (n == LIST_MAX_FIELDS)
			return list_parse_error(ps, -EINVAL,
						"more than %s fields", "64");
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
	}
	if (n == 0 || f[0][0] == '#')
		return 0;
	return list_parse_fields(ps, f, n);
}

int list_parse(struct image_list *l, const char *buf, size_t len,
	       const char *origin)
{
	struct list_parser ps = {.l = l, .origin = origin, .line = 0};
	char *line = NULL;
	size_t cap = 0;
	int r = 0;

	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;

		ps.line++;
		if (memchr(buf, '\0', n)) {
			r = list_parse_error(&ps, -EINVAL, "NUL byte%s", "");
			goto out;
		}
		if (n + 1 > cap) {
			char *nb = realloc(line, n + 1);
			if (!nb) {
				r = -ENOMEM;
				goto out;
			}
			line = nb;
			cap = n + 1;
		}
		memcpy(line, buf, n);
		line[n] = '\0';
		if ((r = list_parse_line(&ps, line)) < 0)
			goto out;
		buf += n;
		len -= n;
		if (nl) {
			buf++;
			len--;
		}
	}
out:
	free(line);
	return r;
}

int list_parse_file(struct image_list *l, const char *path)
{
	char *buf;
	size_t len;
	int r;

	if ((r = file_read_all(path, LIST_FILE_MAX, &buf, &len)) < 0)
		return log_err_errno(r, "%s", path);
	r = list_parse(l, buf, len, path);
	free(buf);
	return r;
}

/* ---- finishing ---------------------------------------------------------- */

/* Path order where '/' sorts before every other byte: a directory's
 * entries follow it directly, and a parent always precedes its children. */
static int list_path_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca == cb) {
			if (!ca)
				return 0;
			continue;
		}
		if (!ca)
			return -1;
		if (!cb)
			return 1;
		if (ca == '/')
			return -1;
		if (cb == '/')
			return 1;
		return ca < cb ? -1 : 1;
	}
}

static int list_entry_cmp(const void *pa, const void *pb)
{
	const struct list_entry *a = pa, *b = pb;
	int c = list_path_cmp(a->name, b->name);

	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int list_entry_cmp_name_only(const void *pa, const void *pb)
{
	const struct list_entry *a = pa, *b = pb;

	return list_path_cmp(a->name, b->name);
}

static int list_entry_same(const struct list_entry *a,
			   const struct list_entry *b)
{
	if (a->type != b->type || a->mode != b->mode || a->uid != b->uid ||
	    a->gid != b->gid || a->dev_type != b->dev_type ||
	    a->maj != b->maj || a->min != b->min)
		return 0;
	if (a->data || b->data)
		return a->data && b->data && a->data_len == b->data_len &&
		       !memcmp(a->data, b->data, a->data_len);
	if (!a->location || !b->location)
		return a->location == b->location;
	return !strcmp(a->location, b->location);
}

/* Drops all but the last of equal names; v must be sorted. */
static void list_dedup(struct image_list *l)
{
	size_t o = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (i + 1 < l->n && !strcmp(l->v[i].name, l->v[i + 1].name)) {
			if (!list_entry_same(&l->v[i], &l->v[i + 1]))
				log_debug("%s: a later entry replaces an "
					  "earlier one",
					  l->v[i].name);
			list_entry_clear(&l->v[i]);
			continue;
		}
		l->v[o++] = l->v[i];
	}
	l->n = o;
}

int list_finish(struct image_list *l)
{
	size_t n0;
	int r;

	if (l->n == 0)
		return 0;
	qsort(l->v, l->n, sizeof(*l->v), list_entry_cmp);
	list_dedup(l);
	/* Add the parents nobody listed; the kernel does not create them. */
	n0 = l->n;
	for (size_t i = 0; i < n0; i++) {
		char parent[PATH_MAX];
		char *slash;

		if (str_copy(parent, sizeof(parent), l->v[i].name) < 0)
			return -ENAMETOOLONG;
		while ((slash = strrchr(parent, '/')) && slash != parent) {
			struct list_entry key = {.name = parent};
			*slash = '\0';
			if (bsearch(&key, l->v, n0, sizeof(*l->v),
				    list_entry_cmp_name_only))
				break;
			if ((r = list_add_dir(l, parent, 0755)) < 0)
				return r;
		}
	}
	if (l->n != n0) {
		qsort(l->v, l->n, sizeof(*l->v), list_entry_cmp);
		list_dedup(l);
	}
	for (size_t i = 0; i + 1 < l->n; i++) {
		size_t len = strlen(l->v[i].name);
		if (l->v[i].type != LIST_DIR &&
		    !strncmp(l->v[i].name, l->v[i + 1].name, len) &&
		    l->v[i + 1].name[len] == '/') {
			log_err("%s is not a directory but %s is inside it",
				l->v[i].name, l->v[i + 1].name);
			return -ENOTDIR;
		}
	}
	return 0;
}

/* FNV-1a: names a generated file by its content (not a security hash). */
static uint64_t list_fnv1a(const void *p, size_t len)
{
	const unsigned char *b = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int list_materialize(struct image_list *l, const char *dir)
{
	char path[PATH_MAX];
	int r;

	for (size_t i = 0; i < l->n; i++) {
		struct list_entry *e = &l->v[i];
		char *loc;

		if (!e->data || e->location)
			continue;
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return log_err_errno(-errno, "%s", dir);
		if (snprintf(
			path, sizeof(path), "%s/%016llx-%zu", dir,
			(unsigned long long)list_fnv1a(e->data, e->data_len),
			e->data_len) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		if ((r = file_write_atomic(path, e->data, e->data_len, 0600)) <
		    0)
			return log_err_errno(r, "%s", path);
		if (!(loc = strdup(path)))
			return -ENOMEM;
		e->location = loc;
	}
	return 0;
}

/* ---- printing ----------------------------------------------------------- */

static int list_word_ok(const char *s)
{
	if (!*s || strstr(s, "${"))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int list_format_entry(const struct list_entry *e, char *buf, size_t size)
{
	int n;

	if (!list_word_ok(e->name) ||
	    (e->location && !list_word_ok(e->location)) ||
	    ((e->type == LIST_FILE || e->type == LIST_SLINK) && !e->location))
		return -EINVAL;
	switch (e->type) {
	case LIST_FILE:
		n = snprintf(buf, size, "file %s %s %04o %u %u", e->name,
			     e->location, e->mode, e->uid, e->gid);
		break;
	case LIST_DIR:
		n = snprintf(buf, size, "dir %s %04o %u %u", e->name, e->mode,
			     e->uid, e->gid);
		break;
	case LIST_NOD:
		n = snprintf(buf, size, "nod %s %04o %u %u %c %u %u", e->name,
			     e->mode, e->uid, e->gid, e->dev_type, e->maj,
			     e->min);
		break;
	case LIST_SLINK:
		n = snprintf(buf, size, "slink %s %s %04o %u %u", e->name,
			     e->location, e->mode, e->uid, e->gid);
		break;
	case LIST_PIPE:
		n = snprintf(buf, size, "pipe %s %04o %u %u", e->name, e->mode,
			     e->uid, e->gid);
		break;
	case LIST_SOCK:
		n = snprintf(buf, size, "sock %s %04o %u %u", e->name, e->mode,
			     e->uid, e->gid);
		break;
	default:
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int list_write(const struct image_list *l, FILE *f)
{
	char line[2 * PATH_MAX + 64];
	int r;

	for (size_t i = 0; i < l->n; i++) {
		if ((r = list_format_entry(&l->v[i], line, sizeof(line))) < 0)
			return log_err_errno(r,
					     "%s: cannot be written as a "
					     "list line",
					     l->v[i].name);
		if (fprintf(f, "%s\n", line) < 0)
			return -EIO;
	}
	return 0;
}
