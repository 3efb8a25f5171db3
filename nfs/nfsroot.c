/* nfsroot: NFS-root specs from the command line and DHCP, checked, resolved
 * and turned into mount(2)'s arguments. */
#include "nfs/nfsroot.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/strutil.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Path and option bytes: printable ASCII without space (a cmdline word). */
static bool is_word_byte(char c)
{
	return c > ' ' && c < 0x7f;
}

static bool is_name_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* An option's value: what NFS option values use, never ',' or '='. */
static bool is_value_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("._:/@+-", c);
}

/* Does the comma-separated list opts hold an option called name? */
static bool opts_have(const char *opts, const char *name, size_t nlen)
{
	const char *p = opts;

	while (*p) {
		size_t tl = strcspn(p, ",");
		size_t kl = strcspn(p, ",=");
		if (kl > tl)
			kl = tl;
		if (kl == nlen && !memcmp(p, name, nlen))
			return true;
		p += tl;
		if (*p == ',')
			p++;
	}
	return false;
}

struct vers_name {
	const char *text;
	enum nfs_vers vers;
};

/* vers= values the kernel's client takes (v2 is not built by Debian). */
static const struct vers_name VERSIONS[] = {
    {"3", NFS_VERS_3},	 {"4", NFS_VERS_4},   {"4.0", NFS_VERS_4},
    {"4.1", NFS_VERS_4}, {"4.2", NFS_VERS_4},
};

/* Options sesame sets itself: a user's value would contradict it. */
static const char *const OWN_OPTIONS[] = {"addr", "clientaddr", "minorversion"};

/*
 * Adds the options [s, s+len) to *nr. With dhcp, options already given on
 * the command line (nr's) win and are skipped, as is a second vers=.
 */
static int opts_add(struct nfs_root *nr, const char *s, size_t len, bool dhcp,
		    const char *what, char *err, size_t errlen)
{
	size_t i = 0;

	while (i < len) {
		size_t tl = 0, kl, vl;
		const char *t = s + i, *v;
		char name[32];
		while (i + tl < len && s[i + tl] != ',')
			tl++;
		if (tl == 0)
			return fail(err, errlen, "%s: empty option", what);
		for (kl = 0; kl < tl && t[kl] != '='; kl++)
			if (!is_name_byte(t[kl]))
				return fail(err, errlen,
					    "%s: bad character in option "
					    "'%.*s'",
					    what, (int)tl, t);
		if (kl == 0 || kl >= sizeof(name))
			return fail(err, errlen, "%s: bad option '%.*s'", what,
				    (int)tl, t);
		memcpy(name, t, kl);
		name[kl] = '\0';
		v = kl < tl ? t + kl + 1 : NULL;
		vl = v ? tl - kl - 1 : 0;
		if (v && vl == 0)
			return fail(err, errlen, "%s: option %s= has no value",
				    what, name);
		for (size_t j = 0; j < vl; j++)
			if (!is_value_byte(v[j]))
				return fail(err, errlen,
					    "%s: bad character in option "
					    "'%.*s'",
					    what, (int)tl, t);
		i += tl + (i + tl < len); /* the comma */
		if (i == len && s[len - 1] == ',')
			return fail(err, errlen, "%s: empty option", what);

		for (size_t j = 0; j < sizeof(OWN_OPTIONS) / sizeof(*OWN_OPTIONS);
		     j++)
			if (!strcmp(name, OWN_OPTIONS[j]))
				return fail(err, errlen,
					    "%s: %s= is set by sesame (from "
					    "the server and vers=)",
					    what, name);
		if (!strcmp(name, "vers") || !strcmp(name, "nfsvers")) {
			size_t k;
			if (!v)
				return fail(err, errlen, "%s: %s needs a value",
					    what, name);
			for (k = 0; k < sizeof(VERSIONS) / sizeof(*VERSIONS);
			     k++)
				if (strlen(VERSIONS[k].text) == vl &&
				    !memcmp(VERSIONS[k].text, v, vl))
					break;
			if (k == sizeof(VERSIONS) / sizeof(*VERSIONS))
				return fail(err, errlen,
					    "%s: %s=%.*s: not an NFS version "
					    "sesame mounts (3, 4, 4.0, 4.1, "
					    "4.2)",
					    what, name, (int)vl, v);
			if (dhcp && nr->vers_text[0])
				continue;
			/* checked to fit: VERSIONS' texts are short */
			strn_copy(nr->vers_text, sizeof(nr->vers_text), v, vl);
			nr->vers = VERSIONS[k].vers;
			continue;
		}
		if ((!strcmp(name, "ro") || !strcmp(name, "rw")) && !v) {
			if (!dhcp || nr->ro < 0)
				nr->ro = name[1] == 'o';
			continue;
		}
		if (dhcp && opts_have(nr->opts, name, kl))
			continue;
		{
			size_t used = strlen(nr->opts);
			size_t need = used + (used ? 1 : 0) + tl;
			if (need >= sizeof(nr->opts))
				return fail(err, errlen,
					    "%s: options longer than %zu bytes",
					    what, sizeof(nr->opts) - 1);
			if (used)
				nr->opts[used++] = ',';
			memcpy(nr->opts + used, t, tl);
			nr->opts[used + tl] = '\0';
		}
	}
	return 0;
}

