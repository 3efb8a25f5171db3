/* libdeps: resolves ELF dependencies as ld.so would, under a sysroot. */
#include "libdeps.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "image/elf.h"

#define LD_NONE SIZE_MAX
/* Symlinks followed in one lookup, as the kernel's MAXSYMLINKS. */
#define LD_MAX_LINKS 40
/* ld.so.conf include nesting; deeper is a loop. */
#define LD_MAX_INCLUDE_DEPTH 16
#define LD_CONF_MAX (1u << 20)

struct ld_strv {
	char **v;
	size_t n, cap;
};

/* A parsed file, once per real path, shared by every binary. */
struct ld_obj {
	char *real;
	struct elf_info info;
};

/* A library loaded with dlopen() (libdeps_add_dlopen). */
struct ld_dlopen {
	char *loader, *name;
	const char *why; /* borrowed */
	bool required;
};

struct ld_out {
	bool is_symlink;
	char *path;
	char *source;
	char *target;
};

struct libdeps {
	char root[PATH_MAX]; /* sysroot without trailing '/'; "" = host */
	int rootfd;
	struct ld_strv conf; /* ld.so.conf directories, in order */
	struct ld_obj *objs;
	size_t n_objs, cap_objs;
	struct ld_out *out;
	size_t n_out, cap_out;
	struct ld_dlopen *dl; /* libdeps_add_dlopen rules, in order */
	size_t n_dl, cap_dl;
};

/* An object as loaded into one binary's (simulated) process. */
struct ld_node {
	size_t obj;
	size_t loader; /* node whose DT_NEEDED loaded it, LD_NONE for roots */
	char origin[PATH_MAX];
	char shown[PATH_MAX]; /* its name in messages: the real path */
};

/* A name already satisfied in this process (LD_NONE: reported missing). */
struct ld_name {
	char *name;
	size_t node;
};

enum ld_via {
	LD_VIA_PATH,	/* the name had a '/' */
	LD_VIA_RPATH,	/* DT_RPATH of the needer or its loaders */
	LD_VIA_RUNPATH, /* DT_RUNPATH of the needer */
	LD_VIA_CONF,	/* ld.so.conf (ld.so.cache) */
	LD_VIA_DEFAULT, /* the default directories */
};

/* One binary's resolution: its nodes in load order. */
struct ld_run {
	const char *binary;
	struct ld_node *nodes;
	size_t n_nodes, cap_nodes;
	struct ld_name *names;
	size_t n_names, cap_names;
	const struct elf_info *want; /* &machine */
	struct elf_info machine;     /* the binary's class and machine only */
	struct ld_strv image_dirs;   /* what the image's ld.so searches */
	char fallback[PATH_MAX];     /* where conf-only finds get a link */
};

/* Where a lookup ended. */
struct ld_hit {
	size_t obj;
	enum ld_via via;
	char dir[PATH_MAX];
	char literal[PATH_MAX];
};

