/* fuzz_storage: the storage hook's parsers (md UUIDs, mdadm --export, lvm
 * reports, lvm names, mdadm.conf); the first byte picks one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storage/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_line(const struct storage_kvline *l, void *arg)
{
	(void)arg;
	(void)storage_kv_get(l, "MD_STARTED");
	for (unsigned i = 0; i < l->n; i++)
		(void)storage_lvm_name_ok(l->kv[i].value);
	return 0;
}

static int fuzz_array(const struct storage_md_conf_array *a, void *arg)
{
	(void)a;
	(void)arg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char uuid[STORAGE_UUID_LEN + 1];
	char vg[STORAGE_LVM_NAME_MAX], lv[STORAGE_LVM_NAME_MAX];
	const char *s = (const char *)data + 1;
	unsigned bad = 0;
	char *str;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		storage_kv_parse(s, size - 1, STORAGE_KV_EXPORT, fuzz_line,
				 NULL);
		break;
	case 1:
		storage_kv_parse(s, size - 1, STORAGE_KV_NAMEPREFIXES,
				 fuzz_line, NULL);
		break;
	case 2:
		storage_md_conf_parse(s, size - 1, fuzz_array, NULL, &bad);
		break;
	case 3:
		storage_md_uuid_normalize(s, size - 1, uuid);
		if (!(str = malloc(size)))
			return 0;
		memcpy(str, s, size - 1);
		str[size - 1] = '\0';
		storage_parse_lv_param(str, vg, lv);
		free(str);
		break;
	}
	return 0;
}
