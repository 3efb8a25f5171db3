/* fuzz_fpfile: /init's reader of the host key fingerprint file; what it
 * prints is never more lines than the input has, nor more than it read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "keys/fpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t lines = 0;
	int n;

	log_set_max_level((enum log_level)0); /* quiet: warnings are expected */
	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	n = keys_fpfile_log_text("fuzz", (const char *)data, size);
	if (n < 0 || (size_t)n > lines + 1)
		abort();
	return 0;
}