static int ld_grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap <= n)
		return -ENOMEM;
	p = reallocarray(*arr, ncap, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int ld_strv_push(struct ld_strv *sv, const char *s)
{
	char *d;
	int r;

	if ((r = ld_grow((void **)&sv->v, &sv->cap, sv->n, sizeof(*sv->v))) < 0)
		return r;
	if (!(d = strdup(s)))
		return -ENOMEM;
	sv->v[sv->n++] = d;
	return 0;
}

static bool ld_strv_has(const struct ld_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

static void ld_strv_clear(struct ld_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

/* snprintf into a PATH_MAX buffer; truncation is an error. */
static int __attribute__((format(printf, 2, 3)))
ld_path_fmt(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* The directory part of an absolute path ("/" for "/x"). */
static void ld_dirname(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n == 0) {
		strcpy(out, "/");
		return;
	}
	memcpy(out, path, n);
	out[n] = '\0';
}

/*
 * Collapses "//", "." and ".." textually (".." stops at "/"); a relative
 * path is taken from "/". This is how the image's ld.so sees a path, since
 * every directory in the image is a real one.
 */
static int ld_path_normalize(const char *in, char *out)
{
	size_t n = 0;
	const char *p = in;

	out[0] = '\0';
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			;
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			out[n] = '\0';
		} else {
			if (n + 1 + len >= PATH_MAX)
				return -ENAMETOOLONG;
			out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
			out[n] = '\0';
		}
		p += len;
	}
	if (n == 0)
		strcpy(out, "/");
	return 0;
}

/*
 * The target of a symlink at link that leads to to, relative to the
 * link's directory. Both are normalized absolute paths.
 */
static int ld_relative_target(const char *link, const char *to, char *out)
{
	char dir[PATH_MAX];
	size_t common = 0, i, n = 0;
	const char *rest;

	ld_dirname(link, dir);
	if (strcmp(dir, "/") == 0)
		return ld_path_fmt(out, "%s", to + 1);
	/* The longest whole-component prefix of dir shared with to. */
	for (i = 0; dir[i] && dir[i] == to[i]; i++)
		if (dir[i] == '/')
			common = i;
	if (dir[i] == '\0' && (to[i] == '/' || to[i] == '\0'))
		common = i;
	rest = to + common + (to[common] == '/' ? 1 : 0);
	out[0] = '\0';
	for (i = common; dir[i]; i++) {
		if (dir[i] != '/')
			continue;
		if (n + 3 >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out + n, "../", 4);
		n += 3;
	}
	if (n + strlen(rest) >= PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(out + n, rest);
	return 0;
}

/*
 * realpath(3) inside the sysroot: every symlink is followed, an absolute
 * target starts again at the sysroot, ".." never leaves it. out is the
 * resolved absolute path inside the sysroot. -errno from the lookup
 * (ENOENT, ENOTDIR, ELOOP, ...).
 */
static int ld_resolve(const struct libdeps *ld, const char *path, char *out)
{
	char done[PATH_MAX] = "", todo[PATH_MAX], link[PATH_MAX],
	     cand[PATH_MAX], tmp[PATH_MAX];
	const char *p;
	int links = 0, r;

	if ((r = str_copy(todo, sizeof(todo), path)) < 0)
		return r;
	p = todo;
	for (;;) {
		struct stat st;
		size_t len;
		ssize_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(done, '/');
			if (slash)
				*slash = '\0';
			p += len;
			continue;
		}
		if ((r = ld_path_fmt(cand, "%s/%.*s", done, (int)len, p)) < 0)
			return r;
		p += len;
		if (fstatat(ld->rootfd, cand + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (!S_ISLNK(st.st_mode)) {
			strcpy(done, cand);
			continue;
		}
		if (++links > LD_MAX_LINKS)
			return -ELOOP;
		n = readlinkat(ld->rootfd, cand + 1, link, sizeof(link));
		if (n < 0)
			return -errno;
		if ((size_t)n >= sizeof(link))
			return -ENAMETOOLONG;
		link[n] = '\0';
		if ((r = ld_path_fmt(tmp, "%s/%s", link, p)) < 0)
			return r;
		strcpy(todo, tmp);
		p = todo;
		if (link[0] == '/')
			done[0] = '\0';
	}
	if (done[0] == '\0')
		strcpy(out, "/");
	else
		strcpy(out, done);
	return 0;
}

/* ---- ld.so.conf -------------------------------------------------------- */

static int ld_conf_read(struct libdeps *ld, const char *path, int depth);

/* Escapes glob(7) specials in the sysroot so only the pattern globs. */
static int ld_glob_escape(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; *s; s++) {
		if (n + 3 > size)
			return -ENAMETOOLONG;
		if (strchr("*?[]\\", *s))
			out[n++] = '\\';
		out[n++] = *s;
	}
	out[n] = '\0';
	return 0;
}

/* `include PATTERN`: relative patterns are relative to the including file. */
static int ld_conf_include(struct libdeps *ld, const char *from,
			   const char *pattern, int depth)
{
	char dir[PATH_MAX], abs[PATH_MAX], esc[2 * PATH_MAX],
	    full[3 * PATH_MAX];
	size_t rootlen = strlen(ld->root);
	glob_t g;
	int r;

	ld_dirname(from, dir);
	if (pattern[0] == '/')
		r = ld_path_fmt(abs, "%s", pattern);
	else
		r = ld_path_fmt(abs, "%s/%s", strcmp(dir, "/") ? dir : "",
				pattern);
	if (r < 0)
		return r;
	if ((r = ld_glob_escape(ld->root, esc, sizeof(esc))) < 0)
		return r;
	if ((size_t)snprintf(full, sizeof(full), "%s%s", esc, abs) >=
	    sizeof(full))
		return -ENAMETOOLONG;
	r = glob(full, 0, NULL, &g);
	if (r == GLOB_NOMATCH)
		return 0;
	if (r != 0)
		return r == GLOB_NOSPACE ? -ENOMEM : -EIO;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *m = g.gl_pathv[i] + rootlen;
		if ((r = ld_conf_read(ld, m, depth + 1)) < 0)
			break;
	}
	globfree(&g);
	return r;
}

/*
 * Parses one ld.so.conf file (ldconfig(8)): a directory per line, `#`
 * comments, `include` with glob patterns, `hwcap` lines ignored. A file
 * that cannot be read is skipped, as ldconfig does for missing includes.
 */
static int ld_conf_read(struct libdeps *ld, const char *path, int depth)
{
	char full[PATH_MAX], norm[PATH_MAX];
	char *buf = NULL, *line, *save = NULL;
	size_t len;
	int r;

	if (depth > LD_MAX_INCLUDE_DEPTH) {
		log_warn("%s: ld.so.conf includes nested too deep, ignored",
			 path);
		return 0;
	}
	if ((r = ld_path_fmt(full, "%s%s", ld->root, path)) < 0)
		return r;
	if ((r = file_read_all(full, LD_CONF_MAX, &buf, &len)) < 0) {
		if (r == -ENOMEM)
			return r;
		if (r != -ENOENT)
			log_warn_errno(r, "%s: skipped", full);
		return 0;
	}
	r = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *end;

		if (hash)
			*hash = '\0';
		line += strspn(line, " \t\r");
		end = line + strlen(line);
		while (end > line && strchr(" \t\r", end[-1]))
			*--end = '\0';
		if (!*line)
			continue;
		if (str_startswith(line, "include") &&
		    (line[7] == ' ' || line[7] == '\t')) {
			char *tok, *tsave = NULL;
			for (tok = strtok_r(line + 8, " \t", &tsave); tok;
			     tok = strtok_r(NULL, " \t", &tsave))
				if ((r = ld_conf_include(ld, path, tok,
							 depth)) < 0)
					goto out;
			continue;
		}
		if (str_startswith(line, "hwcap") &&
		    (line[5] == ' ' || line[5] == '\t'))
			continue;
		if (line[0] != '/') {
			log_warn("%s: ignoring relative directory %s", full,
				 line);
			continue;
		}
		if (ld_path_normalize(line, norm) < 0)
			continue;
		if (!ld_strv_has(&ld->conf, norm) &&
		    (r = ld_strv_push(&ld->conf, norm)) < 0)
			goto out;
	}
out:
	free(buf);
	return r;
}

