/* fuzz_cmdline_split: the parameter-word splitter (common/cmdline_split.h);
 * the first byte picks file or command line and the word size. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/cmdline_split.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char word[1025];
	struct cmdline_split s;
	size_t wsize;
	unsigned n = 0;
	int r;

	if (size < 1)
		return 0;
	/* small sizes reach the bound often: 2 .. 129, or the real 1025 */
	wsize = data[0] & 0x80 ? sizeof(word) : 2u + (data[0] & 0x7f);
	cmdline_split_init(&s, (const char *)data + 1, size - 1, data[0] & 1);
	while ((r = cmdline_split_next(&s, word, wsize)) != 0) {
		size_t wl = strlen(word);
		assert(wl < wsize);
		assert(r == 1 || r == -ENAMETOOLONG || r == -EILSEQ);
		if (r == 1) {
			assert(wl > 0);
			assert(!memchr(word, '"', wl));
			for (size_t i = 0; i < wl; i++)
				assert((unsigned char)word[i] >= 0x20 &&
				       word[i] != 0x7f);
		}
		assert(++n <= size); /* every word consumes input */
	}
	assert(s.off <= s.len);
	return 0;
}
