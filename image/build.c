/* build: what goes into a sesame image, from the defaults and the options. */
#include "image/build.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "image/libdeps.h"
#include "image/modules.h"
#include "keys/authkeys.h"
#include "keys/fingerprint.h"
#include "keys/keys.h"

#define BUILD_CONFIG_MAX (1u << 20)

int build_strv_push(struct build_strv *v, const char *s)
{
	const char **nv = realloc(v->v, (v->n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	nv[v->n++] = s;
	v->v = nv;
	return 0;
}

void build_strv_free(struct build_strv *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

/* The base layout every sesame image has (init's early mounts need these). */
static const struct {
	const char *name;
	unsigned mode;
} build_dirs[] = {
    {"/dev", 0755},	   {"/proc", 0755}, {"/sys", 0755},	{"/run", 0755},
    {"/tmp", 01777},	   {"/root", 0700}, {"/newroot", 0755}, {"/etc", 0755},
    {"/etc/sesame", 0755}, {"/bin", 0755},  {"/sbin", 0755},	{"/lib", 0755},
};

/* Nodes the kernel needs before devtmpfs is mounted (console for init's
 * stdio; kmsg for its log). */
static const struct {
	const char *name;
	unsigned mode, maj, min;
} build_nodes[] = {
    {"/dev/console", 0600, 5, 1},
    {"/dev/null", 0666, 1, 3},
    {"/dev/kmsg", 0600, 1, 11},
};

/*
 * Libraries that something in the image loads with dlopen(), which no
 * DT_NEEDED list shows. libdeps adds each, with its own dependencies, to
 * every binary whose process has the loader. Checked on Debian 12 (glibc
 * 2.36, cryptsetup 2.6, kmod 30, lvm2 2.03, mdadm 4.2, dropbear 2022.83).
 *
 * Left out on purpose:
 *   - libcryptsetup's token plugins (cryptsetup/libcryptsetup-token-*.so,
 *     dlopen()ed for LUKS2 tokens of external types such as systemd-tpm2):
 *     sesame unlocks with a passphrase only and sshd/luks.c calls
 *     crypt_token_external_disable(), so none is ever loaded; they would
 *     bring libsystemd-shared, tpm2-tss and libfido2.
 *   - OpenSSL's providers and engines (libcrypto, for libcryptsetup and
 *     libkmod): the default provider is built into libcrypto; the legacy
 *     one, which libcryptsetup tries to load, is only for ripemd160 and
 *     whirlpool, i.e. old LUKS1 headers that name those hashes.
 *   - mdadm's libdlm and corosync (cluster md only), libselinux's
 *     (SELinux is off in an initramfs), gconv modules (nothing in the
 *     image converts character sets).
 */
static const struct {
	const char *loader, *name;
	int required;
	const char *why;
} build_dlopened[] = {
    {"libc.so.6", "libgcc_s.so.1", 1,
     "glibc unwinds a thread that exits or is cancelled (pthread_exit, "
     "pthread_cancel) with libgcc_s; libcryptsetup computes an Argon2 "
     "keyslot (the LUKS2 default) in threads, and without libgcc_s the "
     "process aborts when the first one ends"},
    {"libc.so.6", "libnss_files.so.2", 0,
     "getpwnam() and getgrnam() (dropbear logging root in, mdadm.conf's "
     "CREATE owner=) read /etc/passwd through the files NSS module, which "
     "glibc before 2.34 loads with dlopen (2.34 and later have it in libc "
     "and ship an empty stub)"},
    /* kmod 30 (Debian 12) links these; kmod 33 and later dlopen() them
     * when a module file is compressed that way. */
    {"libkmod.so.2", "libzstd.so.1", 0, "zstd-compressed modules"},
    {"libkmod.so.2", "liblzma.so.5", 0, "xz-compressed modules"},
    {"libkmod.so.2", "libz.so.1", 0, "gzip-compressed modules"},
};

/* Finds a boot-side program (sesame-init, unlock): beside this program
 * first (a build tree or an install), then the configured libexec
 * directory. */
/* prog in the directory of file ("." without one): 0 when executable. */
static int build_prog_beside(const char *file, const char *prog, char *out,
			     size_t size)
{
	const char *slash = strrchr(file, '/');
	int dir = slash ? (int)(slash - file) : 1;

	if (snprintf(out, size, "%.*s/%s", dir, slash ? file : ".", prog) >=
	    (int)size)
		return -ENAMETOOLONG;
	return access(out, X_OK) == 0 ? 0 : -ENOENT;
}

static int build_find_prog(const char *prog, char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		if (strchr(self, '/') &&
		    build_prog_beside(self, prog, out, size) == 0)
			return 0;
	}
	if (snprintf(out, size, "%s/%s", SESAME_LIBEXECDIR, prog) >= (int)size)
		return -ENAMETOOLONG;
	if (access(out, X_OK) < 0)
		return -ENOENT;
	return 0;
}

/* A boot-side program: the option's PATH when given, else found as
 * build_find_prog() does; the error names what and how to give it. */
static int build_prog_path(const char *given, const char *prog, const char *opt,
			   char *out, size_t size)
{
	int r;

	if (given) {
		if ((r = str_copy(out, size, given)) < 0)
			log_err("%s %s: path too long", opt, given);
		return r;
	}
	if ((r = build_find_prog(prog, out, size)) < 0)
		log_err("%s not found beside this program nor in %s (build it, "
			"or give %s PATH)",
			prog, SESAME_LIBEXECDIR, opt);
	return r;
}

/* Adds a binary (mode 0755) and queues it for library resolution. */
static int build_add_binary(struct image_list *l, struct libdeps *ld,
			    const char *src, const char *dest)
{
	char abs[PATH_MAX], cwd[PATH_MAX];
	struct stat st;
	int r;

	/* libdeps takes absolute paths ($ORIGIN is relative to them). */
	if (src[0] != '/') {
		if (!getcwd(cwd, sizeof(cwd)))
			return log_err_errno(-errno, "getcwd");
		if (snprintf(abs, sizeof(abs), "%s/%s", cwd, src) >=
		    (int)sizeof(abs))
			return log_err_errno(-ENAMETOOLONG, "%s", src);
		src = abs;
	}

	if (stat(src, &st) < 0)
		return log_err_errno(-errno, "%s", src);
	if (!S_ISREG(st.st_mode)) {
		log_err("%s: not a regular file", src);
		return -EINVAL;
	}
	if ((r = libdeps_add_binary(ld, src)) < 0)
		return r; /* libdeps names the file */
	if ((r = list_add_file(l, dest, src, 0755)) < 0)
		return log_err_errno(r, "%s: bad destination '%s'", src, dest);
	return 0;
}

/*
 * The processes /init starts: sesame-probe (libblkid, reading every
 * disk), sesame-modprobe as /sbin/modprobe (libkmod; the kernel's
 * request_module() runs it too) and sesame-unlockd (LUKS unlocking; it alone
 * links libcryptsetup), each found like sesame-init (--unlockd PATH for the
 * latter). With --init PATH they are taken from beside PATH (a build
 * tree); a custom /init without them brings its own unlocking.
 */
static int build_add_helpers(const struct build_opts *o, struct image_list *l,
			     struct libdeps *ld)
{
	const struct {
		const char *prog, *given, *opt, *dest;
	} helpers[] = {
	    {"sesame-probe", NULL, "--init", "/sbin/sesame-probe"},
	    {"sesame-modprobe", NULL, "--init", "/sbin/modprobe"},
	    {"sesame-unlockd", o->unlockd, "--unlockd", "/sbin/sesame-unlockd"},
	};
	char path[PATH_MAX];
	int r;

	for (size_t i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		if (o->init && !helpers[i].given) {
			/* beside the given init (a build tree), or none */
			if (build_prog_beside(o->init, helpers[i].prog, path,
					      sizeof(path)) < 0) {
				log_info("no %s beside --init %s: not added",
					 helpers[i].prog, o->init);
				continue;
			}
		} else if ((r = build_prog_path(helpers[i].given,
						helpers[i].prog, helpers[i].opt,
						path, sizeof(path))) < 0) {
			return r;
		}
		if (access(path, X_OK) < 0)
			return log_err_errno(-errno, "%s program %s",
					     helpers[i].prog, path);
		if ((r = build_add_binary(l, ld, path, helpers[i].dest)) < 0)
			return r;
	}
	return 0;
}

/* Optional host tools: missing is a warning, a broken one an error. */
static int build_add_optional(struct image_list *l, struct libdeps *ld,
			      const char *src, const char *dest,
			      const char *why)
{
	if (access(src, F_OK) < 0) {
		log_warn("%s not found; the image has no %s", src, why);
		return 1;
	}
	return build_add_binary(l, ld, src, dest);
}

static int build_add_base(const struct build_opts *o, struct image_list *l,
			  struct libdeps *ld)
{
	char init[PATH_MAX];
	int r;

	for (size_t i = 0; i < sizeof(build_dirs) / sizeof(build_dirs[0]); i++)
		if ((r = list_add_dir(l, build_dirs[i].name,
				      build_dirs[i].mode)) < 0)
			return r;
	for (size_t i = 0; i < sizeof(build_nodes) / sizeof(build_nodes[0]);
	     i++)
		if ((r = list_add_nod(
			 l, build_nodes[i].name, build_nodes[i].mode, 'c',
			 build_nodes[i].maj, build_nodes[i].min)) < 0)
			return r;
	if (o->init) {
		if ((r = str_copy(init, sizeof(init), o->init)) < 0)
			return log_err_errno(r, "--init");
	} else if ((r = build_find_prog("sesame-init", init, sizeof(init))) <
		   0) {
		log_err("sesame-init not found beside this program nor in %s "
			"(build it, or give --init PATH, or --no-init with a "
			"list that provides /init)",
			SESAME_LIBEXECDIR);
		return r;
	}
	if (access(init, F_OK) < 0)
		return log_err_errno(-errno, "/init program %s", init);
	if ((r = build_add_binary(l, ld, init, "/init")) < 0)
		return r;
	/* init is multi-call: NFS mounts run in an nfs-mount child
	 * (init/boot_nfs.c). */
	if ((r = list_add_slink(l, "/sbin/nfs-mount", "/init")) < 0)
		return r;
	if ((r = build_add_helpers(o, l, ld)) < 0)
		return r;

	r = build_add_optional(l, ld, o->e2fsck ? o->e2fsck : "/sbin/e2fsck",
			       "/sbin/e2fsck", "fsck for ext2/3/4");
	if (r < 0)
		return r;
	if (r == 0) {
		static const char *const fsck[] = {
		    "/sbin/fsck.ext2", "/sbin/fsck.ext3", "/sbin/fsck.ext4"};
		for (size_t i = 0; i < 3; i++)
			if ((r = list_add_slink(l, fsck[i], "e2fsck")) < 0)
				return r;
	}
	r = build_add_optional(l, ld, o->busybox ? o->busybox : "/bin/busybox",
			       "/bin/busybox",
			       "rescue shell (install busybox-static)");
	if (r < 0)
		return r;
	if (r == 0 && (r = list_add_slink(l, "/bin/sh", "busybox")) < 0)
		return r;
	return 0;
}

/* A boot config word must survive kernel-cmdline-style splitting. */
static int build_set_line(const char *set, char *line, size_t size)
{
	const char *eq = strchr(set, '=');
	const char *v;

	if (!eq || eq == set)
		return -EINVAL;
	for (const char *p = set; p < eq; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '#' ||
		    *p == 0x7f)
			return -EINVAL;
	v = eq + 1;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p < ' ' || *p == '"' || *p == 0x7f)
			return -EINVAL;
	if (strpbrk(v, " \t"))
		return snprintf(line, size, "%.*s=\"%s\"\n", (int)(eq - set),
				set, v) < (int)size
			   ? 0
			   : -ENAMETOOLONG;
	return snprintf(line, size, "%s\n", set) < (int)size ? 0
							     : -ENAMETOOLONG;
}

int build_boot_config(const struct build_opts *o, char **textp, size_t *lenp)
{
	char *text = NULL, *cfg = NULL;
	size_t len = 0, cfglen = 0;
	int r = 0;

	*textp = NULL;
	*lenp = 0;
	if (!o->config && o->sets.n == 0)
		return 0;
	if (o->config &&
	    (r = file_read_all(o->config, BUILD_CONFIG_MAX, &cfg, &cfglen)) < 0)
		return log_err_errno(r, "--config %s", o->config);
	if (cfg && memchr(cfg, '\0', cfglen)) {
		log_err("--config %s: contains a NUL byte", o->config);
		r = -EINVAL;
		goto out;
	}
	text = malloc(cfglen + 2 + o->sets.n * 4200);
	if (!text) {
		r = -ENOMEM;
		goto out;
	}
	if (cfglen) {
		memcpy(text, cfg, cfglen);
		len = cfglen;
		if (text[len - 1] != '\n')
			text[len++] = '\n';
	}
	for (size_t i = 0; i < o->sets.n; i++) {
		char line[4200];
		if ((r = build_set_line(o->sets.v[i], line, sizeof(line))) <
		    0) {
			log_err("--set '%.200s': expected NAME=VALUE (no "
				"spaces or quotes in NAME, no quotes or "
				"control characters in VALUE)",
				o->sets.v[i]);
			goto out;
		}
		memcpy(text + len, line, strlen(line));
		len += strlen(line);
	}
	*textp = text;
	*lenp = len;
	text = NULL;
out:
	free(text);
	free(cfg);
	return r;
}

/* Splits "A:B[:C]" at the first colons into at most 3 parts (in place). */
static int build_split(char *s, char **parts, int max)
{
	int n = 1;

	parts[0] = s;
	for (char *p = s; *p && n < max; p++)
		if (*p == ':') {
			*p = '\0';
			parts[n++] = p + 1;
		}
	return n;
}

static int build_add_user_binaries(const struct build_opts *o,
				   struct image_list *l, struct libdeps *ld)
{
	char buf[2 * PATH_MAX];
	char *parts[2];
	int r;

	for (size_t i = 0; i < o->binaries.n; i++) {
		if ((r = str_copy(buf, sizeof(buf), o->binaries.v[i])) < 0)
			return log_err_errno(r, "-b %.100s", o->binaries.v[i]);
		int n = build_split(buf, parts, 2);
		if (!*parts[0] || (n == 2 && !*parts[1])) {
			log_err("-b '%s': expected PATH[:DEST]",
				o->binaries.v[i]);
			return -EINVAL;
		}
		if ((r = build_add_binary(l, ld, parts[0],
					  n == 2 ? parts[1] : parts[0])) < 0)
			return r;
	}
	return 0;
}

static int build_add_user_files(const struct build_opts *o,
				struct image_list *l)
{
	char buf[2 * PATH_MAX];
	char *parts[3];
	struct stat st;
	uint64_t mode;
	int r, n;

	for (size_t i = 0; i < o->files.n; i++) {
		const char *arg = o->files.v[i];
		if ((r = str_copy(buf, sizeof(buf), arg)) < 0)
			return log_err_errno(r, "-f %.100s", arg);
		n = build_split(buf, parts, 3);
		if (n < 2 || !*parts[0] || !*parts[1] ||
		    (n == 3 && str_to_u64(parts[2], 8, 07777, &mode) < 0)) {
			log_err("-f '%s': expected SRC:DEST[:MODE] (MODE in "
				"octal)",
				arg);
			return -EINVAL;
		}
		if (stat(parts[0], &st) < 0)
			return log_err_errno(-errno, "-f %s", parts[0]);
		if (!S_ISREG(st.st_mode)) {
			log_err("-f %s: not a regular file", parts[0]);
			return -EINVAL;
		}
		if (n < 3)
			mode = st.st_mode & 07777;
		if ((r = list_add_file(l, parts[1], parts[0], (unsigned)mode)) <
		    0)
			return log_err_errno(r, "-f '%s': bad destination",
					     arg);
	}
	return 0;
}

static int build_add_libs(struct image_list *l, const struct libdeps *ld)
{
	struct libdeps_entry *e = malloc(sizeof(*e));
	size_t n = libdeps_count(ld);
	int r = 0;

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if ((r = libdeps_get(ld, i, e)) < 0)
			break;
		if (e->is_symlink)
			r = list_add_slink(l, e->path, e->target);
		else
			r = list_add_file(l, e->path, e->source, 0755);
		if (r < 0) {
			log_err_errno(r, "library %s", e->path);
			break;
		}
	}
	free(e);
	return r;
}

