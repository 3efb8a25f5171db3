/* boot: PID 1's start, the wait accounting and the state machine that walks the
 * mounts; the only file that moves the boot on or decides an emergency. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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
#include "init/boot.h"
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
#include "init/probe.h"
#include "init/mountopt.h"
#include "init/switchroot.h"
#include "init/sys.h"
#include "init/uevent.h"

struct boot boot = {.uevent_fd = -1, .signal_fd = -1};

/* ---- waiting accounting ------------------------------------------------ */

/* A debug line with the time since /init started, to see where it goes. */
void boot_mark(const char *what)
{
	log_debug("t+%llu ms: %s",
		  (unsigned long long)((loop_now_usec() - boot.t_start) / 1000),
		  what);
}

/* A span of waiting: starts once (since), ends adding to total. */
static void boot_span(uint64_t *since, uint64_t *total, bool waiting)
{
	uint64_t now = loop_now_usec();

	if (waiting && !*since) {
		*since = now;
	} else if (!waiting && *since) {
		*total += now - *since;
		*since = 0;
	}
}

/* A wanted device is missing (the rd.timeout's wait). */
static void boot_wait_begin(void)
{
	boot_span(&boot.wait_since, &boot.t_devices, true);
}

void boot_wait_end(void)
{
	boot_span(&boot.wait_since, &boot.t_devices, false);
}

/* A mount or the switch waits for module loading: waiting, not own time. */
static void boot_modwait(bool waiting)
{
	boot_span(&boot.modwait_since, &boot.t_modwait, waiting);
}

/* ---- fsck: the one child the state machine waits for ---------------- */

static void boot_fsck_done(pid_t pid, int status, void *data)
{
	struct mount_item *it = data;
	const char *why;

	(void)pid;
	boot.t_fsck += loop_now_usec() - boot.busy_since;
	if (it->state != ITEM_FSCK)
		return;
	if (boot.phase != PHASE_BUSY) {
		/* It ended in an emergency that came meanwhile: a retry
		 * checks it again. */
		it->state = ITEM_WAIT;
		return;
	}
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
		snprintf(it->error, sizeof(it->error),
			 "fsck of %s (%s) failed: %s", it->dev.node, it->target,
			 why);
		it->error_hint = "run `e2fsck -f DEVICE` from a rescue shell, "
				 "or boot with fsck.mode=skip";
		boot.phase = PHASE_RUNNING;
		boot_schedule(false);
		return;
	}
	it->state = ITEM_READY;
	boot.phase = PHASE_RUNNING;
	boot_schedule(false);
}

/* 1 fsck runs (the boot is BUSY until it exits), 0 no check, < 0 error. */
static int boot_start_fsck(struct mount_item *it, const char *type)
{
	const char *argv[6];
	int r;

	if (!boot_fsck_needed(boot.cfg.fsck, it, type))
		return 0;
	fsck_build_argv(it->dev.node, boot.cfg.fsck, argv, 6);
	log_info("checking %s (%s)", it->dev.node, type);
	boot.busy_since = loop_now_usec();
	r = child_spawn((char *const *)(uintptr_t)argv, 0, boot_fsck_done, it,
			NULL);
	if (r < 0)
		return log_err_errno(r, "starting %s", FSCK_PATH);
	it->state = ITEM_FSCK;
	boot.phase = PHASE_BUSY;
	return 1;
}

/* ---- the state machine ------------------------------------------------ */

/* Every mount done: the pre-pivot break, the holds, the switch. */
static void boot_finish(void)
{
	const char *hint = NULL;
	char what[400];

	if (boot.handoff_holds) {
		char why[300];
		if (!boot.handoff_waiting) {
			boot_handoff_reasons(&boot, why, sizeof(why));
			log_info("root is mounted; the switch waits: %s", why);
		}
		boot.handoff_waiting = true;
		boot_wait_begin();
		return;
	}
	/* The real root gets every module coldplug found, as it would from
	 * a synchronous load; the child's end schedules the step again. */
	if (modqueue_busy()) {
		log_debug("root is mounted; the switch waits for modprobe");
		boot_modwait(true);
		return;
	}
	boot_modwait(false);
	boot_wait_end();
	if (boot_break(&boot, BREAK_PRE_PIVOT, "pre-pivot"))
		return;
	if (boot_handoff(&boot, what, sizeof(what), &hint) < 0) {
		boot.phase = PHASE_RUNNING;
		boot_emergency(&boot, what, hint);
	}
}