/* ---- machines ---------------------------------------------------------- */

/* Debian's multiarch tuple for an ELF machine, or NULL. */
static const char *ld_triplet(const struct elf_info *e)
{
	bool is64 = e->elf_class == ELFCLASS64;
	bool msb = e->data == ELFDATA2MSB;

	switch (e->machine) {
	case EM_X86_64:
		return is64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
	case EM_386:
		return "i386-linux-gnu";
	case EM_AARCH64:
		return msb ? "aarch64_be-linux-gnu" : "aarch64-linux-gnu";
	case EM_ARM:
		return "arm-linux-gnueabihf";
	case EM_RISCV:
		return is64 ? "riscv64-linux-gnu" : NULL;
	case EM_PPC64:
		return msb ? "powerpc64-linux-gnu" : "powerpc64le-linux-gnu";
	case EM_PPC:
		return "powerpc-linux-gnu";
	case EM_S390:
		return is64 ? "s390x-linux-gnu" : NULL;
	default:
		return NULL;
	}
}

/* AT_PLATFORM as the kernel reports it for the machine, or NULL. */
static const char *ld_platform(const struct elf_info *e)
{
	switch (e->machine) {
	case EM_X86_64:
		return "x86_64";
	case EM_386:
		return "i686";
	case EM_AARCH64:
		return "aarch64";
	default:
		return NULL;
	}
}

static int ld_default_dirs(const struct elf_info *e, struct ld_strv *sv)
{
	const char *t = ld_triplet(e);
	bool is64 = e->elf_class == ELFCLASS64;
	char buf[PATH_MAX];
	int r;

	if (t) {
		if ((r = ld_path_fmt(buf, "/lib/%s", t)) < 0 ||
		    (r = ld_strv_push(sv, buf)) < 0 ||
		    (r = ld_path_fmt(buf, "/usr/lib/%s", t)) < 0 ||
		    (r = ld_strv_push(sv, buf)) < 0)
			return r;
	}
	if ((r = ld_strv_push(sv, is64 ? "/lib64" : "/lib32")) < 0 ||
	    (r = ld_strv_push(sv, is64 ? "/usr/lib64" : "/usr/lib32")) < 0 ||
	    (r = ld_strv_push(sv, "/lib")) < 0 ||
	    (r = ld_strv_push(sv, "/usr/lib")) < 0)
		return r;
	return 0;
}

static bool ld_obj_matches(const struct elf_info *want,
			   const struct elf_info *have)
{
	return want->elf_class == have->elf_class && want->data == have->data &&
	       want->machine == have->machine;
}

/* ---- objects and output ------------------------------------------------ */

/* The parsed object at real path real, read once. */
static int ld_load_obj(struct libdeps *ld, const char *real, size_t *idx)
{
	struct elf_info info;
	char *copy;
	int r;

	for (size_t i = 0; i < ld->n_objs; i++) {
		if (strcmp(ld->objs[i].real, real) == 0) {
			*idx = i;
			return 0;
		}
	}
	if ((r = ld_grow((void **)&ld->objs, &ld->cap_objs, ld->n_objs,
			 sizeof(*ld->objs))) < 0)
		return r;
	if ((r = elf_parse_file(ld->rootfd, real + 1, &info)) < 0)
		return r;
	if (!(copy = strdup(real))) {
		elf_info_clear(&info);
		return -ENOMEM;
	}
	ld->objs[ld->n_objs].real = copy;
	ld->objs[ld->n_objs].info = info;
	*idx = ld->n_objs++;
	return 0;
}

static void ld_out_clear(struct ld_out *o)
{
	free(o->path);
	free(o->source);
	free(o->target);
}

/*
 * Adds an image entry unless the same one is there; a different entry at
 * the same path is a conflict the caller must hear about.
 */
