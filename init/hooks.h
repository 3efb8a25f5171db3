/* hooks: how net/, sshd/ and the storage code plug into /init without /init
 * naming them. */
#ifndef SESAME_INIT_HOOKS_H
#define SESAME_INIT_HOOKS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "init/cmdline.h"

struct loop;

/*
 * A part of the boot that runs beside the root search. Every callback is
 * optional and runs in PID 1, so it must not block: watch fds and timers
 * on the loop, start processes with child_spawn() (init/child.h).
 */
struct init_hook {
	const char *name;
	/*
	 * Its boot parameters (read with boot_config_find()): the parser
	 * knows them and checks their form (struct boot_param_decl).
	 */
	const struct boot_param_decl *params;
	unsigned n_params;
	/*
	 * After the early mounts, the configuration and the image's module
	 * list, before the wait for root. *ctxp (NULL before the call) is
	 * what stop and emergency get. A negative return is logged and the
	 * hook is not stopped later; boot goes on.
	 */
	int (*start)(struct loop *l, const struct boot_config *cfg,
		     void **ctxp);
	/*
	 * Root is mounted and init checked; the switch follows. Stop what
	 * you started (kill and let child_reap() collect, close fds), take
	 * the network down. Children still alive after this are sent
	 * SIGTERM, then SIGKILL.
	 */
	void (*stop)(void *ctx);
	/* Boot failed; reason is the message shown. Keep rescue reachable. */
	void (*emergency)(void *ctx, const char *reason);
};

/*
 * Adds a hook (in order); -ENOSPC after 8. sesame-init registers the
 * hooks of init_hook_table, which make generates from INIT_HOOKS (each
 * area's module.mk: INIT_HOOKS += var, the hook's non-static
 * `const struct init_hook var`, and INIT_HOOK_LIBS += its library).
 */
int init_hook_register(const struct init_hook *h);
/* The generated table, NULL-terminated (only in sesame-init). */
extern const struct init_hook *const init_hook_table[];

/* For boot.c: every hook's parameters into c (after boot_config_init). */
void init_hooks_declare(struct boot_config *c);
/* For boot.c: run every hook's callback of that kind. */
void init_hooks_start(struct loop *l, const struct boot_config *cfg);
void init_hooks_stop(void);
void init_hooks_emergency(const char *reason);

/*
 * Calls from hooks into the boot. boot_hold() pauses the rd.timeout while
 * something is legitimately waiting (a LUKS passphrase), boot_release()
 * ends that; boot_fail() enters the emergency path with a message and a
 * hint; boot_rescan() probes every block device again. Every call that
 * moves the boot on (boot_rescan, boot_release_handoff, boot_net_configured,
 * boot_retry) only schedules the boot's step (loop_defer, common/loop.h):
 * it runs on the loop's next iteration, never inside the caller, so a hook
 * may call them from any of its callbacks even though the step may reach
 * the handoff, which stops the hooks.
 */
void boot_hold(void);
void boot_release(void);
/*
 * boot_hold_handoff() keeps the switch to the real root waiting once every
 * mount is done; reason says why, for init's log and the status line
 * ("rd.neednet: the network comes first", "a passphrase attempt is
 * running"): a string that outlives the hold (a literal). Holds count;
 * boot_release_handoff() with the same reason (compared as a string) ends
 * one and, when none is left, lets the switch go on (from the boot's
 * deferred step).
 */
void boot_hold_handoff(const char *reason);
void boot_release_handoff(const char *reason);
void boot_fail(const char *what, const char *hint);
/*
 * A passphrase opened a device (its key derivation is done): the handoff
 * line reports the time from the last such call to the real init's exec.
 */
void boot_note_unlocked(void);

/*
 * The network, for an NFS root (or an NFS mount from fstab): the net hook
 * reports each configured address (client, DHCP server id or ip='s
 * server, next-server, host name, option 17; zero/empty when unknown), and
 * up=false when it is gone. The boot goes on from its deferred step.
 */
struct boot_net_info {
	bool up;
	struct in_addr client, server_id, next_server;
	const char *hostname;  /* NULL: none */
	const char *root_path; /* NULL: none */
};
void boot_net_configured(const struct boot_net_info *info);
/* True when something mounted before the switch lives on NFS: the
 * network must stay up through it. */
bool boot_needs_network(void);
/*
 * Whether boot_retry() would act now: 0 in an emergency, or while the boot
 * waits for a device to appear. Otherwise -EBUSY, with a line for the
 * person asking in why ("busy: fsck of /dev/vda (/) has run for 4 s; ..."):
 * while fsck runs (a second one would check the same device and root would
 * be mounted while it is checked), while an rd.break shell runs (it ends
 * the pause itself), while the switch waits for the network, and during
 * the handoff.
 */
int boot_resume_check(char *why, size_t size);
/*
 * Leaves an emergency (or rescans while waiting for a device) and tries
 * again: devices re-probed, rd.timeout re-armed, a pending emergency
 * reboot cancelled (a rescue shell's `sesame-status --resume`); the rescan
 * and the boot's progress run in its deferred step. -EBUSY, doing nothing,
 * when boot_resume_check() says so.
 */
int boot_retry(void);
void boot_rescan(void);

#endif