/* Moves the first unfinished item on as far as it can go. */
static void boot_advance(void)
{
	char what[400], spec[300];
	const char *hint = NULL;

	while (boot.phase == PHASE_RUNNING) {
		struct mount_item *it = NULL;
		const struct dev_props *d;
		const char *type;
		int r;

		for (unsigned i = 0; i < boot.n_items && !it; i++)
			if (boot.items[i].state != ITEM_MOUNTED)
				it = &boot.items[i];
		if (!it) {
			boot_finish();
			return;
		}
		if (it->error[0]) {
			/* a child's verdict, kept for this step */
			snprintf(what, sizeof(what), "%s", it->error);
			it->error[0] = '\0';
			boot_emergency(&boot, what, it->error_hint);
			return;
		}
		if (it->state == ITEM_NFS)
			return; /* the nfs-mount child runs */
		if (it->state == ITEM_WAIT && it->is_nfs) {
			if (it == &boot.items[0] &&
			    boot_break(&boot, BREAK_PRE_MOUNT, "pre-mount"))
				return;
			r = boot_nfs_start(&boot, it, what, sizeof(what),
					   &hint);
			if (r == 0)
				boot_wait_begin();
			else if (r < 0)
				boot_emergency(&boot, what, hint);
			return;
		}
		if (it->state == ITEM_WAIT) {
			if (!(d = blockdev_table_find(&boot.devs, &it->spec))) {
				boot_wait_begin();
				return;
			}
			boot_wait_end();
			boot_mark("device found");
			it->dev = *d;
			if (it == &boot.items[0] &&
			    boot_break(&boot, BREAK_PRE_MOUNT, "pre-mount")) {
				return;
			}
			type = it->fstype[0] ? it->fstype : it->dev.type;
			if (!type[0]) {
				spec_format(&it->spec, spec, sizeof(spec));
				snprintf(what, sizeof(what),
					 "%s (%s for %s) holds no file system "
					 "blkid knows",
					 it->dev.node, spec, it->target);
				boot_emergency(&boot, what,
					       "check the device, or set "
					       "rootfstype=");
				return;
			}
			if ((r = boot_start_fsck(it, type)) != 0) {
				if (r < 0)
					boot_emergency(&boot, "cannot run fsck",
						       NULL);
				return;
			}
		}
		/* found and not checked, or checked: ITEM_READY (NFS: the
		 * child mounted it). Its file system's module, when a
		 * modprobe child may still bring it, first: mount(2) would
		 * otherwise wait in the kernel's request_module(). */
		type = it->fstype[0] ? it->fstype : it->dev.type;
		if (!it->nfs_mounted && boot_fs_module_pending(type)) {
			boot_modwait(true);
			return;
		}
		boot_modwait(false);
		if (!it->nfs_mounted && (r = boot_mount_item(&boot, it)) < 0) {
			it->state = ITEM_WAIT;
			if (it->nofail) {
				it->state = ITEM_MOUNTED;
				continue;
			}
			spec_format(&it->spec, spec, sizeof(spec));
			snprintf(what, sizeof(what),
				 "cannot mount %s (%s) on %s: %s", it->dev.node,
				 spec, it->target, strerror(-r));
			boot_emergency(&boot, what,
				       "check rootfstype= and rootflags= (or "
				       "the fstab line); the file system's "
				       "module may be missing from the image");
			return;
		}
		it->state = ITEM_MOUNTED;
		boot_mark(it->target);
		if (it == &boot.items[0]) {
			boot_read_fstab(&boot);
			if (boot_break(&boot, BREAK_MOUNT, "mount"))
				return;
		}
		/* One mount a turn: mount(2) of a journalled file system can
		 * take a while; the rest of the loop is served between. */
		boot_schedule(false);
		return;
	}
}

/* ---- root wait timeout ------------------------------------------------ */

int boot_timeout_fire(struct loop *l, struct loop_timer *t, void *data)
{
	(void)l;
	(void)t;
	(void)data;
	if (boot.phase != PHASE_RUNNING)
		return 0;
	/* Events that arrived with the timer still count: they schedule the
	 * boot's step, which runs before the decision (deferred steps run in
	 * order). */
	if (boot.uevent_fd >= 0)
		(void)boot_uevents_read(&boot, boot.uevent_fd, UINT_MAX);
	loop_defer(boot.timeout_check);
	return 0;
}

