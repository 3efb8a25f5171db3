/* boot_handoff: stopping everything we started, checking init, the switch. */
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
#include "init/modqueue.h"
#include "init/probe.h"
#include "init/child.h"
#include "init/cmdline.h"
#include "init/early.h"
#include "init/emergency.h"
#include "init/fsck.h"
#include "init/fstab.h"
#include "init/hooks.h"
#include "common/loop.h"
#include "init/mountopt.h"
#include "init/switchroot.h"
#include "init/sys.h"
#include "init/uevent.h"

/* ---- handoff ---------------------------------------------------------- */

/* The real system under child_kill_all(): /proc, kill(2), SIGCHLD in the loop.
 */
static int boot_kill_scan(void *data, struct child_proc *ps, unsigned max)
{
	(void)data;
	return child_scan_all("/proc", getpid(), ps, max);
}

static int boot_kill_kill(void *data, pid_t pid, int sig)
{
	(void)data;
	return sys_kill(pid, sig);
}

static void boot_kill_reap(void *data)
{
	(void)data;
	child_reap();
}

/* The signalfd's SIGCHLD (which reaps) or another event wakes the loop. */
static void boot_kill_wait(void *data, uint64_t deadline)
{
	struct boot *b = data;
	uint64_t now = loop_now_usec();

	if (now < deadline)
		loop_run_once(b->loop, (int)((deadline - now + 999) / 1000));
}

static uint64_t boot_kill_now(void *data)
{
	(void)data;
	return loop_now_usec();
}

static const struct child_kill_ops boot_kill_ops = {
    .scan = boot_kill_scan,
    .kill = boot_kill_kill,
    .reap = boot_kill_reap,
    .wait = boot_kill_wait,
    .now = boot_kill_now,
};

/*
 * SIGTERM to our children and a grace period driven by SIGCHLD, then
 * SIGKILL to every process left, round after round, all under one
 * deadline: none may outlive the switch, and none may hang PID 1.
 */
static void boot_stop_children(struct boot *b)
{
	uint64_t t0 = loop_now_usec(), grace = t0 + STOP_GRACE_USEC;
	uint64_t deadline = t0 + STOP_DEADLINE_USEC, now;
	struct child_proc left[8];
	unsigned n_left = 0;
	char list[512];
	int r;

	if (child_count()) {
		child_signal_all(SIGTERM);
		while (child_count() && (now = loop_now_usec()) < grace)
			if (loop_run_once(
				b->loop, (int)((grace - now + 999) / 1000)) < 0)
				break;
	}
	r = child_kill_all(&boot_kill_ops, b, deadline, left,
			   sizeof(left) / sizeof(left[0]), &n_left);
	if (r == -ETIMEDOUT) {
		child_describe(left, n_left, list, sizeof(list));
		log_err("%u process(es) survived the handoff, %u s after "
			"SIGTERM: %s; switching anyway",
			n_left, STOP_DEADLINE_USEC / 1000000u, list);
	} else if (r < 0) {
		log_err_errno(r, "scanning /proc for processes left over");
	}
}

static const char *const default_inits[] = {"/sbin/init", "/etc/init",
					    "/bin/init"};

static int boot_find_init(const struct boot *b, const char **initp)
{
	int r;

	if (b->cfg.init[0]) {
		if ((r = switchroot_check_init(NEWROOT, b->cfg.init)) < 0)
			return r;
		*initp = b->cfg.init;
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
	struct boot *b = data;
	uint64_t now = loop_now_usec(), total = now - b->t_start;
	/* Modules load in children beside the wait for devices: their
	 * time is shown; only a mount's or the switch's wait for them is
	 * waiting. */
	uint64_t waiting = b->t_devices + b->t_paused + b->t_modwait;
	uint64_t modules = modqueue_busy_usec();
	struct rusage ru;
	char unlocked[64] = "";

	memset(&ru, 0, sizeof(ru));
	getrusage(RUSAGE_SELF, &ru);
	if (b->t_unlocked)
		snprintf(unlocked, sizeof(unlocked),
			 ", unlocked to exec %llu ms",
			 (unsigned long long)((now - b->t_unlocked) / 1000));
	/*
	 * One line, parsed by tests/vm/measure.sh: the first four fields keep
	 * their order and wording. The longest stall is the event loop's
	 * (loop_stall_max_usec) up to the handoff, the step that started it
	 * included; "unlocked to exec" counts from the last
	 * passphrase that opened a device, its key derivation done.
	 */
	log_info("handoff: total %llu ms, waiting %llu ms, own %llu ms, "
		 "maxrss %ld KiB; modules %llu ms, devices %llu ms, paused "
		 "%llu ms, fsck %llu ms; longest stall %llu ms before the "
		 "handoff%s; exec at %llu.%06llu s",
		 (unsigned long long)(total / 1000),
		 (unsigned long long)(waiting / 1000),
		 (unsigned long long)((total - waiting) / 1000), ru.ru_maxrss,
		 (unsigned long long)(modules / 1000),
		 (unsigned long long)(b->t_devices / 1000),
		 (unsigned long long)(b->t_paused / 1000),
		 (unsigned long long)(b->t_fsck / 1000),
		 (unsigned long long)(b->stall_boot / 1000), unlocked,
		 (unsigned long long)(now / 1000000),
		 (unsigned long long)(now % 1000000));
	/* The real init must not inherit our blocked signals. */
	sigprocmask(SIG_SETMASK, &b->sigmask_saved, NULL);
}

int boot_handoff(struct boot *b, char *what, size_t size, const char **hint)
{
	struct switch_root_args a = {
	    .newroot = NEWROOT, .before_exec = boot_print_handoff, .data = b};
	char **argv = NULL;
	const char *init;
	size_t n = 0;
	int r;

	if ((r = boot_find_init(b, &init)) < 0) {
		snprintf(what, size,
			 "init %s is missing or not executable in the new "
			 "root: %s",
			 b->cfg.init[0] ? b->cfg.init
					: "(/sbin/init, /etc/init, /bin/init)",
			 strerror(-r));
		*hint = "check init= and the root file system";
		return r;
	}
	b->phase = PHASE_HANDOFF;
	/* The handoff itself stops everything: its stall is not the boot's. */
	b->stall_boot = loop_stall_max_usec(b->loop);
	if (b->timeout)
		loop_timer_arm(b->timeout, 0);
	log_info("switching to %s on %s", init, b->items[0].dev.node);
	modqueue_stop();
	probe_stop();
	init_hooks_stop();
	boot_mark("hooks stopped");
	boot_stop_children(b);
	boot_mark("children stopped");
	early_log_restore();
	while (b->init_args[n])
		n++;
	argv = calloc(n + 2, sizeof(*argv));
	if (!argv) {
		snprintf(what, size, "out of memory before the switch");
		*hint = NULL;
		return -ENOMEM;
	}
	argv[0] = (char *)(uintptr_t)init;
	memcpy(argv + 1, b->init_args, n * sizeof(*argv));
	a.init = init;
	a.argv = argv;
	r = switch_root(&a);
	free(argv);
	sigprocmask(SIG_BLOCK, &b->sigmask_ours, NULL);
	snprintf(what, size, "switch_root to %s failed: %s", init,
		 strerror(-r));
	*hint = "see the lines above";
	return r;
}