static int ld_emit(struct libdeps *ld, bool is_symlink, const char *path,
		   const char *source, const char *target)
{
	struct ld_out o = {.is_symlink = is_symlink};
	int r;

	for (size_t i = 0; i < ld->n_out; i++) {
		const struct ld_out *x = &ld->out[i];
		if (strcmp(x->path, path) != 0)
			continue;
		if (x->is_symlink == is_symlink &&
		    strcmp(x->source, source) == 0 &&
		    strcmp(x->target, target) == 0)
			return 0;
		log_err("%s: wanted in the image both as %s and as %s", path,
			x->is_symlink ? x->target : x->source,
			is_symlink ? target : source);
		return -EEXIST;
	}
	if ((r = ld_grow((void **)&ld->out, &ld->cap_out, ld->n_out,
			 sizeof(*ld->out))) < 0)
		return r;
	o.path = strdup(path);
	o.source = strdup(source);
	o.target = strdup(target);
	if (!o.path || !o.source || !o.target) {
		ld_out_clear(&o);
		return -ENOMEM;
	}
	ld->out[ld->n_out++] = o;
	return 0;
}

/* A leaf link at alias to real, unless alias is empty or real itself. */
static int ld_emit_link(struct libdeps *ld, const char *alias, const char *real)
{
	char target[PATH_MAX];
	int r;

	if (!alias[0] || strcmp(alias, real) == 0)
		return 0;
	if ((r = ld_relative_target(alias, real, target)) < 0)
		return r;
	return ld_emit(ld, true, alias, "", target);
}

/* The real file, then a leaf link at alias when that is another path. */
static int ld_emit_object(struct libdeps *ld, const char *real,
			  const char *alias)
{
	char source[PATH_MAX];
	int r;

	if ((r = ld_path_fmt(source, "%s%s", ld->root, real)) < 0 ||
	    (r = ld_emit(ld, false, real, source, "")) < 0)
		return r;
	return ld_emit_link(ld, alias, real);
}

/* ---- one binary's lookups ---------------------------------------------- */

static int ld_run_add_node(struct ld_run *run, size_t obj, size_t loader,
			   const char *found_as, const char *origin_dir)
{
	struct ld_node *n;
	int r;

	if ((r = ld_grow((void **)&run->nodes, &run->cap_nodes, run->n_nodes,
			 sizeof(*run->nodes))) < 0)
		return r;
	n = &run->nodes[run->n_nodes];
	n->obj = obj;
	n->loader = loader;
	if ((r = str_copy(n->origin, sizeof(n->origin), origin_dir)) < 0 ||
	    (r = str_copy(n->shown, sizeof(n->shown), found_as)) < 0)
		return r;
	run->n_nodes++;
	return 0;
}

static int ld_run_add_name(struct ld_run *run, const char *name, size_t node)
{
	int r;

	if ((r = ld_grow((void **)&run->names, &run->cap_names, run->n_names,
			 sizeof(*run->names))) < 0)
		return r;
	if (!(run->names[run->n_names].name = strdup(name)))
		return -ENOMEM;
	run->names[run->n_names++].node = node;
	return 0;
}

/*
 * Is name already loaded (ld.so's _dl_name_match_p plus the DT_SONAME
 * check)? 1 and *node (LD_NONE for a name already reported missing), or 0.
 */
static int ld_run_find_name(const struct libdeps *ld, const struct ld_run *run,
			    const char *name, size_t *node)
{
	for (size_t i = 0; i < run->n_names; i++) {
		if (strcmp(run->names[i].name, name) == 0) {
			*node = run->names[i].node;
			return 1;
		}
	}
	for (size_t i = 0; i < run->n_nodes; i++) {
		const char *so = ld->objs[run->nodes[i].obj].info.soname;
		if (so && strcmp(so, name) == 0) {
			*node = i;
			return 1;
		}
	}
	return 0;
}

static bool ld_is_ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/*
 * Length of the dynamic string token named name at s ("$NAME" not followed
 * by an identifier character, or "${NAME}"), 0 if there is none.
 */
static size_t ld_dst_match(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (len >= n + 3 && s[1] == '{' && strncmp(s + 2, name, n) == 0 &&
	    s[n + 2] == '}')
		return n + 3;
	if (len >= n + 1 && strncmp(s + 1, name, n) == 0 &&
	    (len == n + 1 || !ld_is_ident_char(s[n + 1])))
		return n + 1;
	return 0;
}

/*
 * Expands $ORIGIN, $LIB and $PLATFORM in s[0, len) for the object node.
 * -ENOENT when a token has no value here (ld.so drops such elements).
 */
static int ld_expand(const struct ld_run *run, const struct ld_node *node,
		     const char *s, size_t len, char *out)
{
	const char *t = ld_triplet(run->want), *plat = ld_platform(run->want);
	char lib[64];
	size_t n = 0, i = 0;

	if (t)
		snprintf(lib, sizeof(lib), "lib/%s", t);
	else
		snprintf(lib, sizeof(lib), "%s",
			 run->want->elf_class == ELFCLASS64 ? "lib64" : "lib");
	while (i < len) {
		const char *val = NULL;
		size_t tok = 0, vlen;

		if (s[i] == '$') {
			if ((tok = ld_dst_match(s + i, len - i, "ORIGIN")))
				val = node->origin;
			else if ((tok = ld_dst_match(s + i, len - i, "LIB")))
				val = lib;
			else if ((tok = ld_dst_match(s + i, len - i,
						     "PLATFORM"))) {
				val = plat;
				if (!val)
					return -ENOENT;
			}
		}
		if (!tok) {
			if (n + 1 >= PATH_MAX)
				return -ENAMETOOLONG;
			out[n++] = s[i++];
			continue;
		}
		vlen = strlen(val);
		if (n + vlen >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out + n, val, vlen);
		n += vlen;
		i += tok;
	}
	out[n] = '\0';
	return 0;
}