/* The rd.timeout decision, a deferred step after boot_step. */
static void boot_timeout_check(struct loop *l, void *data)
{
	char what[600], spec[300];
	struct mount_item *it = NULL;
	int r;

	(void)l;
	(void)data;
	if (boot.phase != PHASE_RUNNING)
		return;
	if (probe_pending()) {
		/* Devices are being read: their answers come first. */
		if ((r = loop_timer_arm(boot.timeout, 200000)) < 0)
			log_err_errno(r, "timeout timer");
		return;
	}
	if (boot.holds) {
		/* Someone waits for a passphrase: look again later. */
		if ((r = loop_timer_arm(boot.timeout,
					(uint64_t)boot.cfg.timeout_sec *
					    1000000u)) < 0)
			log_err_errno(r, "timeout timer");
		return;
	}
	for (unsigned i = 0; i < boot.n_items; i++)
		if ((boot.items[i].state == ITEM_WAIT ||
		     boot.items[i].state == ITEM_NFS) &&
		    !boot.items[i].nofail) {
			it = &boot.items[i];
			break;
		}
	if (!it) {
		/* Only nofail mounts are missing: boot without them. */
		for (unsigned i = 0; i < boot.n_items; i++) {
			struct mount_item *n = &boot.items[i];
			if (n->state != ITEM_WAIT && n->state != ITEM_NFS)
				continue;
			spec_format(&n->spec, spec, sizeof(spec));
			log_warn("%s (%s) not found after %u s; skipped "
				 "(nofail)",
				 n->target, spec, boot.cfg.timeout_sec);
			n->state = ITEM_MOUNTED;
		}
		boot_wait_end();
		boot_schedule(false);
		return;
	}
	if (it->is_nfs) {
		boot_nfs_describe(&boot, it, what, sizeof(what));
		boot_emergency(&boot, what,
			       "check that the server runs and exports "
			       "the path to this address; SSH rescue "
			       "stays up; `sesame-status --resume` "
			       "tries again");
		return;
	}
	spec_format(&it->spec, spec, sizeof(spec));
	snprintf(what, sizeof(what), "%s device %s not found after %u s",
		 strcmp(it->target, "/") == 0 ? "root" : it->target, spec,
		 boot.cfg.timeout_sec);
	boot_emergency(&boot, what,
		       "check root= (and the fstab entry), or add the "
		       "disk's driver to the image with `sesame build "
		       "-m MODULE`; rd.timeout= waits longer");
}

/* The deferred step: the only caller of boot_advance(). */
static void boot_step(struct loop *l, void *data)
{
	(void)l;
	(void)data;
	if (boot.rescan_pending) {
		boot.rescan_pending = false;
		boot_rescan_now(&boot);
	}
	boot_advance();
}

void boot_schedule(bool rescan)
{
	if (rescan)
		boot.rescan_pending = true;
	loop_defer(boot.step);
}

int boot_loop_init(struct loop *l)
{
	int r;

	boot.loop = l;
	if ((r = loop_defer_new(l, boot_step, NULL, &boot.step)) < 0 ||
	    (r = loop_defer_new(l, boot_timeout_check, NULL,
				&boot.timeout_check)) < 0 ||
	    (r = loop_timer_new(l, boot_timeout_fire, NULL, &boot.timeout)) < 0)
		return r;
	return 0;
}

void boot_note_unlocked(void)
{
	boot.t_unlocked = loop_now_usec();
}

/* ---- start up --------------------------------------------------------- */

static void boot_read_config(void)
{
	char *buf = NULL;
	size_t len;
	int r;

	boot_config_init(&boot.cfg);
	init_hooks_declare(&boot.cfg);
	if ((r = file_read_all(BOOT_CONF, 64u << 10, &buf, &len)) == 0) {
		boot_config_parse(&boot.cfg, buf, len, true);
		free(buf);
		buf = NULL;
	} else if (r != -ENOENT) {
		log_warn_errno(r, "reading %s", BOOT_CONF);
	}
	if ((r = file_read_all("/proc/cmdline", 64u << 10, &buf, &len)) == 0) {
		boot_config_parse(&boot.cfg, buf, len, false);
		free(buf);
	} else {
		log_warn_errno(r, "reading /proc/cmdline");
	}
}

