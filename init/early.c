/* early: a table of early mounts and the log setup for PID 1. */
#include "init/early.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "init/sys.h"

struct early_mount {
	const char *source, *target, *type;
	unsigned long flags;
	const char *data;
	bool required;
};

/* In order: /dev/pts and /dev/shm need /dev. */
static const struct early_mount early_mounts[] = {
    {"proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true},
    {"sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true},
    {"devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755", true},
    {"devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
     "gid=5,mode=0620,ptmxmode=000", false},
    {"tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", false},
    {"tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755", true},
};

/* A mount point: its st_dev differs from its parent's. */
static bool early_is_mounted(const char *path)
{
	char parent[64];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", path);
	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return false;
	return a.st_dev != b.st_dev;
}

int early_mount_all(void)
{
	int r, first = 0;

	for (size_t i = 0; i < sizeof(early_mounts) / sizeof(early_mounts[0]);
	     i++) {
		const struct early_mount *m = &early_mounts[i];
		if (early_is_mounted(m->target))
			continue;
		r = sys_mkdir(m->target, 0755);
		if (r < 0 && r != -EEXIST)
			log_warn_errno(r, "mkdir %s", m->target);
		r = sys_mount(m->source, m->target, m->type, m->flags, m->data);
		if (r < 0) {
			log_msg_errno(m->required ? LOG_LVL_ERR : LOG_LVL_WARN,
				      r, "mounting %s on %s", m->type,
				      m->target);
			if (m->required && !first)
				first = r;
		}
	}
	return first;
}

void early_setup_console(void)
{
	int fd = -1;

	for (int i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) >= 0)
			continue;
		if (fd < 0)
			fd = open("/dev/console", O_RDWR | O_NOCTTY);
		if (fd < 0)
			fd = open("/dev/null", O_RDWR);
		if (fd < 0)
			return;
		if (fd != i)
			dup2(fd, i);
	}
	if (fd > 2)
		close(fd);
}

static char devkmsg_saved[32];

static bool str_is_ratelimit(const char *s)
{
	return strncmp(s, "ratelimit", 9) == 0;
}

static void early_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0)
		log_debug("writing %s failed", path);
	close(fd);
}

void early_setup_log(bool debug)
{
	enum log_level max = debug ? LOG_LVL_DEBUG : LOG_LVL_INFO;
	unsigned sinks = LOG_SINK_KMSG | LOG_SINK_CONSOLE;
	int kmsg;
	ssize_t n;
	int fd;

	log_set_max_level(max);
	kmsg = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (kmsg < 0) {
		log_set_sinks(LOG_SINK_CONSOLE, -1, STDERR_FILENO);
		return;
	}
	/* Without this the kernel drops our lines after ten in five seconds. */
	fd = open("/proc/sys/kernel/printk_devkmsg", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, devkmsg_saved, sizeof(devkmsg_saved) - 1);
		close(fd);
		devkmsg_saved[n > 0 ? n : 0] = '\0';
		if (str_is_ratelimit(devkmsg_saved))
			early_write_file("/proc/sys/kernel/printk_devkmsg",
					 "on\n");
	}
	log_set_sinks(sinks, kmsg, STDERR_FILENO);
}

void early_log_restore(void)
{
	if (devkmsg_saved[0] && str_is_ratelimit(devkmsg_saved))
		early_write_file("/proc/sys/kernel/printk_devkmsg",
				 "ratelimit\n");
}
