/* fuzz_unlockmsg: unlock socket frames from either side, through the parser and
 * the receive buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshd/unlockproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rbuf[4096];
	struct unlock_reader rd = {.buf = rbuf, .cap = sizeof(rbuf)};
	enum unlock_side from;
	struct unlock_frame f;
	char text[UNLOCK_PAYLOAD_MAX + 1];
	size_t off = 0;

	if (size < 1)
		return 0;
	/* The first byte picks the side and the size of each read. */
	from = data[0] & 1 ? UNLOCK_FROM_SERVER : UNLOCK_FROM_CLIENT;
	size_t chunk = (size_t)(data[0] >> 1) + 1;
	data++;
	size--;
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		if (n > rd.cap - rd.len)
			n = rd.cap - rd.len;
		memcpy(rd.buf + rd.len, data + off, n);
		rd.len += n;
		off += n;
		for (;;) {
			int r = unlock_reader_next(&rd, from, &f);
			if (r == -EAGAIN)
				break;
			if (r < 0) {
				unlock_reader_wipe(&rd);
				return 0;
			}
			if (f.size > rd.len ||
			    f.payload.left > UNLOCK_PAYLOAD_MAX)
				abort();
			unlock_text_sanitize(text, sizeof(text), f.payload);
			unlock_reader_consume(&rd, &f);
		}
	}
	unlock_reader_wipe(&rd);
	return 0;
}
