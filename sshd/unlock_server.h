/* unlock_server: init's end of the unlock socket, driven by the event loop. */
#ifndef SESAME_UNLOCK_SERVER_H
#define SESAME_UNLOCK_SERVER_H

#include <stddef.h>
#include <sys/types.h>

#include "common/loop.h"
#include "sshd/unlockproto.h"

/* The answer to one passphrase: a code and text lines for the person. */
struct unlock_answer {
	enum unlock_code code;
	unsigned wait_sec; /* until the next try is allowed (WRONG, WAIT) */
	char text[UNLOCK_PAYLOAD_MAX - 3]; /* NUL-terminated */
};

/*
 * What init does with a passphrase, shared by the socket and the console
 * prompt. pass is len bytes (not NUL-terminated) in locked memory that is
 * wiped as soon as the call returns: use it, never keep or copy it. Returns
 * 0 with ans filled; UNLOCK_ANSWER_LATER when the answer comes later
 * (unlock_server_answer(), console_prompt_answer(); the asker waits and
 * reads nothing more meanwhile); -EBUSY when it cannot be tried now (the
 * asker keeps the passphrase and offers it again when told:
 * unlock_server_retry(), console_prompt_retry()). Another negative return
 * is shown as UNLOCK_ERROR with its strerror.
 */
#define UNLOCK_ANSWER_LATER 1
typedef int (*unlock_passphrase_fn)(void *data, const char *pass, size_t len,
				    struct unlock_answer *ans);
/* Writes the status text (devices found/locked/unlocked, what boot waits for).
 */
typedef int (*unlock_status_fn)(void *data, char *buf, size_t size);

struct unlock_server_ops {
	unlock_passphrase_fn passphrase;
	unlock_status_fn status;
	/* A RESUME request (a rescue shell's `sesame-status --resume`): the
	 * boot goes on; answered with a STATUS frame of this text. NULL:
	 * "resume: not supported". */
	unlock_status_fn resume;
};

struct unlock_server;

/*
 * Listens on path (a UNIX stream socket, mode 0600; its directory is made
 * 0700 when missing; a stale socket is replaced) and serves up to 8 clients
 * at once through l. Only peers with uid 0 (SO_PEERCRED) are served. ops and
 * data must outlive the server.
 */
int unlock_server_new(struct loop *l, const char *path,
		      const struct unlock_server_ops *ops, void *data,
		      struct unlock_server **sp);
/* Closes every client and the socket, unlinks it, wipes the buffers. */
void unlock_server_free(struct unlock_server *s);
/* The uid allowed to connect (0 unless a test sets it). */
void unlock_server_set_peer_uid(struct unlock_server *s, uid_t uid);
/*
 * Tells every connected client except the one being answered (now, or
 * later: UNLOCK_ANSWER_LATER) that boot was unlocked elsewhere (a CANCELLED frame with text, e.g.
 * "unlocked from the console"), then closes them. Returns how many were
 * told.
 */
int unlock_server_broadcast(struct unlock_server *s, const char *text);
/*
 * The answer for the client whose passphrase got UNLOCK_ANSWER_LATER; its
 * next frames are read again. -ENOTCONN when it went away meanwhile.
 */
int unlock_server_answer(struct unlock_server *s,
			 const struct unlock_answer *ans);
/* Offers the passphrases that got -EBUSY again, in the clients' order. */
void unlock_server_retry(struct unlock_server *s);
/* Clients connected now. */
unsigned unlock_server_clients(const struct unlock_server *s);

#endif