/*
 * What the unlock path needs from the kernel where it is modular: the
 * device-mapper target, the LUKS ciphers (aes-xts; AES-NI where the CPU
 * has it), and AF_ALG, through which libcryptsetup decrypts LUKS key
 * slots. Best effort like the generic set: names the kernel lacks (or has
 * built in) are skipped.
 */
static const char *const build_unlock_modules[] = {
    "dm_mod", "dm_crypt",	"xts",	       "ecb", "cbc", "essiv",
    "af_alg", "algif_skcipher", "aesni_intel", NULL,
};

static int build_add_modules(const struct build_opts *o, struct image_list *l,
			     int ssh)
{
	struct modules_req req = {0};
	struct utsname u;
	char dir[PATH_MAX];
	const char **gen = NULL;
	size_t ngen = 0, cap = 0, navail = 0;
	int r;

	if (o->no_modules)
		return 0;
	req.kver = o->kver;
	if (!req.kver) {
		if (uname(&u) < 0)
			return log_err_errno(-errno, "uname");
		req.kver = u.release;
	}
	if (snprintf(dir, sizeof(dir), "%s/%s",
		     o->moddir ? o->moddir : "/lib/modules",
		     req.kver) >= (int)sizeof(dir))
		return log_err_errno(-ENAMETOOLONG, "--moddir");
	req.dir = dir;
	req.fwdir = o->fwdir ? o->fwdir : "/lib/firmware";
	req.names = o->modules.v;
	req.n_names = o->modules.n;
	/*
	 * The generic set is only made available: the devices present load
	 * their drivers by MODALIAS and the kernel asks for file systems, so
	 * a box loads what it has, not ~95 modules (raid6's benchmark among
	 * them). The unlock and storage modules are loaded at boot.
	 */
	if (!o->no_generic_modules) {
		while (modules_generic_set[navail])
			navail++;
		req.avail = modules_generic_set;
		req.n_avail = navail;
	}
	cap += sizeof(build_unlock_modules) / sizeof(build_unlock_modules[0]);
	cap += STORAGE_MODULES_MAX;
	if (!(gen = calloc(cap, sizeof(*gen))))
		return -ENOMEM;
	for (size_t i = 0; ssh && build_unlock_modules[i]; i++)
		gen[ngen++] = build_unlock_modules[i];
	ngen += storage_build_modules(&o->storage, gen + ngen);
	req.generic = gen;
	req.n_generic = ngen;
	req.omit = o->omit_modules.v;
	req.n_omit = o->omit_modules.n;
	r = modules_add(l, &req);
	free(gen);
	return r;
}