/* A server field: an IPv4 address (mount(2) takes addr=, not names). */
static int set_server(struct nfs_root *nr, const char *s, size_t len,
		      const char *what, char *err, size_t errlen)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr a;

	if (len == 0 || len >= sizeof(buf))
		return fail(err, errlen,
			    "%s: server '%.*s' is not an IPv4 address", what,
			    (int)(len > 64 ? 64 : len), s);
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return fail(err, errlen,
			    "%s: server '%s' is not an IPv4 address (the "
			    "initramfs resolves no names)",
			    what, buf);
	if (a.s_addr == htonl(INADDR_ANY) || a.s_addr == htonl(INADDR_BROADCAST))
		return fail(err, errlen, "%s: server %s is not a host", what,
			    buf);
	memcpy(nr->server, buf, len + 1);
	return 0;
}

static int set_path(struct nfs_root *nr, const char *s, size_t len,
		    const char *what, char *err, size_t errlen)
{
	const char *pct;

	if (len == 0 || s[0] != '/')
		return fail(err, errlen, "%s: the path must start with /",
			    what);
	if (len >= sizeof(nr->path))
		return fail(err, errlen, "%s: path longer than %zu bytes", what,
			    sizeof(nr->path) - 1);
	for (size_t i = 0; i < len; i++)
		if (!is_word_byte(s[i]))
			return fail(err, errlen,
				    "%s: control or space character at byte "
				    "%zu of the path",
				    what, i);
	memcpy(nr->path, s, len);
	nr->path[len] = '\0';
	/* Only the first %s is replaced (as dracut and the kernel do). */
	pct = strchr(nr->path, '%');
	if (pct && (pct[1] != 's' || strchr(pct + 2, '%')))
		return fail(err, errlen,
			    "%s: '%%' in the path other than one %%s", what);
	return 0;
}

/*
 * [SERVER:]PATH[SEP OPTS]. colon_opts: dracut's forms, where options follow
 * the path after ':' or ','; otherwise (the kernel's nfsroot=, option 17)
 * only after ','.
 */
static int parse_spec(struct nfs_root *nr, const char *s, bool colon_opts,
		      bool dhcp, const char *what, char *err, size_t errlen)
{
	const char *path = s, *end;
	int r;

	if (s[0] != '/') {
		const char *colon = strchr(s, ':');
		if (!colon)
			return fail(err, errlen,
				    "%s: want [SERVER:]/PATH, got '%.64s'",
				    what, s);
		if ((r = set_server(nr, s, (size_t)(colon - s), what, err,
				    errlen)) < 0)
			return r;
		path = colon + 1;
	}
	end = path + strcspn(path, colon_opts ? ":," : ",");
	if ((r = set_path(nr, path, (size_t)(end - path), what, err, errlen)) <
	    0)
		return r;
	if (*end == '\0')
		return 0;
	if (end[1] == '\0')
		return fail(err, errlen, "%s: empty option list", what);
	return opts_add(nr, end + 1, strlen(end + 1), dhcp, what, err, errlen);
}

