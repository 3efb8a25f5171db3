/* probe_proto: the messages between PID 1 and sesame-probe, the process that
 * runs libblkid on block devices. */
#ifndef SESAME_INIT_PROBE_PROTO_H
#define SESAME_INIT_PROBE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "init/spec.h"

/*
 * A SOCK_SEQPACKET socketpair, one message a packet. PID 1 asks PROBE
 * with the device node (a string: 2-byte big-endian length, bytes, no NUL
 * or control byte); sesame-probe answers each PROBE in order with RESULT:
 * the errno of the probe (2 bytes, 0 when it worked), then TYPE, UUID,
 * LABEL, PART_ENTRY_UUID, PART_ENTRY_NAME as strings, each bounded by its
 * struct dev_props field. The answer is untrusted (sesame-probe parsed a
 * disk anyone may have plugged in): every byte is checked.
 */
#define PROBE_MSG_MAX 1024

enum probe_msg_type {
	PROBE_MSG_PROBE = 0x01,
	PROBE_MSG_RESULT = 0x81,
};

/* A RESULT: err (0 or a positive errno) and the fields it fills in p. */
struct probe_result {
	int err;
	char type[sizeof(((struct dev_props *)0)->type)];
	char uuid[sizeof(((struct dev_props *)0)->uuid)];
	char label[sizeof(((struct dev_props *)0)->label)];
	char partuuid[sizeof(((struct dev_props *)0)->partuuid)];
	char partlabel[sizeof(((struct dev_props *)0)->partlabel)];
};

/* PROBE for node; -EINVAL for a node that does not fit or has bad bytes. */
int probe_encode_request(const char *node, uint8_t *buf, size_t size,
			 size_t *lenp);
/* The node of a PROBE into node (size bytes); -EBADMSG otherwise. */
int probe_parse_request(const uint8_t *buf, size_t len, char *node,
			size_t size);
/* RESULT from r; -EINVAL for a field that does not fit. */
int probe_encode_result(const struct probe_result *r, uint8_t *buf, size_t size,
			size_t *lenp);
/*
 * A RESULT into r: -EBADMSG for another type, a short or long packet, a
 * string over its field or holding a NUL or control byte (UTF-8 labels
 * are fine), an errno over 4095, or a TYPE with bytes blkid's type names
 * never have.
 */
int probe_parse_result(const uint8_t *buf, size_t len, struct probe_result *r);

#endif
