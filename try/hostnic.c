/* hostnic: reads /sys/class/net for the NICs that are up and checks that an
 * image holds their drivers and firmware. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strutil.h"
#include "try/hostnic.h"

/* The last path component of the symlink at dir/name into out. */
static int link_basename(int dirfd, const char *name, char *out, size_t size)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	return str_copy(out, size, base ? base + 1 : target);
}

static bool nic_is_up(int dirfd)
{
	char buf[32];
	unsigned long flags;
	char *end;
	ssize_t n;
	int fd = openat(dirfd, "flags", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	flags = strtoul(buf, &end, 16);
	return end != buf && (flags & 1); /* IFF_UP */
}

int try_hostnics_list(const char *sysfs_net, struct try_hostnic *out,
		      size_t max, size_t *n)
{
	DIR *d = opendir(sysfs_net);
	struct dirent *de;
	size_t count = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)) && count < max) {
		struct try_hostnic nic;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		memset(&nic, 0, sizeof(nic));
		if (str_copy(nic.ifname, sizeof(nic.ifname), de->d_name) < 0)
			continue;
		fd = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (nic_is_up(fd) &&
		    link_basename(fd, "device/driver", nic.driver,
				  sizeof(nic.driver)) == 0) {
			(void)link_basename(fd, "device/driver/module",
					    nic.module, sizeof(nic.module));
			out[count++] = nic;
		}
		close(fd);
	}
	closedir(d);
	/* readdir's order is the file system's; sort for a stable report */
	for (size_t i = 1; i < count; i++)
		for (size_t j = i;
		     j > 0 && strcmp(out[j - 1].ifname, out[j].ifname) > 0;
		     j--) {
			struct try_hostnic t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	*n = count;
	return 0;
}

/* Firmware files module names (libkmod, running kernel) and how many of
 * them the image holds; the first missing one in missing. */
static void firmware_count(struct kmod_ctx *ctx, const char *module,
			   const struct try_inventory *inv, unsigned *listed,
			   unsigned *present, char *missing, size_t size)
{
	struct kmod_module *m = NULL;
	struct kmod_list *info = NULL, *it;

	*listed = *present = 0;
	if (!ctx || kmod_module_new_from_name(ctx, module, &m) < 0)
		return;
	if (kmod_module_get_info(m, &info) < 0)
		goto out;
	kmod_list_foreach(it, info)
	{
		const char *v;
		if (strcmp(kmod_module_info_get_key(it), "firmware"))
			continue;
		v = kmod_module_info_get_value(it);
		(*listed)++;
		if (try_inventory_has_firmware(inv, v))
			(*present)++;
		else if (!missing[0])
			(void)str_copy(missing, size, v);
	}
	kmod_module_info_free_list(info);
out:
	kmod_module_unref(m);
}

static void buf_add(char *buf, size_t size, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void buf_add(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < size - *off ? (size_t)n : size - *off - 1;
}

int try_hostnics_check(const struct try_hostnic *nics, size_t n,
		       const struct try_inventory *inv, char *buf, size_t size)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	size_t off = 0;
	int bad = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct try_hostnic *c = &nics[i];
		char missing[128] = "";
		unsigned listed, present;

		buf_add(buf, size, &off, "%s%s: ", i ? "; " : "", c->ifname);
		if (!c->module[0]) {
			buf_add(buf, size, &off, "%s built into the kernel",
				c->driver);
			continue;
		}
		if (!try_inventory_has_module(inv, c->module)) {
			buf_add(buf, size, &off,
				"driver %s MISSING from the "
				"image",
				c->module);
			bad++;
			continue;
		}
		buf_add(buf, size, &off, "%s in the image", c->module);
		firmware_count(ctx, c->module, inv, &listed, &present, missing,
			       sizeof(missing));
		if (listed && !present) {
			buf_add(buf, size, &off,
				", firmware MISSING (none of "
				"%u files, e.g. %s)",
				listed, missing);
			bad++;
		} else if (listed) {
			buf_add(buf, size, &off, ", firmware %u of %u files",
				present, listed);
		}
	}
	kmod_unref(ctx);
	return bad;
}