static void nfs_root_init(struct nfs_root *nr)
{
	memset(nr, 0, sizeof(*nr));
	nr->ro = -1;
}

/* A bare root=SERVER:/PATH: dracut's NFSv3 form without a prefix. */
static bool is_bare_server_spec(const char *root)
{
	const char *colon = strchr(root, ':');
	size_t n = colon ? (size_t)(colon - root) : 0;

	if (!colon || n == 0 || colon[1] != '/')
		return false;
	if (n == 5 && !memcmp(root, "block", 5)) /* root=block:/dev/... */
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((root[i] >= 'a' && root[i] <= 'z') ||
		      (root[i] >= 'A' && root[i] <= 'Z') ||
		      (root[i] >= '0' && root[i] <= '9') || root[i] == '.' ||
		      root[i] == '-'))
			return false;
	return true;
}

bool nfs_root_wanted(const char *root, const char *nfsroot)
{
	if (!root)
		return nfsroot != NULL;
	return str_startswith(root, "nfs:") || str_startswith(root, "nfs4:") ||
	       !strcmp(root, "/dev/nfs") || !strcmp(root, "dhcp") ||
	       is_bare_server_spec(root);
}

int nfs_root_parse(const char *root, const char *nfsroot, struct nfs_root *out,
		   char *err, size_t errlen)
{
	struct nfs_root nr;
	int r;

	nfs_root_init(&nr);
	if (!nfs_root_wanted(root, nfsroot))
		return fail(err, errlen, "root=%s: not an NFS root",
			    root ? root : "(none)");
	if (root && str_startswith(root, "nfs4:")) {
		nr.vers = NFS_VERS_4;
		r = parse_spec(&nr, root + 5, true, false, "root=nfs4:", err,
			       errlen);
		/* nfs4: with vers=3 contradicts itself */
		if (r == 0 && nr.vers != NFS_VERS_4)
			r = fail(err, errlen,
				 "root=nfs4: with vers=%s: pick one",
				 nr.vers_text);
	} else if (root && str_startswith(root, "nfs:")) {
		r = parse_spec(&nr, root + 4, true, false, "root=nfs:", err,
			       errlen);
	} else if (root && !strcmp(root, "dhcp")) {
		nr.from_dhcp = true;
		r = 0;
	} else if (root && is_bare_server_spec(root)) {
		r = parse_spec(&nr, root, true, false, "root=", err, errlen);
	} else if (!nfsroot || !strcmp(nfsroot, "auto")) {
		/*
		 * root=/dev/nfs alone (or nfsroot=auto): option 17, else the
		 * kernel's default /tftpboot/%s (nfsroot.rst).
		 */
		nr.from_dhcp = true;
		r = 0;
	} else {
		r = parse_spec(&nr, nfsroot, false, false, "nfsroot=", err,
			       errlen);
	}
	if (r < 0)
		return r;
	*out = nr;
	return 0;
}

int nfs_root_parse_dhcp(const char *root_path, struct nfs_root *nr, char *err,
			size_t errlen)
{
	struct nfs_root d, t = *nr;
	const char *s = root_path;
	int r;

	nfs_root_init(&d);
	if (str_startswith(s, "nfs4:")) {
		d.vers = NFS_VERS_4;
		s += 5;
	} else if (str_startswith(s, "nfs:")) {
		s += 4;
	}
	if ((r = parse_spec(&d, s, false, false, "DHCP root path", err,
			    errlen)) < 0)
		return r;
	/* What the command line said wins; DHCP fills in the rest. */
	memcpy(t.path, d.path, sizeof(t.path));
	if (!t.server[0])
		memcpy(t.server, d.server, sizeof(t.server));
	if (t.vers == NFS_VERS_AUTO && !t.vers_text[0]) {
		t.vers = d.vers;
		memcpy(t.vers_text, d.vers_text, sizeof(t.vers_text));
	}
	if (t.ro < 0)
		t.ro = d.ro;
	if (d.opts[0] && (r = opts_add(&t, d.opts, strlen(d.opts), true,
				       "DHCP root path", err, errlen)) < 0)
		return r;
	t.from_dhcp = false;
	*nr = t;
	return 0;
}