/*
 * Tries dir/name: 1 when a matching object is there (*hit filled), 0 when
 * not (missing, other class or machine, not ELF), -errno on a hard error.
 */
static int ld_try(struct libdeps *ld, struct ld_run *run, const char *dir,
		  const char *name, enum ld_via via, struct ld_hit *hit)
{
	char literal[PATH_MAX], real[PATH_MAX];
	const struct elf_info *info;
	size_t obj;
	int r;

	if (ld_path_fmt(literal, "%s/%s", strcmp(dir, "/") ? dir : "", name) <
	    0)
		return 0;
	if ((r = ld_resolve(ld, literal, real)) < 0) {
		if (r != -ENOENT && r != -ENOTDIR)
			log_debug("%s: %s", literal, strerror(-r));
		return 0;
	}
	if ((r = ld_load_obj(ld, real, &obj)) < 0) {
		if (r == -ENOMEM)
			return r;
		if (r == -ENOEXEC || r == -EBADMSG)
			log_warn("%s: skipped: %s", literal,
				 r == -ENOEXEC ? "not an ELF shared object"
					       : "malformed ELF file");
		else
			log_warn_errno(r, "%s: skipped", literal);
		return 0;
	}
	info = &ld->objs[obj].info;
	if (!ld_obj_matches(run->want, info)) {
		log_debug("%s: skipped: another ELF class or machine", literal);
		return 0;
	}
	hit->obj = obj;
	hit->via = via;
	strcpy(hit->dir, dir);
	strcpy(hit->literal, literal);
	return 1;
}

/* Tries each element of a ':'-separated DT_RPATH/DT_RUNPATH list. */
static int ld_try_list(struct libdeps *ld, struct ld_run *run,
		       const struct ld_node *owner, const char *list,
		       const char *name, enum ld_via via, struct ld_hit *hit)
{
	char dir[PATH_MAX], norm[PATH_MAX];
	const char *p = list;
	int r;

	while (*p) {
		size_t len = strcspn(p, ":");

		/* An empty element is skipped rather than meaning ".". */
		if (len > 0 && ld_expand(run, owner, p, len, dir) == 0 &&
		    ld_path_normalize(dir, norm) == 0) {
			/* Relative entries are relative to the cwd: "/". */
			const char *d = dir[0] == '/' ? dir : norm;
			if ((r = ld_try(ld, run, d, name, via, hit)) != 0)
				return r;
		}
		p += len;
		if (*p == ':')
			p++;
	}
	return 0;
}

/* DT_RPATH counts only when there is no DT_RUNPATH (ld.so(8)). */
static const char *ld_rpath_of(const struct elf_info *e)
{
	return e->runpath ? NULL : e->rpath;
}

/* The search for a bare name needed by node q, in ld.so's order. */
static int ld_search(struct libdeps *ld, struct ld_run *run, size_t q,
		     const char *name, struct ld_hit *hit)
{
	/* A copy: ld->objs moves as objects load; the strings do not. */
	const struct elf_info qcopy = ld->objs[run->nodes[q].obj].info;
	const struct elf_info *qi = &qcopy;
	struct ld_strv defaults = {0};
	int r = 0;

	if (!qi->runpath) {
		for (size_t l = q; l != LD_NONE; l = run->nodes[l].loader) {
			const char *rp =
			    ld_rpath_of(&ld->objs[run->nodes[l].obj].info);
			if (rp && (r = ld_try_list(ld, run, &run->nodes[l], rp,
						   name, LD_VIA_RPATH, hit)))
				return r;
		}
	} else if ((r = ld_try_list(ld, run, &run->nodes[q], qi->runpath, name,
				    LD_VIA_RUNPATH, hit))) {
		return r;
	}
	if (qi->flags_1 & DF_1_NODEFLIB)
		return 0;
	for (size_t i = 0; i < ld->conf.n; i++)
		if ((r = ld_try(ld, run, ld->conf.v[i], name, LD_VIA_CONF,
				hit)))
			return r;
	if ((r = ld_default_dirs(run->want, &defaults)) < 0)
		goto out;
	for (size_t i = 0; i < defaults.n; i++)
		if ((r = ld_try(ld, run, defaults.v[i], name, LD_VIA_DEFAULT,
				hit)))
			goto out;
out:
	ld_strv_clear(&defaults);
	return r;
}

/*
 * The path the image's ld.so will open for a library found by hit, or
 * "" when it will find the real file by itself in one of its default
 * directories.
 */
