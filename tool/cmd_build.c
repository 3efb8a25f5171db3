/* cmd_build: `sesame build`: options in; an image, list or tree out. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/strutil.h"
#include "image/build.h"
#include "image/cpio.h"
#include "tool/commands.h"

enum {
	OPT_LIST = 0x100,
	OPT_DIR,
	OPT_MODDIR,
	OPT_NO_MODULES,
	OPT_NO_GENERIC,
	OPT_OMIT,
	OPT_CONFIG,
	OPT_SET,
	OPT_NO_INIT,
	OPT_INIT,
	OPT_FWDIR,
	OPT_AUTHKEYS,
	OPT_KEYDIR,
	OPT_NO_SSH,
	OPT_DROPBEAR,
	OPT_UNLOCK,
	OPT_UNLOCKD,
	OPT_UNLOCK_NO_PTY,
	OPT_ALLOW_SYSTEM_HOST_KEY,
	OPT_HOSTONLY,
	OPT_NO_STORAGE,
	OPT_MDADM_CONF,
	OPT_STRICT,
	OPT_HELP,
};

static const struct option build_longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"list", no_argument, NULL, OPT_LIST},
    {"dir", required_argument, NULL, OPT_DIR},
    {"add-list", required_argument, NULL, 'a'},
    {"binary", required_argument, NULL, 'b'},
    {"file", required_argument, NULL, 'f'},
    {"compress", required_argument, NULL, 'c'},
    {"kver", required_argument, NULL, 'k'},
    {"moddir", required_argument, NULL, OPT_MODDIR},
    {"firmware-dir", required_argument, NULL, OPT_FWDIR},
    {"no-modules", no_argument, NULL, OPT_NO_MODULES},
    {"module", required_argument, NULL, 'm'},
    {"no-generic-modules", no_argument, NULL, OPT_NO_GENERIC},
    {"omit-module", required_argument, NULL, OPT_OMIT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"set", required_argument, NULL, OPT_SET},
    {"no-init", no_argument, NULL, OPT_NO_INIT},
    {"init", required_argument, NULL, OPT_INIT},
    {"authorized-keys", required_argument, NULL, OPT_AUTHKEYS},
    {"keydir", required_argument, NULL, OPT_KEYDIR},
    {"no-ssh", no_argument, NULL, OPT_NO_SSH},
    {"dropbear", required_argument, NULL, OPT_DROPBEAR},
    {"unlock", required_argument, NULL, OPT_UNLOCK},
    {"unlockd", required_argument, NULL, OPT_UNLOCKD},
    {"unlock-no-pty", no_argument, NULL, OPT_UNLOCK_NO_PTY},
    {"allow-system-host-key", no_argument, NULL, OPT_ALLOW_SYSTEM_HOST_KEY},
    {"hostonly", no_argument, NULL, OPT_HOSTONLY},
    {"no-storage", no_argument, NULL, OPT_NO_STORAGE},
    {"mdadm-conf", required_argument, NULL, OPT_MDADM_CONF},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void build_usage(FILE *f)
{
	fprintf(f,
		"usage: sesame build -o OUT [options]\n"
		"       sesame build --list [options]\n"
		"       sesame build --dir DIR [options]\n\n"
		"  -o, --output FILE          the image (mode 0600)\n"
		"      --list                 print the gen_init_cpio list\n"
		"      --dir DIR              write a staging tree "
		"(CONFIG_INITRAMFS_SOURCE)\n"
		"  -a, --add-list FILE        add a gen_init_cpio list "
		"(repeatable)\n"
		"  -b, --binary PATH[:DEST]   add an ELF binary and its "
		"libraries\n"
		"  -f, --file SRC:DEST[:MODE] add a file\n"
		"  -c, --compress ALG         zstd (default), gzip, xz, lz4, "
		"none\n"
		"  -k, --kver VER             kernel version (default: "
		"running)\n"
		"      --moddir DIR           default /lib/modules\n"
		"      --firmware-dir DIR     default /lib/firmware\n"
		"      --no-modules           no kernel modules at all\n"
		"  -m, --module NAME          add a module (repeatable)\n"
		"      --no-generic-modules   leave out the generic set\n"
		"      --omit-module NAME     drop from the generic set "
		"(repeatable)\n"
		"      --config FILE          boot config, as "
		"/etc/sesame/boot.conf\n"
		"      --set NAME=VALUE       append to the boot config "
		"(repeatable)\n"
		"      --no-init              no /init or helpers (the lists "
		"give /init)\n"
		"      --init PATH            the program to use as /init\n"
		"      --authorized-keys FILE SSH keys allowed in (default "
		"/etc/sesame/authorized_keys)\n"
		"      --keydir DIR           the image's host keys (default "
		"/etc/sesame/keys; made if missing)\n"
		"      --no-ssh               no SSH even if the default keys "
		"file exists\n"
		"      --dropbear PATH        default /usr/sbin/dropbear\n"
		"      --unlock PATH          the unlock program (default: "
		"beside sesame)\n"
		"      --unlockd PATH         the unlock process (default: "
		"sesame-unlockd beside sesame)\n"
		"      --unlock-no-pty        no-pty on unlock keys (then "
		"`ssh -t` cannot unlock)\n"
		"      --allow-system-host-key  build even when a host key is "
		"the system's own\n"
		"      --hostonly             mdadm/lvm only if / or /usr "
		"sits on md or LVM\n"
		"      --no-storage           no mdadm, lvm or their modules\n"
		"      --mdadm-conf FILE|none default /etc/mdadm/mdadm.conf if "
		"present\n"
		"      --strict               no image when `sesame audit` "
		"finds a warning\n"
		"  -q, --quiet                no progress or summary\n"
		"  -v, --verbose              debug messages\n"
		"See sesame-build(1).\n");
}

int (*build_audit_hook)(const struct image_list *l, const char *output,
			int strict);

/* SOURCE_DATE_EPOCH (reproducible-builds.org) or 0. */
static int build_mtime(time_t *t)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	uint64_t v;

	*t = 0;
	if (!s || !*s)
		return 0;
	if (str_to_u64(s, 10, UINT32_MAX, &v) < 0) {
		log_err("SOURCE_DATE_EPOCH='%s': not a number of seconds", s);
		return -EINVAL;
	}
	*t = (time_t)v;
	return 0;
}

