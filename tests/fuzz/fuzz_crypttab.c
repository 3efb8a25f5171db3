/* fuzz_crypttab: crypttab files and rd.luks.* parameters (the first byte
 * picks one), checking what the parsers promise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sshd/luks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_params[] = {
    "rd.luks",	       "rd.luks.uuid",	   "rd.luks.name",
    "rd.luks.options", "rd.luks.crypttab", "rd.luks.key",
};

/* Every accepted want is terminated within its fields and within bounds. */
static void fuzz_check(const struct luks_config *cfg)
{
	if (cfg->n > LUKS_MAX_DEVICES)
		abort();
	for (unsigned i = 0; i < cfg->n; i++) {
		const struct luks_want *w = &cfg->want[i];
		if (strnlen(w->source, sizeof(w->source)) ==
			sizeof(w->source) ||
		    strnlen(w->name, sizeof(w->name)) == sizeof(w->name) ||
		    strnlen(w->origin, sizeof(w->origin)) == sizeof(w->origin))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct luks_config cfg, before;
	char *value;

	if (size < 1)
		return 0;
	log_set_max_level(0);
	luks_config_init(&cfg);
	if (data[0] & 1) {
		luks_config_parse_crypttab(&cfg, "fuzz", (const char *)data + 1,
					   size - 1);
		fuzz_check(&cfg);
		return 0;
	}
	/* A parameter value: NUL-terminated, as the cmdline parser hands it. */
	if (!(value = malloc(size)))
		return 0;
	memcpy(value, data + 1, size - 1);
	value[size - 1] = '\0';
	/* Twice, so a second want meets the first (duplicates, limits). */
	for (int round = 0; round < 2; round++) {
		const char *name =
		    fuzz_params[(data[0] >> 1) %
				(sizeof(fuzz_params) / sizeof(fuzz_params[0]))];
		before = cfg;
		/* Documented: on any error cfg is unchanged. */
		if (luks_config_parse_param(&cfg, name, value) < 0 &&
		    memcmp(&before, &cfg, sizeof(cfg)) != 0)
			abort();
		fuzz_check(&cfg);
	}
	free(value);
	return 0;
}
