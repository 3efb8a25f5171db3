/* unlockproto: the unlock socket's length-framed messages, and the blocking
 * client side of them. */
#ifndef SESAME_UNLOCKPROTO_H
#define SESAME_UNLOCKPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/cursor.h"

#define UNLOCK_SOCKET_DIR "/run/sesame"
#define UNLOCK_SOCKET_PATH "/run/sesame/unlock.sock"

/*
 * A frame: type (1 byte), payload length (2 bytes, big-endian), payload.
 * Payloads are at most UNLOCK_PAYLOAD_MAX bytes.
 */
#define UNLOCK_HEADER_LEN 3
#define UNLOCK_PAYLOAD_MAX 1024
#define UNLOCK_FRAME_MAX (UNLOCK_HEADER_LEN + UNLOCK_PAYLOAD_MAX)

enum unlock_msg_type {
	/* client -> server */
	UNLOCK_MSG_PASSPHRASE = 0x01, /* the passphrase bytes, no newline */
	UNLOCK_MSG_STATUS_REQ = 0x02, /* empty */
	UNLOCK_MSG_RESUME =
	    0x03, /* empty: rescan devices, leave an emergency */
	/* server -> client */
	UNLOCK_MSG_RESULT = 0x81,    /* code (1), wait s (2, BE), text lines */
	UNLOCK_MSG_STATUS = 0x82,    /* text lines */
	UNLOCK_MSG_CANCELLED = 0x83, /* text: unlocked elsewhere; closes */
};

/* The first byte of a RESULT. */
enum unlock_code {
	UNLOCK_OK = 0,	    /* nothing is left locked */
	UNLOCK_PARTIAL = 1, /* opened some; others still locked */
	UNLOCK_WRONG = 2,   /* wrong passphrase; see the text for the delay */
	UNLOCK_WAIT = 3,    /* too early; not tried */
	UNLOCK_REFUSED = 4, /* no attempts left this boot */
	UNLOCK_ERROR = 5,   /* anything else (text says what) */
	UNLOCK_CODE_MAX = UNLOCK_ERROR,
};

/* Who sent the bytes being parsed: each side accepts only the other's types. */
enum unlock_side {
	UNLOCK_FROM_CLIENT,
	UNLOCK_FROM_SERVER,
};

struct unlock_frame {
	uint8_t type;
	struct cursor payload; /* points into the parsed bytes */
	size_t size;	       /* header + payload */
};

/*
 * Parses the frame at the front of c. 0: *f filled and c advanced past it;
 * -EAGAIN: the frame is not complete yet (c unchanged); -EBADMSG: the bytes
 * can never become a valid frame (length over UNLOCK_PAYLOAD_MAX, unknown
 * type or one from the wrong side, STATUS_REQ with a payload, RESULT
 * shorter than 3 bytes or without a known code, PASSPHRASE empty); c
 * unchanged.
 */
int unlock_frame_parse(struct cursor *c, enum unlock_side from,
		       struct unlock_frame *f);
/*
 * A RESULT's fields: the code, the seconds until the next passphrase may be
 * tried (0: now), and the text. -EBADMSG when f is no RESULT.
 */
int unlock_result_parse(const struct unlock_frame *f, enum unlock_code *code,
			unsigned *wait_sec, struct cursor *text);
/* Writes a frame into buf; -EMSGSIZE when len or size is too small. */
int unlock_frame_encode(uint8_t type, const void *payload, size_t len,
			uint8_t *buf, size_t size, size_t *outlen);

/*
 * A receive buffer of cap bytes (at least UNLOCK_FRAME_MAX) owned by the
 * caller; the server's lives in locked memory because it holds passphrases.
 */
struct unlock_reader {
	uint8_t *buf;
	size_t cap;
	size_t len;
};

/* One read(2) into the free space: >0 bytes read, 0 at EOF, or -errno. */
int unlock_reader_fill(struct unlock_reader *r, int fd);
/* Parses the next whole frame in the buffer (as unlock_frame_parse). */
int unlock_reader_next(struct unlock_reader *r, enum unlock_side from,
		       struct unlock_frame *f);
/* Drops a frame returned by unlock_reader_next, wiping the bytes freed. */
void unlock_reader_consume(struct unlock_reader *r,
			   const struct unlock_frame *f);
/* Wipes the whole buffer and empties it. */
void unlock_reader_wipe(struct unlock_reader *r);

/* Sends one frame (header and payload without copying); all or -errno. */
int unlock_send(int fd, uint8_t type, const void *payload, size_t len);
/* Connects to the socket at path (blocking, close-on-exec). */
int unlock_client_connect(const char *path, int *fdp);

/* Copies text for a terminal: control characters except '\n' become '?'. */
void unlock_text_sanitize(char *dst, size_t size, struct cursor text);

#endif
