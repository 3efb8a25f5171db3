/* luks_worker: one passphrase attempt's libcryptsetup work in a forked
 * process, so that its crash or abort never reaches /init. */
#ifndef SESAME_LUKS_WORKER_H
#define SESAME_LUKS_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "common/loop.h"
#include "sshd/luks.h"

struct luks_worker;

/*
 * The end of an attempt, called from the loop: a is the worker's checked-in
 * answer (pass it to luks_attempt_finish()), or NULL when there was none
 * and why says what happened ("killed by signal 6 (Aborted)"; pass it to
 * luks_attempt_failed()). The worker is freed right after the call: forget
 * it there.
 */
typedef void (*luks_worker_done_fn)(void *data, const struct luks_attempt *a,
				    const char *why);

/*
 * Runs luks_attempt_run(s, pass, len) in a forked process and reports its
 * outcome to done through l. Call luks_attempt_begin() first. The process
 * is a child (the monitor, in a process group of its own) of a child (the
 * worker): the monitor waits for the worker and reports how it ended over
 * the same pipe, so the outcome never depends on who reaps what in /init.
 * Devices the worker activates stay active after it exits. Faults are
 * injected in tests through the set's activate seam (luks_set_set_sys()). pass
 * is copied into memory the worker inherits by fork (never argv, env or a
 * file), wiped here before this returns and by the worker after its work.
 * Returns 0 with *wp set, or a negative errno (nothing started).
 */
int luks_worker_start(struct loop *l, const struct luks_set *s,
		      const char *pass, size_t len, luks_worker_done_fn done,
		      void *data, struct luks_worker **wp);
/* Kills the worker and its monitor; done is not called. NULL-safe. */
void luks_worker_cancel(struct luks_worker *w);

/*
 * The pipe's messages, exposed for the tests and the fuzzer: frames of
 * type (1 byte), length (2 bytes big-endian), payload. RESULT (from the
 * worker): the devices count, the entries count, 15 bytes per entry
 * (device, outcome, kdf, key slot, errno as 2 bytes; then, for
 * LUKS_OUT_NO_MEMORY and 0 otherwise, the PBKDF, the MiB the key slot
 * needs and the MiB available, 4 bytes each; big-endian). STATUS (from
 * the monitor, last): how (0 exited, 1 killed), the exit status or signal,
 * core dumped.
 */
#define LUKS_WORKER_MSG_MAX 512
enum luks_worker_msg {
	LUKS_WORKER_RESULT = 0x01,
	LUKS_WORKER_STATUS = 0x02,
};

struct luks_worker_end {
	int have_result; /* a RESULT came and is in a */
	int have_status; /* a STATUS came */
	int killed;	 /* by a signal */
	int code;	 /* exit status, or the signal */
};

/* Writes a's RESULT frame; -EMSGSIZE when it does not fit size. */
int luks_worker_encode_result(const struct luks_attempt *a, uint8_t *buf,
			      size_t size, size_t *lenp);
/*
 * Parses everything the pipe gave: at most one RESULT, then exactly one
 * STATUS, nothing after. -EBADMSG for anything else (untrusted: the worker
 * parsed a hostile disk header). a's entries are checked for range here;
 * against the set by luks_attempt_finish().
 */
int luks_worker_parse(const uint8_t *buf, size_t len, struct luks_attempt *a,
		      struct luks_worker_end *end);

#endif
