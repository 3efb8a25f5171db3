/* unlockd_proto: the typed messages between PID 1 and sesame-unlockd over
 * their socketpair. */
#ifndef SESAME_UNLOCKD_PROTO_H
#define SESAME_UNLOCKD_PROTO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The link is an AF_UNIX SOCK_SEQPACKET socketpair: one packet is one
 * message, type (1 byte) then the payload; no packet is longer than
 * UNLOCKD_MSG_MAX. Strings are a 2-byte big-endian length and that many
 * bytes, no NUL among them, each bounded by its field below. No secret
 * ever travels on the link: passphrases reach sesame-unlockd over the
 * unlock socket and the console, never through PID 1.
 *
 * PID 1 to sesame-unlockd:
 *   CONFIG   name, value, has-value (1): one boot parameter it reads
 *   START    wrong attempts already used this boot (2), attempt cut (1):
 *            the configuration is complete; open the socket and prompt
 *   DEVICE   path, uuid, label, partuuid, partlabel: a LUKS device found
 *   STATUS   busy (1), lines, why: init's status lines for
 *            `sesame-status`; whether a resume would act now (busy 0)
 *            or why not (why)
 *   STOP     why: the handoff; answer waiting clients with it and exit
 * sesame-unlockd to PID 1:
 *   STATE    locked (1), open (1), missing (1), wrong attempts used (2),
 *            exhausted (1), fail action (1), attempt running (1)
 *   OPENED   text: names of the devices a passphrase opened
 *   RESUME   (empty): a rescue shell asked the boot to go on
 */
#define UNLOCKD_MSG_MAX 2048
#define UNLOCKD_NAME_MAX 64
#define UNLOCKD_VALUE_MAX 1024
#define UNLOCKD_FIELD_MAX 256
#define UNLOCKD_TEXT_MAX 1536
#define UNLOCKD_STATUS_MAX 768

enum unlockd_msg_type {
	UNLOCKD_MSG_CONFIG = 0x01,
	UNLOCKD_MSG_START = 0x02,
	UNLOCKD_MSG_DEVICE = 0x03,
	UNLOCKD_MSG_STATUS = 0x04,
	UNLOCKD_MSG_STOP = 0x05,
	UNLOCKD_MSG_STATE = 0x81,
	UNLOCKD_MSG_OPENED = 0x82,
	UNLOCKD_MSG_RESUME = 0x83,
};

/* Who sent the bytes: each side accepts only the other's types. */
enum unlockd_side {
	UNLOCKD_FROM_INIT,
	UNLOCKD_FROM_UNLOCKD,
};

struct unlockd_state {
	unsigned locked;     /* devices found and still locked */
	unsigned open;	     /* opened (by us or before us) */
	unsigned missing;    /* wanted and not found yet */
	unsigned wrong;	     /* attempts counted against the cap */
	int exhausted;	     /* the cap is reached */
	int action;	     /* enum luks_fail_action, when exhausted */
	int attempt_running; /* a key derivation is under way */
};

struct unlockd_device {
	char path[UNLOCKD_FIELD_MAX];
	char uuid[UNLOCKD_FIELD_MAX];
	char label[UNLOCKD_FIELD_MAX];
	char partuuid[UNLOCKD_FIELD_MAX];
	char partlabel[UNLOCKD_FIELD_MAX];
};

struct unlockd_msg {
	enum unlockd_msg_type type;
	union {
		struct {
			char name[UNLOCKD_NAME_MAX];
			char value[UNLOCKD_VALUE_MAX];
			int has_value;
		} config;
		struct {
			unsigned wrong; /* already counted this boot */
			int cut;	/* the last process died mid-attempt */
		} start;
		struct unlockd_device device;
		struct {
			int busy;
			char lines[UNLOCKD_STATUS_MAX];
			char why[UNLOCKD_STATUS_MAX];
		} status;
		struct unlockd_state state;
		char text[UNLOCKD_TEXT_MAX]; /* STOP's why, OPENED's names */
	} u;
};

/*
 * Writes m into buf. -EINVAL for a type or a field out of range (a string
 * longer than its field, a count over 255 or 65535), -EMSGSIZE when size
 * is too small.
 */
int unlockd_msg_encode(const struct unlockd_msg *m, uint8_t *buf, size_t size,
		       size_t *lenp);

/*
 * Parses one packet of len bytes from the side from. 0 with *m filled, or
 * -EBADMSG for anything else: an unknown type or one of our own side's,
 * a short or long payload, a string over its field or holding a NUL or a
 * control byte (CONFIG's value and the texts may hold newlines and tabs),
 * a flag that is not 0 or 1, a fail action we do not know. *m may be
 * partly written on failure.
 */
int unlockd_msg_parse(const uint8_t *buf, size_t len, enum unlockd_side from,
		      struct unlockd_msg *m);

/* Sends m on fd without blocking (MSG_DONTWAIT | MSG_NOSIGNAL): 0 or -errno. */
int unlockd_msg_send(int fd, const struct unlockd_msg *m);

#endif
