/* modules: libkmod lookups and inserts, a bounded /sys walk for coldplug,
 * modprobe. */
#include "init/modules.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/loop.h"

#define COLDPLUG_MAX_DEPTH 32

__attribute__((format(printf, 6, 0))) static void
modules_log(void *data, int priority, const char *file, int line,
	    const char *fn, const char *format, va_list args)
{
	(void)data;
	(void)file;
	(void)line;
	(void)fn;
	/* What matters (a module that would not load) we log ourselves. */
	(void)priority;
	log_vmsg(LOG_LVL_DEBUG, format, args);
}

int modules_open(struct kmod_ctx **ctxp)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	int r;

	if (!ctx)
		return -ENOMEM;
	kmod_set_log_fn(ctx, modules_log, NULL);
	kmod_set_log_priority(ctx, LOG_ERR);
	if ((r = kmod_load_resources(ctx)) < 0)
		log_debug("kmod indexes: %s", strerror(-r));
	*ctxp = ctx;
	return 0;
}

void modules_close(struct kmod_ctx *ctx)
{
	if (ctx)
		kmod_unref(ctx);
}

int modules_load(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL, *it;
	int r, loaded = 0, first = 0;

	if ((r = kmod_module_new_from_lookup(ctx, name, &list)) < 0)
		return r;
	if (!list)
		return -ENOENT;
	kmod_list_foreach(it, list)
	{
		struct kmod_module *m = kmod_module_get_module(it);
		r = kmod_module_probe_insert_module(
		    m, KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY, NULL, NULL, NULL,
		    NULL);
		if (r == 0 || r == -EEXIST) {
			loaded++;
			log_debug("module %s for %s", kmod_module_get_name(m),
				  name);
		} else if (!first) {
			first = r;
			log_debug("module %s: %s", kmod_module_get_name(m),
				  strerror(-r));
		}
		kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	return loaded ? 0 : first;
}

int modules_load_list(struct kmod_ctx *ctx, const char *buf, size_t len)
{
	char name[256];
	size_t i = 0;
	int failed = 0, r;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (buf + i)) : len - i;
		const char *s = buf + i;

		i += n + (nl ? 1 : 0);
		while (n && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			     s[n - 1] == '\r'))
			n--;
		if (!n || *s == '#')
			continue;
		if (n >= sizeof(name) || memchr(s, '\0', n)) {
			log_warn("module list: a bad line, skipped");
			failed++;
			continue;
		}
		memcpy(name, s, n);
		name[n] = '\0';
		r = modules_load(ctx, name);
		if (r == -ENODEV) /* no hardware for it (crc32c_intel on TCG) */
			log_debug("module %s: no such device", name);
		else if (r < 0) {
			log_warn_errno(r, "loading module %s", name);
			failed++;
		}
	}
	return failed;
}

static int coldplug_read_modalias(int dirfd, char *buf, size_t size)
{
	ssize_t n;
	int fd = openat(dirfd, "modalias", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -ENODATA;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? 0 : -ENODATA;
}

static int coldplug_walk(struct kmod_ctx *ctx, int dirfd, unsigned depth)
{
	char alias[512];
	struct dirent *de;
	int fd, count = 0;
	DIR *d;

	if (coldplug_read_modalias(dirfd, alias, sizeof(alias)) == 0) {
		count++;
		modules_load(ctx, alias); /* most aliases have no module */
	}
	if (depth >= COLDPLUG_MAX_DEPTH)
		return count;
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return count;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return count;
	}
	while ((de = readdir(d))) {
		int sub;
		/* sysfs fills d_type; links (subsystem, driver) are skipped. */
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(fd, de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			continue;
		count += coldplug_walk(ctx, sub, depth + 1);
		close(sub);
	}
	closedir(d);
	return count;
}

int modules_coldplug(struct kmod_ctx *ctx, const char *sys_devices)
{
	int fd = open(sys_devices, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int n;

	if (fd < 0)
		return -errno;
	n = coldplug_walk(ctx, fd, 0);
	close(fd);
	return n;
}

/* --list=FILE: the image's module list, one name per line. */
static int modprobe_list(struct kmod_ctx *ctx, const char *path)
{
	char *buf = NULL;
	size_t len;
	int n;

	if (file_read_all(path, 1u << 20, &buf, &len) < 0)
		return 0; /* an image without a list */
	if ((n = modules_load_list(ctx, buf, len)) > 0)
		log_warn("%d of the image's modules did not load", n);
	free(buf);
	return n > 0 ? n : 0;
}

int modprobe_main(int argc, char **argv)
{
	const char *list = NULL, *coldplug = NULL;
	struct kmod_ctx *ctx = NULL;
	int i = 1, failed = 0, r;

	log_set_ident("modprobe");
	/*
	 * Options before "--" change nothing (the kernel passes -q) except
	 * ours: PID 1's module queue (init/modqueue.h) runs us with
	 * --sesame-init (log as /init does) and, once, --list= and
	 * --coldplug=.
	 */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--sesame-init") == 0) {
			log_set_ident("sesame-init");
			log_set_sinks_kmsg(LOG_SINK_STDERR, -1);
		} else if (strncmp(argv[i], "--list=", 7) == 0) {
			list = argv[i] + 7;
		} else if (strncmp(argv[i], "--coldplug=", 11) == 0) {
			coldplug = argv[i] + 11;
		}
	}
	if (i >= argc && !list && !coldplug) {
		log_err("usage: modprobe [-q] [--] MODULE|ALIAS... (sesame's "
			"/sbin/modprobe: loads them and what they depend on)");
		return 1;
	}
	if (modules_open(&ctx) < 0)
		return 1;
	if (list)
		failed += modprobe_list(ctx, list);
	if (coldplug) {
		uint64_t t0 = loop_now_usec();
		int n = modules_coldplug(ctx, coldplug);
		log_debug("coldplug: %d modaliases in %llu ms", n,
			  (unsigned long long)((loop_now_usec() - t0) / 1000));
	}
	for (; i < argc; i++)
		if ((r = modules_load(ctx, argv[i])) < 0)
			failed++;
	modules_close(ctx);
	return failed ? 1 : 0;
}
