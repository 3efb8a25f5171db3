/* boot: the state of PID 1 and the stages it walks through, driven by the event
 * loop. */
#include "init/boot.h"

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
#include "init/child.h"
#include "init/cmdline.h"
#include "init/early.h"
#include "init/emergency.h"
#include "init/fsck.h"
#include "init/fstab.h"
#include "init/hooks.h"
#include "init/loop.h"
#include "init/modules.h"
#include "init/mountopt.h"
#include "init/switchroot.h"
#include "init/sys.h"
#include "init/uevent.h"

#define NEWROOT "/newroot"
#define BOOT_CONF "/etc/sesame/boot.conf"
#define MODULE_LIST "/etc/sesame/modules"
#define ITEMS_MAX 16
#define STOP_GRACE_USEC 3000000u

/* WAIT for the device, FSCK running, READY to mount, MOUNTED. */
enum item_state { ITEM_WAIT, ITEM_FSCK, ITEM_READY, ITEM_MOUNTED };

/* Something to mount before the switch: root first, then fstab's. */
struct mount_item {
	struct spec spec;
	char target[128]; /* inside the new root; "/" for root */
	char fstype[32];  /* wanted type; empty: what blkid found */
	char opts[256];
	unsigned long base_flags;
	bool check;  /* fsck it (root, or fstab passno > 0) */
	bool nofail; /* failing to find or mount it is not fatal */
	enum item_state state;
	struct dev_props dev;
};

enum boot_phase {
	PHASE_RUNNING,	 /* advancing as devices appear */
	PHASE_BUSY,	 /* a fsck or a break shell runs */
	PHASE_EMERGENCY, /* stopped; a shell, a wait or a reboot */
	PHASE_HANDOFF,
};

struct boot {
	struct boot_config cfg;
	struct loop *loop;
	struct kmod_ctx *kmod;
	int uevent_fd, signal_fd;
	struct loop_timer *timeout, *reboot_timer;
	struct blockdev_table devs;
	struct mount_item items[ITEMS_MAX];
	unsigned n_items;
	enum boot_phase phase;
	unsigned breaks_done, holds;
	bool started;	  /* boot_start() ran */
	char **init_args; /* our argv + 1, NULL-terminated */
	sigset_t sigmask_saved, sigmask_ours;
	/* CLOCK_MONOTONIC microseconds, for the handoff line */
	uint64_t t_start, t_modules, t_devices, t_fsck, t_paused;
	uint64_t wait_since, busy_since;
};

static struct boot B = {.uevent_fd = -1, .signal_fd = -1};

static void boot_advance(void);
static void boot_start(void);
static int boot_uevent_ready(struct loop *l, int fd, uint32_t events,
			     void *data);
static void boot_emergency(const char *what, const char *hint);

static bool boot_shell_present(void)
{
	return access(EMERGENCY_SHELL_PATH, X_OK) == 0;
}

/* ---- waiting accounting ------------------------------------------------ */

/* A debug line with the time since /init started, to see where it goes. */
static void boot_mark(const char *what)
{
	log_debug("t+%llu ms: %s",
		  (unsigned long long)((loop_now_usec() - B.t_start) / 1000),
		  what);
}

static void boot_wait_begin(void)
{
	if (!B.wait_since)
		B.wait_since = loop_now_usec();
}

static void boot_wait_end(void)
{
	if (B.wait_since) {
		B.t_devices += loop_now_usec() - B.wait_since;
		B.wait_since = 0;
	}
}

/* ---- the console shell (rd.break, emergency) ---------------------------- */

static void boot_shell_exited(pid_t pid, int status, void *data)
{
	bool is_break = data != NULL;

	(void)pid;
	B.t_paused += loop_now_usec() - B.busy_since;
	log_info("the shell exited (status %d); %s", WEXITSTATUS(status),
		 is_break ? "boot goes on" : "trying the boot again");
	if (is_break) {
		B.phase = PHASE_RUNNING;
		if (!B.started)
			boot_start(); /* after rd.break=cmdline */
		else
			boot_advance();
	} else {
		boot_retry();
	}
}

static int boot_spawn_shell(bool is_break)
{
	static char sh[] = EMERGENCY_SHELL_PATH;
	char *argv[] = {sh, NULL};
	int r;

	B.busy_since = loop_now_usec();
	r = child_spawn(argv, SYS_SPAWN_CONSOLE, boot_shell_exited,
			is_break ? (void *)&B : NULL, NULL);
	if (r < 0)
		log_err_errno(r, "starting %s", EMERGENCY_SHELL_PATH);
	return r;
}

