/* fuzz_probemsg: sesame-probe's answers (and PID 1's requests) through their
 * parsers; what parses must encode back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "init/probe_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_result r;
	static uint8_t out[PROBE_MSG_MAX];
	char node[64];
	size_t len;

	if (probe_parse_result(data, size, &r) == 0 &&
	    (probe_encode_result(&r, out, sizeof(out), &len) < 0 ||
	     len != size || memcmp(out, data, len)))
		abort();
	if (probe_parse_request(data, size, node, sizeof(node)) == 0 &&
	    (probe_encode_request(node, out, sizeof(out), &len) < 0 ||
	     len != size || memcmp(out, data, len)))
		abort();
	return 0;
}
