/* fuzz_list_image: the image segment walker (`sesame ls`) on any bytes. */
#include <stdint.h>
#include <stdlib.h>

#include "common/log.h"
#include "image/imgread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_entry(const struct newc_entry *e, void *arg)
{
	size_t *sum = arg;

	/* Touch every byte the walker hands out, so ASan sees overreads. */
	for (size_t i = 0; i < e->namelen; i++)
		*sum += (unsigned char)e->name[i];
	for (size_t i = 0; i < e->filesize; i++)
		*sum += e->data[i];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imgread_ops ops = {.entry = fuzz_entry};
	size_t sum = 0;

	log_set_max_level(LOG_LVL_ERR - 1);
	(void)imgread_walk(data, size, "fuzz", &ops, &sum);
	return 0;
}