/* A break point: a shell when allowed; returns true if boot must pause. */
static bool boot_break(unsigned which, const char *name)
{
	if (!(B.cfg.breaks & which) || (B.breaks_done & which))
		return false;
	B.breaks_done |= which;
	if (!emergency_break_allowed(&B.cfg, boot_shell_present())) {
		log_warn("rd.break=%s ignored: no console shell allowed "
			 "(add rd.shell)",
			 name);
		return false;
	}
	log_info("rd.break=%s: a shell on the console; exit it to go on", name);
	if (boot_spawn_shell(true) < 0)
		return false;
	B.phase = PHASE_BUSY;
	return true;
}

/* ---- emergency -------------------------------------------------------- */

static int boot_reboot_fire(struct loop *l, struct loop_timer *t, void *data)
{
	enum emergency_action a = (enum emergency_action)(long)data;

	(void)l;
	(void)t;
	log_err("%s now",
		a == EMERGENCY_POWEROFF ? "powering off" : "rebooting");
	return sys_reboot(a == EMERGENCY_POWEROFF ? RB_POWER_OFF : RB_AUTOBOOT);
}

static void boot_emergency(const char *what, const char *hint)
{
	char seen[1024];
	enum emergency_action a;
	int r;

	B.phase = PHASE_EMERGENCY;
	boot_wait_end();
	if (B.timeout)
		loop_timer_arm(B.timeout, 0);
	blockdev_table_describe(&B.devs, seen, sizeof(seen));
	log_err("emergency: %s", what);
	log_err("block devices seen: %s", seen);
	if (hint)
		log_err("to try: %s", hint);
	init_hooks_emergency(what);
	a = emergency_decide(&B.cfg, boot_shell_present());
	switch (a) {
	case EMERGENCY_SHELL:
		log_err("starting a shell on the console; exit it to try the "
			"boot again");
		if (boot_spawn_shell(false) == 0)
			return;
		break;
	case EMERGENCY_REBOOT:
	case EMERGENCY_POWEROFF:
		log_err("%s in %u s (sesame.reboot_delay)",
			emergency_action_name(a), B.cfg.reboot_delay_sec);
		if (!B.reboot_timer &&
		    (r = loop_timer_new(B.loop, boot_reboot_fire,
					(void *)(long)a, &B.reboot_timer)) <
			0) {
			log_err_errno(r, "reboot timer");
			break;
		}
		loop_timer_arm(B.reboot_timer,
			       (uint64_t)B.cfg.reboot_delay_sec * 1000000u + 1);
		return;
	default:
		break;
	}
	log_err("waiting (sesame.emergency=wait); no console shell unless "
		"rd.shell is given");
}

void boot_fail(const char *what, const char *hint)
{
	if (B.phase != PHASE_EMERGENCY && B.phase != PHASE_HANDOFF)
		boot_emergency(what, hint);
}

/* ---- root wait timeout ------------------------------------------------ */

static int boot_timeout_fire(struct loop *l, struct loop_timer *t, void *data)
{
	char what[600], spec[300];
	struct mount_item *it = NULL;

	(void)l;
	(void)data;
	if (B.phase != PHASE_RUNNING)
		return 0;
	/* Events that arrived with the timer still count. */
	if (B.uevent_fd >= 0)
		boot_uevent_ready(B.loop, B.uevent_fd, EPOLLIN, NULL);
	if (B.phase != PHASE_RUNNING)
		return 0;
	if (B.holds) {
		/* Someone waits for a passphrase: look again later. */
		return loop_timer_arm(t,
				      (uint64_t)B.cfg.timeout_sec * 1000000u);
	}
	for (unsigned i = 0; i < B.n_items; i++)
		if (B.items[i].state == ITEM_WAIT && !B.items[i].nofail) {
			it = &B.items[i];
			break;
		}
	if (!it)
		return 0;
	spec_format(&it->spec, spec, sizeof(spec));
	snprintf(what, sizeof(what), "%s device %s not found after %u s",
		 strcmp(it->target, "/") == 0 ? "root" : it->target, spec,
		 B.cfg.timeout_sec);
	boot_emergency(what, "check root= (and the fstab entry), or add the "
			     "disk's driver to the image with `sesame build "
			     "-m MODULE`; rd.timeout= waits longer");
	return 0;
}