/* The image's account database: root, whose shell is busybox's sh. */
static const struct {
	const char *name, *text;
} build_ssh_etc[] = {
    {"/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"},
    {"/etc/group", "root:x:0:\n"},
    {"/etc/shells", "/bin/sh\n"},
};

/*
 * The authorized_keys file to use: *pathp, or NULL when there is none
 * (no --authorized-keys and no default file, or --no-ssh).
 */
static int build_ssh_keys_path(const struct build_opts *o, const char **pathp)
{
	*pathp = NULL;
	if (o->no_ssh)
		return 0;
	if (o->authorized_keys) {
		*pathp = o->authorized_keys;
		return 0;
	}
	if (o->no_init) /* a list of the user's own: only when asked */
		return 0;
	if (access(AUTHKEYS_DEFAULT_PATH, F_OK) == 0) {
		*pathp = AUTHKEYS_DEFAULT_PATH;
		return 0;
	}
	if (errno != ENOENT)
		return log_err_errno(-errno, "%s", AUTHKEYS_DEFAULT_PATH);
	return 0;
}

/*
 * SSH unlock: the admin's keys rendered with their roles, the image's own
 * host keys (made when missing), dropbear, the unlock program and what
 * dropbear needs to log root in.
 */
static int build_add_ssh(const struct build_opts *o, const char *akpath,
			 struct image_list *l, struct libdeps *ld)
{
	const char *dir = o->keydir ? o->keydir : keys_default_dir();
	struct authkeys_config cfg = {.unlock_no_pty = o->unlock_no_pty};
	struct authkeys *ak = NULL;
	char *ak_text = NULL, *pub = NULL, *fp = NULL;
	size_t ak_len, pub_len, fp_len;
	char path[PATH_MAX], name[PATH_MAX], unlock[PATH_MAX];
	bool created = false;
	int r;

