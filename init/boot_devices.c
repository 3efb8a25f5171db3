/* boot_devices: uevents (netlink and the /sys replay), block probing, signals,
 * on the struct boot they are given. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "init/blockdev.h"
#include "init/bootstate.h"
#include "init/child.h"
#include "init/cmdline.h"
#include "init/early.h"
#include "init/emergency.h"
#include "init/fsck.h"
#include "init/fstab.h"
#include "init/hooks.h"
#include "common/loop.h"
#include "init/modqueue.h"
#include "init/mountopt.h"
#include "init/switchroot.h"
#include "init/sys.h"
#include "init/uevent.h"

/* ---- devices ---------------------------------------------------------- */

#define BOOT_UEVENTS_PER_CALL 1

static void boot_block_added(struct boot *b, const struct uevent *ev)
{
	struct dev_props p;
	int r;

	if (!uevent_devname_ok(ev->devname)) {
		log_debug("block uevent with a bad DEVNAME, ignored");
		return;
	}
	memset(&p, 0, sizeof(p));
	str_copy(p.name, sizeof(p.name), ev->devname);
	snprintf(p.node, sizeof(p.node), "/dev/%s", ev->devname);
	if (ev->has_devnum)
		p.devnum = makedev(ev->major, ev->minor);
	if ((r = blockdev_probe(p.node, &p)) < 0)
		log_debug("probing %s: %s", p.node, strerror(-r));
	log_debug("block %s: type=%s uuid=%s label=%s partuuid=%s", p.name,
		  p.type, p.uuid, p.label, p.partuuid);
	if ((r = blockdev_table_put(&b->devs, &p)) < 0)
		log_warn_errno(r, "device table full, %s not kept", p.name);
	boot_want_fs_module(p.type);
	if ((r = blockdev_dispatch(&p)) < 0)
		log_warn_errno(r, "%s (%s)", p.name, p.type);
	boot_schedule(false);
}

static void boot_handle_uevent(struct boot *b, const struct uevent *ev)
{
	/* Loaded by a modprobe child: PID 1 never waits in init_module(). */
	if (strcmp(ev->action, "add") == 0 && ev->modalias &&
	    modqueue_add(ev->modalias) == -EINVAL)
		log_debug("uevent MODALIAS with bytes no alias has, ignored");
	if (!ev->subsystem || strcmp(ev->subsystem, "block") != 0)
		return;
	if (strcmp(ev->action, "add") == 0 || strcmp(ev->action, "change") == 0)
		boot_block_added(b, ev);
	else if (strcmp(ev->action, "remove") == 0 && ev->devname)
		blockdev_table_remove(&b->devs, ev->devname);
}

/* For the hooks (init/hooks.h): from any callback, so it waits a turn. */
void boot_rescan(void)
{
	boot_schedule(true);
}

/*
 * Replays /sys/class/block/<dev>/uevent as if the kernel had sent it: the
 * devices that existed before our socket did.
 */
void boot_rescan_now(struct boot *b)
{
	char path[300], buf[1024];
	struct uevent ev;
	struct dirent *de;
	const char *dir = b->sysfs_block ? b->sysfs_block : "/sys/class/block";
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t hl;
		ssize_t n;
		int fd;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/uevent", dir, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		hl = (size_t)snprintf(buf, sizeof(buf),
				      "add@/class/block/%.64s%cACTION=add%c"
				      "SUBSYSTEM=block%cDEVPATH=/x%c",
				      de->d_name, 0, 0, 0, 0);
		n = read(fd, buf + hl, sizeof(buf) - hl - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			if (buf[hl + (size_t)i] == '\n')
				buf[hl + (size_t)i] = '\0';
		buf[hl + (size_t)n] = '\0';
		if (uevent_parse(buf, hl + (size_t)n + (buf[hl + n - 1] != 0),
				 &ev) == 0)
			boot_handle_uevent(b, &ev);
	}
	closedir(d);
}

/* Handles up to max uevents waiting on fd; 0, or a negative errno. */
int boot_uevents_read(struct boot *b, int fd, unsigned max)
{
	static char buf[UEVENT_BUF_MAX];
	struct uevent ev;
	int n;

	for (unsigned done = 0; done < max; done++) {
		n = uevent_recv(fd, buf, sizeof(buf) - 1);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return 0;
		if (n == -ENOBUFS) {
			log_warn("uevents were lost; probing every block "
				 "device again");
			boot_rescan_now(b);
			continue;
		}
		if (n < 0) {
			if (n == -EPERM || n == -EMSGSIZE)
				continue;
			return n;
		}
		buf[n] = '\0';
		if (uevent_parse(buf, (size_t)n, &ev) < 0) {
			log_debug("a malformed uevent, ignored");
			continue;
		}
		boot_handle_uevent(b, &ev);
	}
	return 0;
}

int boot_uevent_ready(struct loop *l, int fd, uint32_t events, void *data)
{
	(void)l;
	(void)events;
	/*
	 * One uevent per call: a block device's probe reads its disk, and a
	 * burst of them must not hold the loop (the socket stays readable,
	 * so the loop calls again after serving everything else).
	 */
	return boot_uevents_read(data, fd, BOOT_UEVENTS_PER_CALL);
}

/* ---- signals ---------------------------------------------------------- */

static void boot_sig_chld(struct boot *b)
{
	(void)b;
	child_reap();
}

static void boot_sig_reboot(struct boot *b)
{
	(void)b;
	log_warn("Ctrl-Alt-Del: rebooting");
	sys_reboot(RB_AUTOBOOT);
}

static void boot_sig_status(struct boot *b)
{
	char seen[1024];

	blockdev_table_describe(&b->devs, seen, sizeof(seen));
	log_info("phase %d, %u children; block devices: %s", (int)b->phase,
		 child_count(), seen);
}

static void boot_sig_ignore(struct boot *b)
{
	(void)b;
	log_info("PID 1 ignores SIGTERM and SIGHUP");
}

struct boot_signal {
	int sig;
	void (*fn)(struct boot *b);
};

static const struct boot_signal boot_signals[] = {
    {SIGCHLD, boot_sig_chld},	{SIGINT, boot_sig_reboot},
    {SIGUSR1, boot_sig_status}, {SIGTERM, boot_sig_ignore},
    {SIGHUP, boot_sig_ignore},
};

static int boot_signal_ready(struct loop *l, int fd, uint32_t events,
			     void *data)
{
	struct signalfd_siginfo si;
	struct boot *b = data;

	(void)l;
	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		for (size_t i = 0;
		     i < sizeof(boot_signals) / sizeof(boot_signals[0]); i++)
			if ((int)si.ssi_signo == boot_signals[i].sig)
				boot_signals[i].fn(b);
	return 0;
}

int boot_setup_signals(struct boot *b)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(boot_signals) / sizeof(boot_signals[0]);
	     i++)
		sigaddset(&set, boot_signals[i].sig);
	b->sigmask_ours = set;
	if (sigprocmask(SIG_BLOCK, &set, &b->sigmask_saved) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	b->signal_fd = fd;
	return loop_add_fd(b->loop, fd, EPOLLIN, boot_signal_ready, b);
}
