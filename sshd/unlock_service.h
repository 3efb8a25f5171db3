/* unlock_service: what /init runs for unlocking: the LUKS set answered from the
 * socket and the console at once. */
#ifndef SESAME_UNLOCK_SERVICE_H
#define SESAME_UNLOCK_SERVICE_H

#include "common/loop.h"
#include "sshd/luks.h"
#include "sshd/unlock_server.h"

struct unlock_service_config {
	const char *socket_path; /* NULL: UNLOCK_SOCKET_PATH */
	int console_fd;		 /* -1: no console prompt */
	/*
	 * A passphrase opened at least one device (the report names them):
	 * init probes the new /dev/mapper nodes. Called before the answer is
	 * sent.
	 */
	void (*on_opened)(void *data, const struct luks_report *rep);
	/*
	 * An attempt's worker started (1) or ended (0; after its answer was
	 * handled). init keeps the switch to root waiting meanwhile: the
	 * device the worker opens shows up (uevent) before its answer, and
	 * the answer must still reach whoever typed the passphrase. NULL: none.
	 */
	void (*on_attempt)(void *data, int running);
	/* The cap was reached: init carries out action (never a shell). */
	void (*on_exhausted)(void *data, enum luks_fail_action action);
	/* Extra status lines from init (network, what boot waits for). */
	int (*status)(void *data, char *buf, size_t size);
	/* A client asked the boot to go on (rescue); writes what was done. */
	int (*resume)(void *data, char *buf, size_t size);
	void *data;
};

struct unlock_service;

/*
 * Opens the unlock socket and, when console_fd >= 0 and a device is locked,
 * the console prompt. Each passphrase, from either, is tried with
 * luks_try_passphrase(set); when nothing is left locked, the other side is
 * told ("unlocked over SSH" on the console, "unlocked from the console" to
 * waiting `unlock` clients) and stops asking. set is not owned and must
 * outlive the service. cfg is copied.
 */
int unlock_service_start(struct loop *l, struct luks_set *set,
			 const struct unlock_service_config *cfg,
			 struct unlock_service **up);
/*
 * Call after luks_set_add() queued a device: restarts the console prompt
 * when it had stopped and something is locked again.
 */
int unlock_service_devices_changed(struct unlock_service *u);
/*
 * At handoff: tells waiting clients and the console why (NULL: nothing),
 * closes the socket and the prompt, restores the console. NULL-safe.
 */
void unlock_service_stop(struct unlock_service *u, const char *why);

/* True while a passphrase attempt's worker runs. */
int unlock_service_busy(const struct unlock_service *u);

/* The socket's server (tests set its peer uid). */
struct unlock_server *unlock_service_server(struct unlock_service *u);

/* Turns a luks_try_passphrase() report into the answer the sides show. */
void unlock_answer_from_report(const struct luks_report *rep,
			       struct unlock_answer *ans);

#endif