	if ((r = authkeys_parse_file(akpath, &cfg, &ak)) < 0) {
		/* The parser named every bad line as FILE:LINE. */
		if (r == -EBADMSG)
			log_err("%s: refused lines (above): no image", akpath);
		else
			log_err_errno(r, "--authorized-keys %s", akpath);
		goto out;
	}
	if ((r = keys_ensure(dir, &created)) < 0) {
		log_err_errno(r, "host keys in %s", dir);
		goto out;
	}
	if (created)
		log_info("made new SSH host keys in %s (the image's own; "
			 "`sesame keys show` prints them for known_hosts)",
			 dir);
	if ((r = keys_read_public(dir, &pub, &pub_len)) < 0) {
		log_err_errno(r, "host keys in %s", dir);
		goto out;
	}
	/* The image is readable on the unencrypted /boot: the system's own
	 * key in it lets anyone who reads it pose as this server. */
	if ((r = keys_check_distinct(pub, pub_len, o->system_root)) ==
	    -EEXIST) {
		if (!o->allow_system_host_key) {
			log_err("a host key in %s is the system's own (above): "
				"the image would give it away; make dedicated "
				"ones with `sesame keys init --force`, or give "
				"--allow-system-host-key",
				dir);
			goto out;
		}
		log_warn("**************************************************");
		log_warn("--allow-system-host-key: the image holds the "
			 "system's own SSH host key (above). Anyone who can "
			 "read the image (the unencrypted /boot) can pose as "
			 "this server to you and your users.");
		log_warn("**************************************************");
		r = 0;
	} else if (r < 0) {
		log_err_errno(r,
			      "comparing the host keys in %s with the "
			      "system's",
			      dir);
		goto out;
	}
	if ((r = list_add_dir(l, KEYS_IMAGE_DIR, 0700)) < 0)
		goto out;
	for (size_t i = 0; i < KEYS_COUNT; i++) {
		const char *f = keys_host_key_file(i);
		if (snprintf(path, sizeof(path), "%s/%s", dir, f) >=
			(int)sizeof(path) ||
		    snprintf(name, sizeof(name), "%s/%s", KEYS_IMAGE_DIR, f) >=
			(int)sizeof(name)) {
			r = log_err_errno(-ENAMETOOLONG, "%s", dir);
			goto out;
		}
		if ((r = list_add_file(l, name, path, 0600)) < 0)
			goto out;
	}
	if ((r = list_add_data(l, KEYS_PUBLIC_IMAGE_PATH, pub, pub_len, 0644)) <
	    0)
		goto out;
	/* Hashed here, so /init only prints them (and links no mbedtls). */
	if ((r = keys_render_fingerprints(pub, pub_len, &fp, &fp_len)) < 0) {
		log_err_errno(r, "fingerprints of the host keys in %s", dir);
		goto out;
	}
	if ((r = list_add_data(l, KEYS_FINGERPRINTS_IMAGE_PATH, fp, fp_len,
			       0644)) < 0)
		goto out;
	if ((r = authkeys_render(ak, &ak_text, &ak_len)) < 0) {
		log_err_errno(r, "%s", akpath);
		goto out;
	}
	if ((r = list_add_dir(l, "/root", 0700)) < 0 ||
	    (r = list_add_dir(l, "/root/.ssh", 0700)) < 0 ||
	    (r = list_add_data(l, AUTHKEYS_IMAGE_PATH, ak_text, ak_len, 0600)) <
		0)
		goto out;
	for (size_t i = 0; i < sizeof(build_ssh_etc) / sizeof(build_ssh_etc[0]);
	     i++)
		if ((r = list_add_data(
			 l, build_ssh_etc[i].name, build_ssh_etc[i].text,
			 strlen(build_ssh_etc[i].text), 0644)) < 0)
			goto out;
	if ((r = build_add_binary(
		 l, ld, o->dropbear ? o->dropbear : "/usr/sbin/dropbear",
		 "/usr/sbin/dropbear")) < 0) {
		log_err("dropbear is needed for SSH unlock (install "
			"dropbear-bin, or give --no-ssh)");
		goto out;
	}
	if ((r = build_prog_path(o->unlock, "unlock", "--unlock", unlock,
				 sizeof(unlock))) < 0)
		goto out;
	if ((r = build_add_binary(l, ld, unlock, AUTHKEYS_UNLOCK_COMMAND)) < 0)
		goto out;
	/* The rescue shell's view of the boot (unlock --status, --resume). */
	if ((r = list_add_slink(l, "/bin/sesame-status", "unlock")) < 0)
		goto out;
	log_info("SSH unlock: %zu unlock key(s), %zu rescue key(s) from %s",
		 authkeys_count_role(ak, AUTHKEYS_ROLE_UNLOCK),
		 authkeys_count_role(ak, AUTHKEYS_ROLE_RESCUE), akpath);
out:
	authkeys_free(ak);
	free(ak_text);
	if (pub)
		explicit_bzero(pub, pub_len);
	free(pub);
	free(fp);
	return r;
}

