/* boot_rescue: rd.break shells, the emergency path, retry and hold; the hooks'
 * entry points name PID 1's boot, the rest works on the one it is given. */
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
#include "init/mountopt.h"
#include "init/switchroot.h"
#include "init/sys.h"
#include "init/uevent.h"

static bool boot_shell_present(void)
{
	return access(EMERGENCY_SHELL_PATH, X_OK) == 0;
}

/* ---- the console shell (rd.break, emergency) ---------------------------- */

/* A shell's exit: an rd.break one goes on, an emergency one tries again. */
static void boot_shell_done(struct boot *b, int status, bool is_break)
{
	b->t_paused += loop_now_usec() - b->busy_since;
	log_info("the shell exited (status %d); %s", WEXITSTATUS(status),
		 is_break ? "boot goes on" : "trying the boot again");
	if (is_break) {
		b->phase = PHASE_RUNNING;
		if (!b->started)
			boot_start(); /* after rd.break=cmdline */
		else
			boot_schedule(false);
	} else {
		(void)boot_retry(); /* logs why when it cannot */
	}
}

static void boot_break_shell_exited(pid_t pid, int status, void *data)
{
	(void)pid;
	boot_shell_done(data, status, true);
}

static void boot_emergency_shell_exited(pid_t pid, int status, void *data)
{
	(void)pid;
	boot_shell_done(data, status, false);
}

static int boot_spawn_shell(struct boot *b, bool is_break)
{
	static char sh[] = EMERGENCY_SHELL_PATH;
	char *argv[] = {sh, NULL};
	int r;

	b->busy_since = loop_now_usec();
	r = child_spawn(argv, SYS_SPAWN_CONSOLE,
			is_break ? boot_break_shell_exited
				 : boot_emergency_shell_exited,
			b, NULL);
	if (r < 0)
		log_err_errno(r, "starting %s", EMERGENCY_SHELL_PATH);
	return r;
}