void boot_hold(void)
{
	B.holds++;
}

void boot_release(void)
{
	if (B.holds)
		B.holds--;
}

void boot_retry(void)
{
	if (B.phase == PHASE_HANDOFF)
		return;
	for (unsigned i = 0; i < B.n_items; i++)
		if (B.items[i].state == ITEM_FSCK)
			B.items[i].state = ITEM_WAIT;
	B.phase = PHASE_RUNNING;
	if (B.timeout && B.cfg.timeout_sec)
		loop_timer_arm(B.timeout,
			       (uint64_t)B.cfg.timeout_sec * 1000000u);
	boot_rescan();
	boot_advance();
}

/* ---- devices ---------------------------------------------------------- */

static void boot_block_added(const struct uevent *ev)
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
	if ((r = blockdev_table_put(&B.devs, &p)) < 0)
		log_warn_errno(r, "device table full, %s not kept", p.name);
	if ((r = blockdev_dispatch(&p)) < 0)
		log_warn_errno(r, "%s (%s)", p.name, p.type);
	boot_advance();
}

static void boot_handle_uevent(const struct uevent *ev)
{
	uint64_t t0;
	int r;

	if (strcmp(ev->action, "add") == 0 && ev->modalias && B.kmod) {
		t0 = loop_now_usec();
		r = modules_load(B.kmod, ev->modalias);
		if (r == 0)
			log_debug("loaded a module for %s", ev->modalias);
		if (!B.wait_since)
			B.t_modules += loop_now_usec() - t0;
	}
	if (!ev->subsystem || strcmp(ev->subsystem, "block") != 0)
		return;
	if (strcmp(ev->action, "add") == 0 || strcmp(ev->action, "change") == 0)
		boot_block_added(ev);
	else if (strcmp(ev->action, "remove") == 0 && ev->devname)
		blockdev_table_remove(&B.devs, ev->devname);
}

/*
 * Replays /sys/class/block/<dev>/uevent as if the kernel had sent it: the
 * devices that existed before our socket did.
 */
void boot_rescan(void)
{
	char path[300], buf[1024];
	struct uevent ev;
	struct dirent *de;
	DIR *d = opendir("/sys/class/block");

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t hl;
		ssize_t n;
		int fd;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s/uevent",
			 de->d_name);
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
			boot_handle_uevent(&ev);
	}
	closedir(d);
}

static int boot_uevent_ready(struct loop *l, int fd, uint32_t events,
			     void *data)
{
	static char buf[UEVENT_BUF_MAX];
	struct uevent ev;
	int n;

	(void)l;
	(void)events;
	(void)data;
	for (;;) {
		n = uevent_recv(fd, buf, sizeof(buf) - 1);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return 0;
		if (n == -ENOBUFS) {
			log_warn("uevents were lost; probing every block "
				 "device again");
			boot_rescan();
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
		boot_handle_uevent(&ev);
	}
}

/* ---- signals ---------------------------------------------------------- */

static void boot_sig_chld(void)
{
	child_reap();
}

static void boot_sig_reboot(void)
{
	log_warn("Ctrl-Alt-Del: rebooting");
	sys_reboot(RB_AUTOBOOT);
}

static void boot_sig_status(void)
{
	char seen[1024];

	blockdev_table_describe(&B.devs, seen, sizeof(seen));
	log_info("phase %d, %u children; block devices: %s", (int)B.phase,
		 child_count(), seen);
}

static void boot_sig_ignore(void)
{
	log_info("PID 1 ignores SIGTERM and SIGHUP");
}

struct boot_signal {
	int sig;
	void (*fn)(void);
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

	(void)l;
	(void)events;
	(void)data;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		for (size_t i = 0;
		     i < sizeof(boot_signals) / sizeof(boot_signals[0]); i++)
			if ((int)si.ssi_signo == boot_signals[i].sig)
				boot_signals[i].fn();
	return 0;
}

static int boot_setup_signals(void)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(boot_signals) / sizeof(boot_signals[0]);
	     i++)
		sigaddset(&set, boot_signals[i].sig);
	B.sigmask_ours = set;
	if (sigprocmask(SIG_BLOCK, &set, &B.sigmask_saved) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	B.signal_fd = fd;
	return loop_add_fd(B.loop, fd, EPOLLIN, boot_signal_ready, NULL);
}