int build_assemble(const struct build_opts *o, struct image_list *l)
{
	struct libdeps *ld = NULL;
	const char *akpath = NULL;
	char *conf = NULL;
	size_t conflen;
	int r;

	if ((r = libdeps_new(o->sysroot, &ld)) < 0) {
		log_err_errno(r, "library resolver");
		goto out;
	}
	for (size_t i = 0;
	     i < sizeof(build_dlopened) / sizeof(build_dlopened[0]); i++)
		if ((r = libdeps_add_dlopen(ld, build_dlopened[i].loader,
					    build_dlopened[i].name,
					    build_dlopened[i].required,
					    build_dlopened[i].why)) < 0)
			goto out;
	if (!o->no_init && (r = build_add_base(o, l, ld)) < 0)
		goto out;
	if ((r = build_boot_config(o, &conf, &conflen)) < 0)
		goto out;
	if (conf && (r = list_add_data(l, "/etc/sesame/boot.conf", conf,
				       conflen, 0644)) < 0)
		goto out;
	if ((r = build_ssh_keys_path(o, &akpath)) < 0)
		goto out;
	if (!akpath && !o->no_init && !o->no_ssh)
		log_warn("no authorized keys: the image cannot be reached over "
			 "SSH (give --authorized-keys FILE, or write %s)",
			 AUTHKEYS_DEFAULT_PATH);
	if ((r = build_add_modules(o, l, akpath != NULL)) < 0)
		goto out;
	if (akpath && (r = build_add_ssh(o, akpath, l, ld)) < 0)
		goto out;
	if ((r = storage_build_add(&o->storage, l, ld)) < 0)
		goto out;
	if ((r = build_add_user_binaries(o, l, ld)) < 0)
		goto out;
	if ((r = build_add_libs(l, ld)) < 0)
		goto out;
	if ((r = build_add_user_files(o, l)) < 0)
		goto out;
	/* The user's lists come last: their entries win. */
	for (size_t i = 0; i < o->add_lists.n; i++)
		if ((r = list_parse_file(l, o->add_lists.v[i])) < 0)
			goto out;
	r = list_finish(l);
out:
	libdeps_free(ld);
	free(conf);
	return r;
}