/* A break point: a shell when allowed; returns true if boot must pause. */
bool boot_break(struct boot *b, unsigned which, const char *name)
{
	if (!(b->cfg.breaks & which) || (b->breaks_done & which))
		return false;
	b->breaks_done |= which;
	if (!emergency_break_allowed(&b->cfg, boot_shell_present())) {
		log_warn("rd.break=%s ignored: no console shell allowed "
			 "(add rd.shell)",
			 name);
		return false;
	}
	log_info("rd.break=%s: a shell on the console; exit it to go on", name);
	if (boot_spawn_shell(b, true) < 0)
		return false;
	b->phase = PHASE_BUSY;
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

void boot_emergency(struct boot *b, const char *what, const char *hint)
{
	char seen[1024];
	enum emergency_action a;
	int r;

	b->phase = PHASE_EMERGENCY;
	boot_wait_end();
	if (b->timeout)
		loop_timer_arm(b->timeout, 0);
	blockdev_table_describe(&b->devs, seen, sizeof(seen));
	log_err("emergency: %s", what);
	log_err("block devices seen: %s", seen);
	if (hint)
		log_err("to try: %s", hint);
	init_hooks_emergency(what);
	a = emergency_decide(&b->cfg, boot_shell_present());
	switch (a) {
	case EMERGENCY_SHELL:
		log_err("starting a shell on the console; exit it to try the "
			"boot again");
		if (boot_spawn_shell(b, false) == 0)
			return;
		break;
	case EMERGENCY_REBOOT:
	case EMERGENCY_POWEROFF:
		log_err("%s in %u s (sesame.reboot_delay)",
			emergency_action_name(a), b->cfg.reboot_delay_sec);
		if (!b->reboot_timer &&
		    (r = loop_timer_new(b->loop, boot_reboot_fire,
					(void *)(long)a, &b->reboot_timer)) <
			0) {
			log_err_errno(r, "reboot timer");
			break;
		}
		loop_timer_arm(b->reboot_timer,
			       (uint64_t)b->cfg.reboot_delay_sec * 1000000u +
				   1);
		return;
	default:
		break;
	}
	log_err("waiting (sesame.emergency=wait); no console shell unless "
		"rd.shell is given");
}

void boot_fail(const char *what, const char *hint)
{
	struct boot *b = &boot;

	if (b->phase != PHASE_EMERGENCY && b->phase != PHASE_HANDOFF)
		boot_emergency(b, what, hint);
}

/* ---- holds and resume ---------------------------------------------- */

void boot_hold(void)
{
	struct boot *b = &boot;

	b->holds++;
}

void boot_release(void)
{
	struct boot *b = &boot;

	if (b->holds)
		b->holds--;
}

void boot_handoff_reasons(const struct boot *b, char *buf, size_t size)
{
	size_t off = 0;
	unsigned n = 0;

	if (!size)
		return;
	buf[0] = '\0';
	for (unsigned i = 0; i < BOOT_HANDOFF_WHY_MAX && off < size; i++) {
		int w;
		if (!b->handoff_why[i])
			continue;
		w = snprintf(buf + off, size - off, "%s%s", n++ ? "; " : "",
			     b->handoff_why[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	if (!n && b->handoff_holds)
		snprintf(buf, size, "%u hold(s) without a reason",
			 b->handoff_holds);
}

void boot_hold_handoff(const char *reason)
{
	struct boot *b = &boot;
	char all[300];

	if (!reason || !*reason)
		reason = "a hook holds it";
	b->handoff_holds++;
	for (unsigned i = 0; i < BOOT_HANDOFF_WHY_MAX; i++)
		if (!b->handoff_why[i]) {
			b->handoff_why[i] = reason;
			break;
		}
	if (b->handoff_waiting) { /* the wait is logged already: say more */
		boot_handoff_reasons(b, all, sizeof(all));
		log_info("the switch waits: %s", all);
	}
}

/* From a hook's callback: the switch goes on in the boot's step. */
void boot_release_handoff(const char *reason)
{
	struct boot *b = &boot;

	if (!b->handoff_holds)
		return;
	if (!reason || !*reason)
		reason = "a hook holds it";
	for (unsigned i = 0; i < BOOT_HANDOFF_WHY_MAX; i++)
		if (b->handoff_why[i] && !strcmp(b->handoff_why[i], reason)) {
			b->handoff_why[i] = NULL;
			break;
		}
	if (--b->handoff_holds || !b->handoff_waiting)
		return;
	b->handoff_waiting = false;
	boot_schedule(false);
}

/* The item a fsck runs on, if any. */
static const struct mount_item *boot_fsck_item(const struct boot *b)
{
	for (unsigned i = 0; i < b->n_items; i++)
		if (b->items[i].state == ITEM_FSCK)
			return &b->items[i];
	return NULL;
}

int boot_resume_check(char *why, size_t size)
{
	const struct boot *b = &boot;
	const struct mount_item *it;
	char reasons[200];

	/* Also in an emergency that came while it ran (a hook's boot_fail). */
	if (b->phase != PHASE_HANDOFF && (it = boot_fsck_item(b))) {
		snprintf(
		    why, size,
		    "busy: fsck of %s (%s) has run for %llu s; resume "
		    "would check it twice and mount it while it is "
		    "checked. The boot goes on when fsck ends\n",
		    it->dev.node, it->target,
		    (unsigned long long)((loop_now_usec() - b->busy_since) /
					 1000000u));
		return -EBUSY;
	}
	switch (b->phase) {
	case PHASE_EMERGENCY:
		return 0;
	case PHASE_RUNNING:
		if (!b->handoff_waiting)
			return 0; /* waiting for a device: rescan */
		boot_handoff_reasons(b, reasons, sizeof(reasons));
		snprintf(why, size,
			 "busy: root is mounted and the switch waits (%s); "
			 "resume has nothing to do\n",
			 reasons);
		return -EBUSY;
	case PHASE_BUSY:
		snprintf(why, size,
			 "busy: an rd.break shell runs on the "
			 "console; the boot goes on when it exits\n");
		return -EBUSY;
	case PHASE_HANDOFF:
	default:
		snprintf(why, size,
			 "busy: the switch to the real root is "
			 "under way\n");
		return -EBUSY;
	}
}

int boot_retry(void)
{
	struct boot *b = &boot;
	char why[300];
	int r;

	if ((r = boot_resume_check(why, sizeof(why))) < 0) {
		log_info("not trying the boot again: %.*s",
			 (int)strcspn(why, "\n"), why);
		return r;
	}
	if (b->reboot_timer)
		loop_timer_arm(b->reboot_timer, 0); /* left the emergency */
	b->phase = PHASE_RUNNING;
	if (b->timeout && b->cfg.timeout_sec)
		loop_timer_arm(b->timeout,
			       (uint64_t)b->cfg.timeout_sec * 1000000u);
	boot_schedule(true);
	return 0;
}