static int ld_alias_for(struct libdeps *ld, const struct ld_run *run,
			const struct elf_info *needer, const char *name,
			const struct ld_hit *hit, char *alias)
{
	const char *real = ld->objs[hit->obj].real;
	bool nodeflib = needer->flags_1 & DF_1_NODEFLIB;
	char p[PATH_MAX], norm[PATH_MAX];
	int r;

	alias[0] = '\0';
	if (hit->via == LD_VIA_PATH)
		return ld_path_normalize(hit->literal, alias);
	for (size_t i = 0; !nodeflib && i < run->image_dirs.n; i++) {
		if (ld_path_fmt(p, "%s/%s", run->image_dirs.v[i], name) < 0 ||
		    ld_path_normalize(p, norm) < 0)
			continue;
		if (strcmp(norm, real) == 0)
			return 0;
	}
	/* The usual soname link, next to the file it names. */
	ld_dirname(real, p);
	if (!nodeflib && ld_strv_has(&run->image_dirs, p))
		return ld_path_fmt(alias, "%s/%s", p, name);
	if (hit->via == LD_VIA_RPATH || hit->via == LD_VIA_RUNPATH ||
	    ld_strv_has(&run->image_dirs, hit->dir))
		return ld_path_normalize(hit->literal, alias);
	/* Found only through ld.so.conf or a directory the image's ld.so
	 * does not search: link it into one it does. ld.so takes $ORIGIN
	 * from the path it opened, so there it would be the link's
	 * directory: say so rather than build an image that may not run. */
	if ((r = ld_path_fmt(p, "%s/%s", run->fallback, name)) < 0 ||
	    (r = ld_path_normalize(p, alias)) < 0)
		return r;
	if ((ld->objs[hit->obj].info.rpath &&
	     strstr(ld->objs[hit->obj].info.rpath, "ORIGIN")) ||
	    (ld->objs[hit->obj].info.runpath &&
	     strstr(ld->objs[hit->obj].info.runpath, "ORIGIN")))
		log_warn("%s: found through ld.so.conf and uses $ORIGIN, "
			 "which in the image is %s's directory",
			 hit->literal, alias);
	return 0;
}

static int ld_report_missing(struct ld_run *run, const char *name,
			     const char *needer)
{
	if (strcmp(needer, run->binary) == 0)
		log_err("%s: library %s not found", run->binary, name);
	else
		log_err("%s: library %s needed by %s not found", run->binary,
			name, needer);
	return ld_run_add_name(run, name, LD_NONE);
}

/*
 * Loads name as a library node q needs (or dlopen()s): 1 when it is
 * loaded (now or already), 0 when not found (nothing reported), r < 0
 * only for hard errors.
 */
static int ld_load_name(struct libdeps *ld, struct ld_run *run, size_t q,
			const char *name)
{
	char alias[PATH_MAX], origin[PATH_MAX];
	size_t obj = run->nodes[q].obj, node;
	struct ld_hit hit;
	size_t found = LD_NONE;
	int r;

	if (ld_run_find_name(ld, run, name, &node))
		return node != LD_NONE;
	if (strchr(name, '/')) {
		char exp[PATH_MAX];
		r = ld_expand(run, &run->nodes[q], name, strlen(name), exp);
		/* Resolved as the kernel would (".." after symlinks); a
		 * relative path is relative to the cwd, "/". */
		if (r == 0 &&
		    (r = ld_try(ld, run, "/", exp + (exp[0] == '/' ? 1 : 0),
				LD_VIA_PATH, &hit)) < 0)
			return r;
		found = r == 1 ? hit.obj : LD_NONE;
	} else {
		if ((r = ld_search(ld, run, q, name, &hit)) < 0)
			return r;
		found = r == 1 ? hit.obj : LD_NONE;
	}
	if (found == LD_NONE)
		return 0;
	if ((r = ld_alias_for(ld, run, &ld->objs[obj].info, name, &hit,
			      alias)) < 0)
		return r;
	/* The same file under another name is the same object (ld.so
	 * compares device and inode), but the image still needs the name
	 * that found it. */
	for (node = 0; node < run->n_nodes; node++)
		if (run->nodes[node].obj == found)
			break;
	if (node < run->n_nodes) {
		if ((r = ld_emit_link(ld, alias, ld->objs[found].real)) < 0)
			return r;
	} else {
		ld_dirname(hit.literal, origin);
		if ((r = ld_run_add_node(run, found, q, ld->objs[found].real,
					 origin)) < 0 ||
		    (r = ld_emit_object(ld, ld->objs[found].real, alias)) < 0)
			return r;
		log_debug("%s: %s => %s", run->binary, name,
			  ld->objs[found].real);
	}
	if ((r = ld_run_add_name(run, name, node)) < 0)
		return r;
	return 1;
}

/* Loads the libraries node q needs; r < 0 only for hard errors. */
static int ld_load_needed(struct libdeps *ld, struct ld_run *run, size_t q,
			  int *missing)
{
	size_t obj = run->nodes[q].obj;
	int r;

	for (size_t k = 0; k < ld->objs[obj].info.n_needed; k++) {
		/* ld->objs may move as objects load: re-read each time. */
		const char *name = ld->objs[obj].info.needed[k];

		if ((r = ld_load_name(ld, run, q, name)) < 0)
			return r;
		if (r == 0) {
			*missing = -ENOENT;
			if ((r = ld_report_missing(run, name,
						   run->nodes[q].shown)) < 0)
				return r;
		}
	}
	return 0;
}

/*
 * The dlopen() rules whose loader this process has, until nothing new
 * loads (a dlopen()ed library may load another's loader). Dependencies
 * of what they add are loaded breadth-first as usual; *next is the first
 * node whose DT_NEEDED list is still to be read.
 */