static double build_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void build_progress(size_t done, size_t total, void *arg)
{
	(void)arg;
	if (done % 64 == 0 || done == total)
		fprintf(stderr, "\rsesame: writing %zu/%zu entries", done,
			total);
	if (done == total)
		fputs("\r\033[K", stderr);
}

static void build_fmt_size(uint64_t n, char *buf, size_t size)
{
	if (n >= 1u << 20)
		snprintf(buf, size, "%.1f MiB", (double)n / (1 << 20));
	else
		snprintf(buf, size, "%.1f KiB", (double)n / 1024);
}

struct build_cli {
	struct build_opts o;
	const char *output, *dir;
	int list, quiet, verbose, strict;
	enum cpio_compress compress;
};

static int build_parse_args(int argc, char **argv, struct build_cli *c)
{
	struct build_opts *o = &c->o;
	int opt, r = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:a:b:f:c:k:m:qv",
				  build_longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			c->output = optarg;
			break;
		case OPT_LIST:
			c->list = 1;
			break;
		case OPT_DIR:
			c->dir = optarg;
			break;
		case 'a':
			r = build_strv_push(&o->add_lists, optarg);
			break;
		case 'b':
			r = build_strv_push(&o->binaries, optarg);
			break;
		case 'f':
			r = build_strv_push(&o->files, optarg);
			break;
		case 'c':
			if (cpio_parse_compress(optarg, &c->compress) < 0) {
				log_err("--compress %s: one of zstd, gzip, "
					"xz, lz4, none",
					optarg);
				return -EINVAL;
			}
			break;
		case 'k':
			o->kver = optarg;
			break;
		case OPT_MODDIR:
			o->moddir = optarg;
			break;
		case OPT_FWDIR:
			o->fwdir = optarg;
			break;
		case OPT_NO_MODULES:
			o->no_modules = 1;
			break;
		case 'm':
			r = build_strv_push(&o->modules, optarg);
			break;
		case OPT_NO_GENERIC:
			o->no_generic_modules = 1;
			break;
		case OPT_OMIT:
			r = build_strv_push(&o->omit_modules, optarg);
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_SET:
			r = build_strv_push(&o->sets, optarg);
			break;
		case OPT_NO_INIT:
			o->no_init = 1;
			break;
		case OPT_INIT:
			o->init = optarg;
			break;
		case OPT_AUTHKEYS:
			o->authorized_keys = optarg;
			break;
		case OPT_KEYDIR:
			o->keydir = optarg;
			break;
		case OPT_NO_SSH:
			o->no_ssh = 1;
			break;
		case OPT_DROPBEAR:
			o->dropbear = optarg;
			break;
		case OPT_UNLOCK:
			o->unlock = optarg;
			break;
		case OPT_UNLOCKD:
			o->unlockd = optarg;
			break;
		case OPT_UNLOCK_NO_PTY:
			o->unlock_no_pty = 1;
			break;
		case OPT_ALLOW_SYSTEM_HOST_KEY:
			o->allow_system_host_key = 1;
			break;
		case OPT_HOSTONLY:
			o->storage.mode = STORAGE_BUILD_HOSTONLY;
			break;
		case OPT_NO_STORAGE:
			o->storage.mode = STORAGE_BUILD_OFF;
			break;
		case OPT_MDADM_CONF:
			o->storage.mdadm_conf = optarg;
			break;
		case OPT_STRICT:
			c->strict = 1;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'v':
			c->verbose = 1;
			break;
		case OPT_HELP:
			build_usage(stdout);
			return 1;
		default:
			return -EINVAL;
		}
		if (r < 0)
			return r;
	}
	if (optind != argc) {
		log_err("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!!c->output + c->list + !!c->dir != 1) {
		log_err("give exactly one of -o FILE, --list, --dir DIR");
		return -EINVAL;
	}
	return 0;
}