/* ---- mounting --------------------------------------------------------- */

static void boot_fsck_done(pid_t pid, int status, void *data);

/* The superblock says e2fsck -p has nothing to do (saves its exec). */
static bool boot_fs_clean(const char *node)
{
	uint8_t sb[FSCK_SB_SIZE];
	ssize_t n;
	int fd = open(node, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = pread(fd, sb, sizeof(sb), FSCK_SB_OFFSET);
	close(fd);
	if (n != (ssize_t)sizeof(sb))
		return false;
	return fsck_ext_clean(sb, sizeof(sb), (uint64_t)time(NULL)) == 1;
}

static int boot_start_fsck(struct mount_item *it, const char *type)
{
	const char *argv[6];
	int r;

	if (!fsck_wanted(type, B.cfg.fsck) || !it->check)
		return 0;
	if (B.cfg.fsck == FSCK_AUTO && boot_fs_clean(it->dev.node)) {
		log_info("%s (%s) is clean; e2fsck -p would not check it",
			 it->dev.node, type);
		return 0;
	}
	if (access(FSCK_PATH, X_OK) < 0) {
		log_warn("%s is not in the image; %s is not checked", FSCK_PATH,
			 it->dev.node);
		return 0;
	}
	fsck_build_argv(it->dev.node, B.cfg.fsck, argv, 6);
	log_info("checking %s (%s)", it->dev.node, type);
	B.busy_since = loop_now_usec();
	r = child_spawn((char *const *)(uintptr_t)argv, 0, boot_fsck_done, it,
			NULL);
	if (r < 0)
		return log_err_errno(r, "starting %s", FSCK_PATH);
	it->state = ITEM_FSCK;
	B.phase = PHASE_BUSY;
	return 1;
}

static void boot_fsck_done(pid_t pid, int status, void *data)
{
	struct mount_item *it = data;
	const char *why;
	char what[400];

	(void)pid;
	B.t_fsck += loop_now_usec() - B.busy_since;
	if (B.phase != PHASE_BUSY || it->state != ITEM_FSCK)
		return;
	switch (fsck_judge(status, &why)) {
	case FSCK_OK:
		break;
	case FSCK_CORRECTED:
		log_warn("fsck %s: %s", it->dev.node, why);
		break;
	case FSCK_REBOOT:
		log_err("fsck %s: %s; rebooting", it->dev.node, why);
		sys_reboot(RB_AUTOBOOT);
		return;
	case FSCK_FAILED:
		it->state = ITEM_WAIT;
		snprintf(what, sizeof(what), "fsck of %s (%s) failed: %s",
			 it->dev.node, it->target, why);
		boot_emergency(what, "run `e2fsck "
				     "-f DEVICE` from a rescue "
				     "shell, or boot with fsck.mode=skip");
		return;
	}
	it->state = ITEM_READY;
	B.phase = PHASE_RUNNING;
	boot_advance();
}

static bool boot_type_is_virtual(const char *type)
{
	static const char *const virt[] = {"tmpfs", "ramfs", "proc", "sysfs"};

	for (size_t i = 0; i < sizeof(virt) / sizeof(virt[0]); i++)
		if (strcmp(type, virt[i]) == 0)
			return true;
	return false;
}

/* True when /proc/filesystems lists type (a module already provides it). */
static bool boot_fs_known(const char *type)
{
	char *buf = NULL, *line, *save = NULL;
	bool found = false;
	size_t len;

	if (file_read_all("/proc/filesystems", 64u << 10, &buf, &len) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *name = strrchr(line, '\t');
		found = strcmp(name ? name + 1 : line, type) == 0;
	}
	free(buf);
	return found;
}

/*
 * Loads the file system's module ourselves ("fs-TYPE", the alias the
 * kernel's request_module() would ask modprobe for): faster than the
 * kernel starting /sbin/modprobe from inside mount(2), and counted as
 * module loading time.
 */
static void boot_load_fs_module(const char *type)
{
	char alias[64];
	uint64_t t0 = loop_now_usec();
	int r;

	if (!B.kmod || boot_fs_known(type))
		return;
	snprintf(alias, sizeof(alias), "fs-%s", type);
	if ((r = modules_load(B.kmod, alias)) < 0)
		log_debug("module for %s: %s", alias, strerror(-r));
	B.t_modules += loop_now_usec() - t0;
}

/* Mounts it: root on NEWROOT, the rest at their target inside it. */
static int boot_mount_item(struct mount_item *it)
{
	struct mount_opts mo;
	const char *type = it->fstype[0] ? it->fstype : it->dev.type;
	char target[64];
	int rootfd = -1, fd = -1, r;

	if ((r = mount_opts_parse(it->opts, it->base_flags, &mo)) < 0)
		return log_err_errno(r, "options of %s", it->target);
	if (strcmp(it->target, "/") == 0) {
		snprintf(target, sizeof(target), "%s", NEWROOT);
	} else {
		/* Resolved inside the new root: its symlinks stay in it. */
		rootfd = open(NEWROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			return -errno;
		r = root_open_in(rootfd, it->target, O_PATH | O_DIRECTORY, &fd);
		close(rootfd);
		if (r < 0)
			return log_err_errno(
			    r, "mount point %s in the new root", it->target);
		snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	}
	log_info("mounting %s on %s (%s, %s%s%s)", it->dev.node, it->target,
		 type, mo.flags & MS_RDONLY ? "ro" : "rw",
		 mo.data[0] ? "," : "", mo.data);
	boot_load_fs_module(type);
	boot_mark("file system module");
	r = sys_mount(it->dev.node, target, type, mo.flags,
		      mo.data[0] ? mo.data : NULL);
	if (fd >= 0)
		close(fd);
	if (r < 0)
		log_err_errno(r, "mounting %s on %s", it->dev.node, it->target);
	return r;
}

static struct mount_item *boot_add_item(const char *target)
{
	struct mount_item *it;

	for (unsigned i = 0; i < B.n_items; i++)
		if (strcmp(B.items[i].target, target) == 0)
			return NULL;
	if (B.n_items >= ITEMS_MAX) {
		log_warn("too many mounts; %s left to the real system", target);
		return NULL;
	}
	it = &B.items[B.n_items++];
	memset(it, 0, sizeof(*it));
	str_copy(it->target, sizeof(it->target), target);
	return it;
}

static bool boot_wants_target(const struct fstab_entry *e)
{
	struct mount_opts mo;

	if (strcmp(e->file, "/usr") == 0)
		return true;
	for (unsigned i = 0; i < B.cfg.n_mounts; i++)
		if (strcmp(e->file, B.cfg.mounts[i]) == 0)
			return true;
	return mount_opts_parse(e->opts, 0, &mo) == 0 && mo.initrd;
}

static int boot_fstab_entry(const struct fstab_entry *e, void *data)
{
	struct mount_item *it;
	struct mount_opts mo;
	struct spec sp;
	int r;

	(void)data;
	if (!boot_wants_target(e) || strcmp(e->file, "/") == 0)
		return 0;
	if (e->file[0] != '/' || mount_opts_parse(e->opts, 0, &mo) < 0) {
		log_warn("fstab line %u (%s): bad mount point or options",
			 e->line, e->file);
		return 0;
	}
	if (boot_type_is_virtual(e->type)) {
		memset(&sp, 0, sizeof(sp));
		sp.kind = SPEC_PATH;
		str_copy(sp.value, sizeof(sp.value), e->spec);
	} else if ((r = spec_parse(e->spec, &sp)) < 0) {
		log_warn("fstab line %u: %s for %s is not a device we can "
			 "wait for; left to the real system",
			 e->line, e->spec, e->file);
		return 0;
	}
	if (!(it = boot_add_item(e->file)))
		return 0;
	it->spec = sp;
	if (strcmp(e->type, "auto") != 0)
		str_copy(it->fstype, sizeof(it->fstype), e->type);
	str_copy(it->opts, sizeof(it->opts), e->opts);
	it->check = e->passno > 0;
	it->nofail = mo.nofail;
	if (boot_type_is_virtual(e->type)) {
		/* Nothing to wait for: the source is just a name. */
		str_copy(it->dev.node, sizeof(it->dev.node), e->spec);
		it->state = ITEM_READY;
	}
	log_info("fstab: %s on %s will be mounted before the switch", e->spec,
		 e->file);
	return 0;
}

static void boot_read_fstab(void)
{
	char *buf = NULL;
	size_t len;
	int rootfd, fd, r;

	rootfd = open(NEWROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return;
	r = root_open_in(rootfd, "/etc/fstab", O_RDONLY, &fd);
	close(rootfd);
	if (r < 0) {
		log_debug("no /etc/fstab in the new root");
		goto check;
	}
	{
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		r = file_read_all(path, 1u << 20, &buf, &len);
		close(fd);
	}
	if (r < 0) {
		log_warn_errno(r, "reading the new root's /etc/fstab");
		goto check;
	}
	fstab_parse(buf, len, boot_fstab_entry, NULL);
	free(buf);
check:
	for (unsigned i = 0; i < B.cfg.n_mounts; i++) {
		bool found = false;
		for (unsigned k = 0; k < B.n_items; k++)
			found |=
			    strcmp(B.items[k].target, B.cfg.mounts[i]) == 0;
		if (!found)
			log_warn("sesame.mount=%s: not in the new root's "
				 "/etc/fstab, not mounted",
				 B.cfg.mounts[i]);
	}
}

/* ---- handoff ---------------------------------------------------------- */

static int boot_stop_timer(struct loop *l, struct loop_timer *t, void *data)
{
	(void)l;
	(void)t;
	*(bool *)data = true;
	return 0;
}

/*
 * Whether any process is our child: ours, or an orphan the kernel handed
 * to PID 1. waitid() says ECHILD only when there is none at all.
 */
static bool boot_have_children(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 ||
	       errno != ECHILD;
}

/* SIGTERM, a grace period driven by SIGCHLD, then SIGKILL for the rest. */
static void boot_stop_children(void)
{
	struct loop_timer *t = NULL;
	bool expired = false;
	pid_t pids[64];
	int n;

	if (child_count()) {
		child_signal_all(SIGTERM);
		if (loop_timer_new(B.loop, boot_stop_timer, &expired, &t) == 0)
			loop_timer_arm(t, STOP_GRACE_USEC);
		while (child_count() && !expired && t)
			if (loop_run_once(B.loop, -1) < 0)
				break;
		loop_timer_free(t);
		child_signal_all(SIGKILL);
	}
	/* Ours or orphans handed to PID 1: none may outlive the switch. */
	for (int round = 0; round < 3 && boot_have_children(); round++) {
		n = child_scan_proc("/proc", getpid(), pids, 64);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			log_warn("killing leftover process %d", (int)pids[i]);
			sys_kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	}
	child_reap();
	if (boot_have_children()) {
		n = child_scan_proc("/proc", getpid(), pids, 64);
		log_err("%d processes of ours are still alive", n);
	}
}

static const char *const default_inits[] = {"/sbin/init", "/etc/init",
					    "/bin/init"};

static int boot_find_init(const char **initp)
{
	int r;

	if (B.cfg.init[0]) {
		if ((r = switchroot_check_init(NEWROOT, B.cfg.init)) < 0)
			return r;
		*initp = B.cfg.init;
		return 0;
	}
	for (size_t i = 0; i < sizeof(default_inits) / sizeof(default_inits[0]);
	     i++)
		if (switchroot_check_init(NEWROOT, default_inits[i]) == 0) {
			*initp = default_inits[i];
			return 0;
		}
	return -ENOENT;
}

static void boot_print_handoff(void *data)
{
	uint64_t now = loop_now_usec(), total = now - B.t_start;
	uint64_t waiting = B.t_modules + B.t_devices + B.t_paused;
	struct rusage ru;

	(void)data;
	memset(&ru, 0, sizeof(ru));
	getrusage(RUSAGE_SELF, &ru);
	/*
	 * One line, parsed by tests/vm/measure.sh: the first four fields keep
	 * their order and wording.
	 */
	log_info("handoff: total %llu ms, waiting %llu ms, own %llu ms, "
		 "maxrss %ld KiB; modules %llu ms, devices %llu ms, paused "
		 "%llu ms, fsck %llu ms; exec at %llu.%06llu s",
		 (unsigned long long)(total / 1000),
		 (unsigned long long)(waiting / 1000),
		 (unsigned long long)((total - waiting) / 1000), ru.ru_maxrss,
		 (unsigned long long)(B.t_modules / 1000),
		 (unsigned long long)(B.t_devices / 1000),
		 (unsigned long long)(B.t_paused / 1000),
		 (unsigned long long)(B.t_fsck / 1000),
		 (unsigned long long)(now / 1000000),
		 (unsigned long long)(now % 1000000));
	/* The real init must not inherit our blocked signals. */
	sigprocmask(SIG_SETMASK, &B.sigmask_saved, NULL);
}

static void boot_handoff(void)
{
	struct switch_root_args a = {.newroot = NEWROOT,
				     .before_exec = boot_print_handoff};
	char what[400];
	char **argv = NULL;
	const char *init;
	size_t n = 0;
	int r;

	if (boot_break(BREAK_PRE_PIVOT, "pre-pivot"))
		return;
	if ((r = boot_find_init(&init)) < 0) {
		snprintf(what, sizeof(what),
			 "init %s is missing or not executable in the new "
			 "root: %s",
			 B.cfg.init[0] ? B.cfg.init
				       : "(/sbin/init, /etc/init, "
					 "/bin/init)",
			 strerror(-r));
		boot_emergency(what, "check init= and the root file system");
		return;
	}
	B.phase = PHASE_HANDOFF;
	if (B.timeout)
		loop_timer_arm(B.timeout, 0);
	log_info("switching to %s on %s", init, B.items[0].dev.node);
	init_hooks_stop();
	boot_mark("hooks stopped");
	boot_stop_children();
	boot_mark("children stopped");
	early_log_restore();
	while (B.init_args[n])
		n++;
	argv = calloc(n + 2, sizeof(*argv));
	if (!argv) {
		boot_emergency("out of memory before the switch", NULL);
		return;
	}
	argv[0] = (char *)(uintptr_t)init;
	memcpy(argv + 1, B.init_args, n * sizeof(*argv));
	a.init = init;
	a.argv = argv;
	r = switch_root(&a);
	free(argv);
	sigprocmask(SIG_BLOCK, &B.sigmask_ours, NULL);
	snprintf(what, sizeof(what), "switch_root to %s failed: %s", init,
		 strerror(-r));
	B.phase = PHASE_RUNNING;
	boot_emergency(what, "see the lines above");
}

/* ---- the state machine ------------------------------------------------ */

/* Moves the first unfinished item on as far as it can go. */
static void boot_advance(void)
{
	char what[400], spec[300];

	while (B.phase == PHASE_RUNNING) {
		struct mount_item *it = NULL;
		const struct dev_props *d;
		const char *type;
		int r;

		for (unsigned i = 0; i < B.n_items && !it; i++)
			if (B.items[i].state != ITEM_MOUNTED)
				it = &B.items[i];
		if (!it) {
			boot_wait_end();
			boot_handoff();
			return;
		}
		if (it->state == ITEM_WAIT) {
			if (!(d = blockdev_table_find(&B.devs, &it->spec))) {
				boot_wait_begin();
				return;
			}
			boot_wait_end();
			boot_mark("device found");
			it->dev = *d;
			if (it == &B.items[0] &&
			    boot_break(BREAK_PRE_MOUNT, "pre-mount")) {
				return;
			}
			type = it->fstype[0] ? it->fstype : it->dev.type;
			if (!type[0]) {
				spec_format(&it->spec, spec, sizeof(spec));
				snprintf(what, sizeof(what),
					 "%s (%s for %s) holds no file system "
					 "blkid knows",
					 it->dev.node, spec, it->target);
				boot_emergency(what, "check the device, or set "
						     "rootfstype=");
				return;
			}
			if ((r = boot_start_fsck(it, type)) != 0) {
				if (r < 0)
					boot_emergency("cannot run fsck", NULL);
				return;
			}
		}
		/* found and not checked, or checked: ITEM_READY */
		if ((r = boot_mount_item(it)) < 0) {
			it->state = ITEM_WAIT;
			if (it->nofail) {
				it->state = ITEM_MOUNTED;
				continue;
			}
			spec_format(&it->spec, spec, sizeof(spec));
			snprintf(what, sizeof(what),
				 "cannot mount %s (%s) on %s: %s", it->dev.node,
				 spec, it->target, strerror(-r));
			boot_emergency(what,
				       "check rootfstype= and rootflags= (or "
				       "the fstab line); the file system's "
				       "module may be missing from the image");
			return;
		}
		it->state = ITEM_MOUNTED;
		boot_mark(it->target);
		if (it == &B.items[0]) {
			boot_read_fstab();
			if (boot_break(BREAK_MOUNT, "mount"))
				return;
		}
	}
}

/* ---- start up --------------------------------------------------------- */

static void boot_read_config(void)
{
	char *buf = NULL;
	size_t len;
	int r;

	boot_config_init(&B.cfg);
	if ((r = file_read_all(BOOT_CONF, 64u << 10, &buf, &len)) == 0) {
		boot_config_parse(&B.cfg, buf, len, true);
		free(buf);
		buf = NULL;
	} else if (r != -ENOENT) {
		log_warn_errno(r, "reading %s", BOOT_CONF);
	}
	if ((r = file_read_all("/proc/cmdline", 64u << 10, &buf, &len)) == 0) {
		boot_config_parse(&B.cfg, buf, len, false);
		free(buf);
	} else {
		log_warn_errno(r, "reading /proc/cmdline");
	}
}

static void boot_load_modules(void)
{
	char *buf = NULL;
	uint64_t t0 = loop_now_usec();
	size_t len;
	int r, n;

	if ((r = modules_open(&B.kmod)) < 0) {
		log_warn_errno(r, "libkmod");
		return;
	}
	if (file_read_all(MODULE_LIST, 1u << 20, &buf, &len) == 0) {
		if ((n = modules_load_list(B.kmod, buf, len)) > 0)
			log_warn("%d of the image's modules did not load", n);
		free(buf);
	}
	n = modules_coldplug(B.kmod, "/sys/devices");
	B.t_modules += loop_now_usec() - t0;
	log_debug("coldplug: %d modaliases in %llu ms", n,
		  (unsigned long long)((loop_now_usec() - t0) / 1000));
}

static int boot_setup_root(void)
{
	struct mount_item *it = boot_add_item("/");

	if (!it)
		return -ENOMEM;
	if (B.cfg.root.kind == SPEC_NONE) {
		boot_emergency("no root= on the kernel command line or in "
			       "/etc/sesame/boot.conf",
			       "add root=UUID=... (see `blkid` on the server)");
		return -EINVAL;
	}
	it->spec = B.cfg.root;
	str_copy(it->fstype, sizeof(it->fstype), B.cfg.rootfstype);
	str_copy(it->opts, sizeof(it->opts), B.cfg.rootflags);
	it->base_flags = B.cfg.rw ? 0 : MS_RDONLY;
	it->check = true;
	return 0;
}

/* The root search: after the modules, or after an rd.break=cmdline shell. */
static void boot_start(void)
{
	B.started = true;
	if (boot_setup_root() < 0)
		return;
	boot_wait_begin();
	boot_rescan();
	boot_advance();
}

int boot_main(int argc, char **argv)
{
	int r;

	(void)argc;
	B.t_start = loop_now_usec();
	B.init_args = argv + 1;
	log_set_ident("sesame-init");
	early_mount_all();
	early_setup_console();
	boot_read_config();
	early_setup_log(B.cfg.debug);
	boot_mark("early mounts and config");
	log_info("start at %llu.%06llu s (monotonic), version %s",
		 (unsigned long long)(B.t_start / 1000000),
		 (unsigned long long)(B.t_start % 1000000), SESAME_VERSION);
	if ((r = loop_new(&B.loop)) < 0)
		return log_err_errno(r, "event loop");
	if ((r = boot_setup_signals()) < 0)
		log_err_errno(r, "signals");
	if ((r = uevent_open(&B.uevent_fd)) < 0 ||
	    (r = loop_add_fd(B.loop, B.uevent_fd, EPOLLIN, boot_uevent_ready,
			     NULL)) < 0)
		log_err_errno(r, "uevent socket; devices that appear later "
				 "will be missed");
	/* rd.timeout counts from /init's start, module loading included. */
	if ((r = loop_timer_new(B.loop, boot_timeout_fire, NULL, &B.timeout)) <
	    0)
		log_err_errno(r, "timeout timer");
	else if (B.cfg.timeout_sec)
		loop_timer_arm(B.timeout,
			       (uint64_t)B.cfg.timeout_sec * 1000000u);
	boot_load_modules();
	boot_mark("modules");
	init_hooks_start(B.loop, &B.cfg);
	boot_mark("hooks started");
	if (!boot_break(BREAK_CMDLINE, "cmdline"))
		boot_start();
	for (;;)
		if ((r = loop_run_once(B.loop, -1)) < 0 && r != -EINTR)
			return log_err_errno(r, "event loop");
}