int nfs_root_resolve(struct nfs_root *nr, const struct nfs_env *env, char *err,
		     size_t errlen)
{
	struct nfs_root t = *nr;
	char ip[INET_ADDRSTRLEN], path[NFS_PATH_MAX];
	const char *pct;
	int r;

	if (t.from_dhcp) {
		if (env->root_path && env->root_path[0]) {
			if ((r = nfs_root_parse_dhcp(env->root_path, &t, err,
						     errlen)) < 0)
				return r;
		} else if (!t.path[0]) {
			/* the kernel's default when DHCP names no path */
			strcpy(t.path, "/tftpboot/%s");
		}
		t.from_dhcp = false;
	}
	if (!t.server[0]) {
		const struct in_addr *a = env->next_server.s_addr
					      ? &env->next_server
					      : &env->server_id;
		if (!a->s_addr) {
			fail(err, errlen,
			     "no NFS server: none given, and DHCP named "
			     "neither a next-server nor a server id");
			return -ENOENT;
		}
		inet_ntop(AF_INET, a, t.server, sizeof(t.server));
	}
	pct = strstr(t.path, "%s");
	if (pct) {
		const char *by = env->hostname && env->hostname[0]
				     ? env->hostname
				     : NULL;
		int n;
		if (!by) {
			if (!env->client.s_addr) {
				fail(err, errlen,
				     "%s: %%s needs a host name or an address",
				     t.path);
				return -ENOENT;
			}
			by = inet_ntop(AF_INET, &env->client, ip, sizeof(ip));
		}
		for (const char *b = by; *b; b++)
			if (!is_word_byte(*b) || *b == '/')
				return fail(err, errlen,
					    "host name '%.64s' cannot go into "
					    "the path",
					    by);
		n = snprintf(path, sizeof(path), "%.*s%s%s",
			     (int)(pct - t.path), t.path, by, pct + 2);
		if (n < 0 || (size_t)n >= sizeof(path))
			return fail(err, errlen,
				    "path longer than %zu bytes with %%s "
				    "replaced by %.32s...",
				    sizeof(path) - 1, by);
		memcpy(t.path, path, (size_t)n + 1);
	}
	*nr = t;
	return 0;
}

const char *nfs_root_version(const struct nfs_root *nr, unsigned i)
{
	static const char *const v4[] = {"4.2", "4.1", "4"};
	static const char *const any[] = {"4.2", "4.1", "4", "3"};

	if (nr->vers_text[0] && strcmp(nr->vers_text, "4"))
		return i == 0 ? nr->vers_text : NULL;
	if (nr->vers == NFS_VERS_4)
		return i < 3 ? v4[i] : NULL;
	if (nr->vers == NFS_VERS_3)
		return i == 0 ? "3" : NULL;
	return i < 4 ? any[i] : NULL;
}

int nfs_root_mount_args(const struct nfs_root *nr, const char *vers,
			char *src, size_t srclen, const char **fstype,
			char *data, size_t datalen)
{
	bool v3 = !strcmp(vers, "3");
	bool lockopt = opts_have(nr->opts, "lock", 4) ||
		       opts_have(nr->opts, "nolock", 6);
	int n;

	if (!nr->server[0] || nr->from_dhcp || nr->path[0] != '/')
		return -EINVAL;
	n = snprintf(src, srclen, "%s:%s", nr->server, nr->path);
	if (n < 0 || (size_t)n >= srclen)
		return -ENAMETOOLONG;
	n = snprintf(data, datalen, "vers=%s,addr=%s%s%s%s", vers, nr->server,
		     v3 && !lockopt ? ",nolock" : "", nr->opts[0] ? "," : "",
		     nr->opts);
	if (n < 0 || (size_t)n >= datalen)
		return -ENAMETOOLONG;
	*fstype = v3 ? "nfs" : "nfs4";
	return 0;
}
