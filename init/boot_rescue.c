/* boot_rescue: rd.break shells, the emergency path, the root timeout, retry and
 * hold. */
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
#include "init/modules.h"
#include "init/mountopt.h"
#include "init/switchroot.h"
#include "init/sys.h"
#include "init/uevent.h"

static bool boot_shell_present(void)
{
	return access(EMERGENCY_SHELL_PATH, X_OK) == 0;
}

/* ---- the console shell (rd.break, emergency) ---------------------------- */

static void boot_shell_exited(pid_t pid, int status, void *data)
{
	bool is_break = data != NULL;

	(void)pid;
	boot.t_paused += loop_now_usec() - boot.busy_since;
	log_info("the shell exited (status %d); %s", WEXITSTATUS(status),
		 is_break ? "boot goes on" : "trying the boot again");
	if (is_break) {
		boot.phase = PHASE_RUNNING;
		if (!boot.started)
			boot_start(); /* after rd.break=cmdline */
		else
			boot_schedule(false);
	} else {
		(void)boot_retry(); /* logs why when it cannot */
	}
}

static int boot_spawn_shell(bool is_break)
{
	static char sh[] = EMERGENCY_SHELL_PATH;
	char *argv[] = {sh, NULL};
	int r;

	boot.busy_since = loop_now_usec();
	r = child_spawn(argv, SYS_SPAWN_CONSOLE, boot_shell_exited,
			is_break ? (void *)&boot : NULL, NULL);
	if (r < 0)
		log_err_errno(r, "starting %s", EMERGENCY_SHELL_PATH);
	return r;
}

/* A break point: a shell when allowed; returns true if boot must pause. */
bool boot_break(unsigned which, const char *name)
{
	if (!(boot.cfg.breaks & which) || (boot.breaks_done & which))
		return false;
	boot.breaks_done |= which;
	if (!emergency_break_allowed(&boot.cfg, boot_shell_present())) {
		log_warn("rd.break=%s ignored: no console shell allowed "
			 "(add rd.shell)",
			 name);
		return false;
	}
	log_info("rd.break=%s: a shell on the console; exit it to go on", name);
	if (boot_spawn_shell(true) < 0)
		return false;
	boot.phase = PHASE_BUSY;
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

void boot_emergency(const char *what, const char *hint)
{
	char seen[1024];
	enum emergency_action a;
	int r;

	boot.phase = PHASE_EMERGENCY;
	boot_wait_end();
	if (boot.timeout)
		loop_timer_arm(boot.timeout, 0);
	blockdev_table_describe(&boot.devs, seen, sizeof(seen));
	log_err("emergency: %s", what);
	log_err("block devices seen: %s", seen);
	if (hint)
		log_err("to try: %s", hint);
	init_hooks_emergency(what);
	a = emergency_decide(&boot.cfg, boot_shell_present());
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
			emergency_action_name(a), boot.cfg.reboot_delay_sec);
		if (!boot.reboot_timer &&
		    (r = loop_timer_new(boot.loop, boot_reboot_fire,
					(void *)(long)a, &boot.reboot_timer)) <
			0) {
			log_err_errno(r, "reboot timer");
			break;
		}
		loop_timer_arm(boot.reboot_timer,
			       (uint64_t)boot.cfg.reboot_delay_sec * 1000000u +
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
	if (boot.phase != PHASE_EMERGENCY && boot.phase != PHASE_HANDOFF)
		boot_emergency(what, hint);
}

/* ---- holds and resume ---------------------------------------------- */

void boot_hold(void)
{
	boot.holds++;
}

void boot_release(void)
{
	if (boot.holds)
		boot.holds--;
}

void boot_hold_handoff(void)
{
	boot.handoff_holds++;
}

/* From the net hook's callback: the switch goes on in the boot's step. */
void boot_release_handoff(void)
{
	if (!boot.handoff_holds)
		return;
	if (--boot.handoff_holds || !boot.handoff_waiting)
		return;
	boot.handoff_waiting = false;
	boot_schedule(false);
}

/* The item a fsck runs on, if any. */
static const struct mount_item *boot_fsck_item(void)
{
	for (unsigned i = 0; i < boot.n_items; i++)
		if (boot.items[i].state == ITEM_FSCK)
			return &boot.items[i];
	return NULL;
}

int boot_resume_check(char *why, size_t size)
{
	const struct mount_item *it;

	/* Also in an emergency that came while it ran (a hook's boot_fail). */
	if (boot.phase != PHASE_HANDOFF && (it = boot_fsck_item())) {
		snprintf(
		    why, size,
		    "busy: fsck of %s (%s) has run for %llu s; resume "
		    "would check it twice and mount it while it is "
		    "checked. The boot goes on when fsck ends\n",
		    it->dev.node, it->target,
		    (unsigned long long)((loop_now_usec() - boot.busy_since) /
					 1000000u));
		return -EBUSY;
	}
	switch (boot.phase) {
	case PHASE_EMERGENCY:
		return 0;
	case PHASE_RUNNING:
		if (!boot.handoff_waiting)
			return 0; /* waiting for a device: rescan */
		snprintf(why, size,
			 "busy: root is mounted and the switch waits for the "
			 "network (rd.neednet); resume has nothing to do\n");
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
	char why[300];
	int r;

	if ((r = boot_resume_check(why, sizeof(why))) < 0) {
		log_info("not trying the boot again: %.*s",
			 (int)strcspn(why, "\n"), why);
		return r;
	}
	if (boot.reboot_timer)
		loop_timer_arm(boot.reboot_timer, 0); /* left the emergency */
	boot.phase = PHASE_RUNNING;
	if (boot.timeout && boot.cfg.timeout_sec)
		loop_timer_arm(boot.timeout,
			       (uint64_t)boot.cfg.timeout_sec * 1000000u);
	boot_schedule(true);
	return 0;
}