static void build_cli_free(struct build_cli *c)
{
	build_strv_free(&c->o.add_lists);
	build_strv_free(&c->o.binaries);
	build_strv_free(&c->o.files);
	build_strv_free(&c->o.modules);
	build_strv_free(&c->o.omit_modules);
	build_strv_free(&c->o.sets);
}

/* mkdir -p for a cache path (mode 0700: it may hold boot configs). */
static int build_mkdir_p(const char *path)
{
	char buf[PATH_MAX];

	if (str_copy(buf, sizeof(buf), path) < 0)
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Generated files (boot.conf, module indexes) need a host path to appear in
 * a list: they are kept, by content, in the user's cache. */
static int build_gen_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char parent[PATH_MAX];

	if (xdg && *xdg)
		snprintf(parent, sizeof(parent), "%s/sesame", xdg);
	else if (home && *home)
		snprintf(parent, sizeof(parent), "%s/.cache/sesame", home);
	else
		return -ENOENT;
	int r = build_mkdir_p(parent);
	if (r < 0)
		return r;
	if (snprintf(buf, size, "%s/generated", parent) >= (int)size)
		return -ENAMETOOLONG;
	return 0;
}

int cmd_build(int argc, char **argv)
{
	struct build_cli c = {.compress = CPIO_ZSTD};
	struct image_list l;
	struct cpio_stats st = {0};
	int tty = isatty(STDERR_FILENO);
	double t0 = build_now();
	int r, status = EXIT_FAIL;

	list_init(&l);
	r = build_parse_args(argc, argv, &c);
	if (r != 0) {
		if (r < 0)
			fprintf(stderr, "see 'sesame build --help'\n");
		status = r > 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (c.verbose)
		log_set_max_level(LOG_LVL_DEBUG);
	if ((r = build_assemble(&c.o, &l)) < 0)
		goto out;
	if (c.list) {
		char gen[PATH_MAX];
		if ((r = build_gen_dir(gen, sizeof(gen))) < 0) {
			log_err_errno(r, "no cache directory for generated "
					 "files (set HOME or XDG_CACHE_HOME)");
			goto out;
		}
		if ((r = list_materialize(&l, gen)) < 0 ||
		    (r = list_write(&l, stdout)) < 0)
			goto out;
		if (fflush(stdout) != 0) {
			log_err("writing the list failed");
			goto out;
		}
		status = EXIT_OK;
		goto out;
	}
	if (c.dir) {
		if (build_audit_hook &&
		    (r = build_audit_hook(&l, c.dir, c.strict)) < 0)
			goto out;
		if ((r = cpio_write_tree(&l, c.dir)) < 0)
			goto out;
		if (tty && !c.quiet)
			fprintf(stderr,
				"sesame: wrote %s: %zu entries, %.2f s, "
				"%u warning%s\n",
				c.dir, l.n, build_now() - t0, log_warn_count(),
				log_warn_count() == 1 ? "" : "s");
		status = EXIT_OK;
		goto out;
	}
	struct cpio_opts co = {.compress = c.compress};
	if ((r = build_mtime(&co.mtime)) < 0)
		goto out;
	if (tty && !c.quiet)
		co.progress = build_progress;
	if (build_audit_hook &&
	    (r = build_audit_hook(&l, c.output, c.strict)) < 0)
		goto out;
	if ((r = cpio_write_image(&l, c.output, &co, &st)) < 0)
		goto out;
	if (tty && !c.quiet) {
		char raw[32], img[32];
		build_fmt_size(st.raw_bytes, raw, sizeof(raw));
		build_fmt_size(st.image_bytes, img, sizeof(img));
		fprintf(stderr,
			"sesame: wrote %s: %zu entries, %s uncompressed, %s "
			"%s, %.2f s, %u warning%s\n",
			c.output, st.entries, raw, img,
			cpio_compress_name(c.compress), build_now() - t0,
			log_warn_count(), log_warn_count() == 1 ? "" : "s");
	}
	status = EXIT_OK;
out:
	list_free(&l);
	build_cli_free(&c);
	return status;
}
