/* fuzz_list: the gen_init_cpio list parser, finisher and printer on any bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/log.h"
#include "image/list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_list l;
	char line[2 * 4096 + 64];

	log_set_max_level(LOG_LVL_ERR - 1); /* quiet: errors are expected */
	list_init(&l);
	if (list_parse(&l, (const char *)data, size, "fuzz") == 0 &&
	    list_finish(&l) == 0)
		for (size_t i = 0; i < l.n; i++)
			(void)list_format_entry(&l.v[i], line, sizeof(line));
	list_free(&l);
	return 0;
}