static int ld_load_dlopened(struct libdeps *ld, struct ld_run *run,
			    size_t *next, int *missing)
{
	size_t before, node, seen;
	int r;

	do {
		before = run->n_nodes;
		for (size_t i = 0; i < ld->n_dl; i++) {
			const struct ld_dlopen *d = &ld->dl[i];

			if (!ld_run_find_name(ld, run, d->loader, &node) ||
			    node == LD_NONE)
				continue;
			/* Loaded, or reported missing, already. */
			if (ld_run_find_name(ld, run, d->name, &seen))
				continue;
			if ((r = ld_load_name(ld, run, node, d->name)) < 0)
				return r;
			if (r == 1)
				continue;
			if (d->required) {
				log_err("%s: library %s not found; %s loads "
					"it with dlopen(): %s",
					run->binary, d->name, d->loader,
					d->why);
				*missing = -ENOENT;
			} else {
				log_debug("%s: optional %s (dlopen()ed by "
					  "%s) not found",
					  run->binary, d->name, d->loader);
			}
			/* Asked once per process either way. */
			if ((r = ld_run_add_name(run, d->name, LD_NONE)) < 0)
				return r;
		}
		for (; *next < run->n_nodes; (*next)++)
			if ((r = ld_load_needed(ld, run, *next, missing)) < 0)
				return r;
	} while (run->n_nodes != before);
	return 0;
}

/*
 * Which default directories the image's ld.so searches, judged by where
 * its interpreter really lives: Debian's multiarch ld.so searches
 * /lib/T, /usr/lib/T, /lib, /usr/lib; a lib64 one /lib64, /usr/lib64.
 */
static int ld_run_image_dirs(struct libdeps *ld, struct ld_run *run,
			     const char *interp_real)
{
	const char *t = ld_triplet(run->want);
	char idir[PATH_MAX] = "", a[PATH_MAX] = "", b[PATH_MAX] = "",
	     real[PATH_MAX];
	int r;

	if (interp_real)
		ld_dirname(interp_real, idir);
	if (t) {
		if ((r = ld_path_fmt(a, "/lib/%s", t)) < 0 ||
		    (r = ld_path_fmt(b, "/usr/lib/%s", t)) < 0)
			return r;
	}
	if (t && (!interp_real || !strcmp(idir, a) || !strcmp(idir, b))) {
		if ((r = ld_strv_push(&run->image_dirs, a)) < 0 ||
		    (r = ld_strv_push(&run->image_dirs, b)) < 0)
			return r;
	} else if (!strcmp(idir, "/lib64") || !strcmp(idir, "/usr/lib64")) {
		if ((r = ld_strv_push(&run->image_dirs, "/lib64")) < 0 ||
		    (r = ld_strv_push(&run->image_dirs, "/usr/lib64")) < 0)
			return r;
	}
	if (ld_strv_has(&run->image_dirs, "/lib64") == false &&
	    ((r = ld_strv_push(&run->image_dirs, "/lib")) < 0 ||
	     (r = ld_strv_push(&run->image_dirs, "/usr/lib")) < 0))
		return r;
	/* The first of them that is a real directory here (with usrmerge,
	 * /usr/lib/T rather than /lib/T). */
	strcpy(run->fallback, run->image_dirs.v[0]);
	for (size_t i = 0; i < run->image_dirs.n; i++) {
		if (ld_resolve(ld, run->image_dirs.v[i], real) == 0 &&
		    strcmp(real, run->image_dirs.v[i]) == 0) {
			strcpy(run->fallback, real);
			break;
		}
	}
	return 0;
}

static int ld_run_interp(struct libdeps *ld, struct ld_run *run,
			 const char *interp, char *interp_real)
{
	char norm[PATH_MAX];
	size_t obj;
	int r;

	if ((r = ld_resolve(ld, interp, interp_real)) < 0)
		return log_err_errno(r, "%s: interpreter %s", run->binary,
				     interp);
	if ((r = ld_load_obj(ld, interp_real, &obj)) < 0) {
		if (r == -ENOEXEC || r == -EBADMSG)
			log_err("%s: interpreter %s is not a valid ELF file",
				run->binary, interp);
		else
			log_err_errno(r, "%s: interpreter %s", run->binary,
				      interp);
		return r;
	}
	if (!ld_obj_matches(run->want, &ld->objs[obj].info)) {
		log_err("%s: interpreter %s is for another ELF class or "
			"machine",
			run->binary, interp);
		return -ENOEXEC;
	}
	/* ld.so is loaded by the kernel, before any DT_NEEDED lookup; it is
	 * known by its PT_INTERP path and its DT_SONAME. */
	ld_dirname(interp_real, norm);
	if ((r = ld_run_add_node(run, obj, LD_NONE, interp, norm)) < 0 ||
	    (r = ld_run_add_name(run, interp, run->n_nodes - 1)) < 0)
		return r;
	if ((r = ld_path_normalize(interp, norm)) < 0)
		return r;
	return ld_emit_object(ld, interp_real, norm);
}

