/* fuzz_unlockdmsg: one packet of the PID 1 <-> sesame-unlockd link, parsed as
 * either side; what parses must encode back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/unlockd_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct unlockd_msg m;
	static uint8_t out[UNLOCKD_MSG_MAX];
	enum unlockd_side from;
	size_t len;

	if (size < 1)
		return 0;
	/* The first byte picks the side. */
	from = data[0] & 1 ? UNLOCKD_FROM_UNLOCKD : UNLOCKD_FROM_INIT;
	if (unlockd_msg_parse(data + 1, size - 1, from, &m) < 0)
		return 0;
	/* The parser's output is the encoder's input: the same bytes. */
	if (unlockd_msg_encode(&m, out, sizeof(out), &len) < 0 ||
	    len != size - 1 || memcmp(out, data + 1, len))
		abort();
	return 0;
}