/* The module queue ran dry: a mount or the switch may wait for it. */
static void boot_modules_idle(void)
{
	boot_schedule(false);
}

/*
 * The image's module list and the coldplug walk run in a modprobe child
 * (init/modqueue.h): the hooks start meanwhile, and the devices the
 * modules bring arrive as uevents whenever they are ready.
 */
static void boot_load_modules(void)
{
	int r;

	if ((r = modqueue_init(boot.loop, NULL, boot_modules_idle)) < 0 ||
	    (r = modqueue_boot(MODULE_LIST, "/sys/devices")) < 0)
		log_warn_errno(r, "no module loading");
}

static int boot_setup_root(void)
{
	struct mount_item *it = boot_add_item(&boot, "/");
	const char *nfsroot = boot_config_get(&boot.cfg, "nfsroot");
	char err[NFS_ERR_MAX];

	if (!it)
		return -ENOMEM;
	if (boot.cfg.root.kind == SPEC_NFS ||
	    (boot.cfg.root.kind == SPEC_NONE && nfsroot)) {
		it->spec = boot.cfg.root;
		it->spec.kind = SPEC_NFS;
		it->base_flags = boot.cfg.rw ? 0 : MS_RDONLY;
		if (boot_nfs_item(it,
				  boot.cfg.root.kind == SPEC_NFS
				      ? boot.cfg.root.value
				      : NULL,
				  nfsroot, err, sizeof(err)) < 0) {
			boot_emergency(&boot, err,
				       "see docs/nfs.md for the forms "
				       "root= and nfsroot= take");
			return -EINVAL;
		}
		return 0;
	}
	if (boot.cfg.root.kind == SPEC_NONE) {
		boot_emergency(&boot,
			       "no root= on the kernel command line or in "
			       "/etc/sesame/boot.conf",
			       "add root=UUID=... (see `blkid` on the server)");
		return -EINVAL;
	}
	it->spec = boot.cfg.root;
	str_copy(it->fstype, sizeof(it->fstype), boot.cfg.rootfstype);
	str_copy(it->opts, sizeof(it->opts), boot.cfg.rootflags);
	it->base_flags = boot.cfg.rw ? 0 : MS_RDONLY;
	it->check = true;
	return 0;
}

/* The root search: after the modules, or after an rd.break=cmdline shell. */
void boot_start(void)
{
	boot.started = true;
	if (boot_setup_root() < 0)
		return;
	boot_wait_begin();
	boot_schedule(true);
}

int boot_main(int argc, char **argv)
{
	struct loop *l = NULL;
	int r;

	(void)argc;
	boot.t_start = loop_now_usec();
	boot.init_args = argv + 1;
	log_set_ident("sesame-init");
	early_mount_all();
	early_setup_console();
	boot_read_config();
	early_setup_log(boot.cfg.debug);
	boot_mark("early mounts and config");
	log_info("start at %llu.%06llu s (monotonic), version %s",
		 (unsigned long long)(boot.t_start / 1000000),
		 (unsigned long long)(boot.t_start % 1000000), SESAME_VERSION);
	if ((r = loop_new(&l)) < 0 || (r = boot_loop_init(l)) < 0 ||
	    (r = probe_init(l, NULL, boot_block_probed, &boot)) < 0)
		return log_err_errno(r, "event loop");
	if ((r = boot_setup_signals(&boot)) < 0)
		log_err_errno(r, "signals");
	if ((r = uevent_open(&boot.uevent_fd)) < 0 ||
	    (r = loop_add_fd(boot.loop, boot.uevent_fd, EPOLLIN,
			     boot_uevent_ready, &boot)) < 0)
		log_err_errno(r, "uevent socket; devices that appear later "
				 "will be missed");
	/* rd.timeout counts from /init's start, module loading included. */
	if (boot.cfg.timeout_sec)
		loop_timer_arm(boot.timeout,
			       (uint64_t)boot.cfg.timeout_sec * 1000000u);
	boot_load_modules();
	boot_mark("modules");
	init_hooks_start(boot.loop, &boot.cfg);
	boot_mark("hooks started");
	if (!boot_break(&boot, BREAK_CMDLINE, "cmdline"))
		boot_start();
	for (;;)
		if ((r = loop_run_once(boot.loop, -1)) < 0 && r != -EINTR)
			return log_err_errno(r, "event loop");
}