static void ld_run_clear(struct ld_run *run)
{
	free(run->nodes);
	for (size_t i = 0; i < run->n_names; i++)
		free(run->names[i].name);
	free(run->names);
	ld_strv_clear(&run->image_dirs);
}

int libdeps_add_binary(struct libdeps *ld, const char *host_path)
{
	struct ld_run run = {.binary = host_path};
	char real[PATH_MAX], origin[PATH_MAX], interp_real[PATH_MAX];
	size_t n_out0 = ld->n_out, obj, q;
	const char *interp;
	int r, missing = 0;

	if ((r = ld_resolve(ld, host_path, real)) < 0) {
		log_err_errno(r, "%s", host_path);
		goto out;
	}
	if ((r = ld_load_obj(ld, real, &obj)) < 0) {
		if (r == -ENOEXEC)
			log_err("%s: not an ELF executable or shared object",
				host_path);
		else if (r == -EBADMSG)
			log_err("%s: malformed ELF file", host_path);
		else
			log_err_errno(r, "%s", host_path);
		goto out;
	}
	/* Only the numbers: ld->objs moves as objects load. */
	run.machine.elf_class = ld->objs[obj].info.elf_class;
	run.machine.data = ld->objs[obj].info.data;
	run.machine.machine = ld->objs[obj].info.machine;
	run.want = &run.machine;
	/* $ORIGIN of the executable: its real directory (/proc/self/exe). */
	ld_dirname(real, origin);
	if ((r = ld_run_add_node(&run, obj, LD_NONE, host_path, origin)) < 0)
		goto out;
	interp = ld->objs[obj].info.interp;
	if (interp && (r = ld_run_interp(ld, &run, interp, interp_real)) < 0)
		goto out;
	if ((r = ld_run_image_dirs(ld, &run, interp ? interp_real : NULL)) < 0)
		goto out;
	for (q = 0; q < run.n_nodes; q++)
		if ((r = ld_load_needed(ld, &run, q, &missing)) < 0)
			goto out;
	if ((r = ld_load_dlopened(ld, &run, &q, &missing)) < 0)
		goto out;
	r = missing;
out:
	if (r < 0) {
		/* All or nothing: drop what this binary added. */
		while (ld->n_out > n_out0)
			ld_out_clear(&ld->out[--ld->n_out]);
	}
	ld_run_clear(&run);
	return r;
}

int libdeps_add_dlopen(struct libdeps *ld, const char *loader, const char *name,
		       int required, const char *why)
{
	struct ld_dlopen *d;
	int r;

	if (!loader[0] || !name[0])
		return -EINVAL;
	if ((r = ld_grow((void **)&ld->dl, &ld->cap_dl, ld->n_dl,
			 sizeof(*ld->dl))) < 0)
		return r;
	d = &ld->dl[ld->n_dl];
	d->loader = strdup(loader);
	d->name = strdup(name);
	if (!d->loader || !d->name) {
		free(d->loader);
		free(d->name);
		return -ENOMEM;
	}
	d->why = why ? why : "";
	d->required = required;
	ld->n_dl++;
	return 0;
}

int libdeps_new(const char *sysroot, struct libdeps **out)
{
	struct libdeps *ld;
	size_t n;
	int r;

	ld = calloc(1, sizeof(*ld));
	if (!ld)
		return -ENOMEM;
	ld->rootfd = -1;
	if (!sysroot)
		sysroot = "/";
	if ((r = str_copy(ld->root, sizeof(ld->root), sysroot)) < 0)
		goto out;
	n = strlen(ld->root);
	while (n > 0 && ld->root[n - 1] == '/')
		ld->root[--n] = '\0';
	ld->rootfd = open(sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ld->rootfd < 0) {
		r = log_err_errno(-errno, "sysroot %s", sysroot);
		goto out;
	}
	if ((r = ld_conf_read(ld, "/etc/ld.so.conf", 0)) < 0)
		goto out;
	*out = ld;
	ld = NULL;
out:
	libdeps_free(ld);
	return r;
}

size_t libdeps_count(const struct libdeps *ld)
{
	return ld ? ld->n_out : 0;
}

int libdeps_get(const struct libdeps *ld, size_t i, struct libdeps_entry *e)
{
	const struct ld_out *o;

	if (!ld || i >= ld->n_out)
		return -ERANGE;
	o = &ld->out[i];
	/* Every stored string came from a PATH_MAX buffer: they fit. */
	e->is_symlink = o->is_symlink;
	strcpy(e->path, o->path);
	strcpy(e->source, o->source);
	strcpy(e->target, o->target);
	return 0;
}

void libdeps_free(struct libdeps *ld)
{
	if (!ld)
		return;
	if (ld->rootfd >= 0)
		close(ld->rootfd);
	ld_strv_clear(&ld->conf);
	for (size_t i = 0; i < ld->n_objs; i++) {
		free(ld->objs[i].real);
		elf_info_clear(&ld->objs[i].info);
	}
	free(ld->objs);
	for (size_t i = 0; i < ld->n_out; i++)
		ld_out_clear(&ld->out[i]);
	free(ld->out);
	for (size_t i = 0; i < ld->n_dl; i++) {
		free(ld->dl[i].loader);
		free(ld->dl[i].name);
	}
	free(ld->dl);
	free(ld);
}
