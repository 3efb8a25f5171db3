/* fuzz_cmdline: /init's parsers of untrusted input (text, uevents,
 * superblocks); the first byte picks one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "init/cmdline.h"
#include "init/fsck.h"
#include "init/fstab.h"
#include "init/mountopt.h"
#include "init/spec.h"
#include "init/uevent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_fstab_entry(const struct fstab_entry *e, void *arg)
{
	struct mount_opts mo;
	struct spec sp;

	(void)arg;
	mount_opts_parse(e->opts, 0, &mo);
	spec_parse(e->spec, &sp);
	return 0;
}

/* A hook's parameters as the parser sees them (init/hooks.h), one of each
 * form, one with a check that refuses "bad". */
static int fuzz_check(const char *name, const char *value)
{
	(void)name;
	return value && strcmp(value, "bad") == 0 ? -1 : 0;
}

static const struct boot_param_decl fuzz_params[] = {
    {"ip", BOOT_PARAM_VALUE, fuzz_check},
    {"rd.neednet", BOOT_PARAM_BOOL, NULL},
    {"rd.luks", BOOT_PARAM_OPTIONAL, NULL},
    {"hook.flag", BOOT_PARAM_FLAG, NULL},
};

/* A NUL-terminated copy for the parsers that take C strings. */
static char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_config c;
	struct mount_opts mo;
	struct uevent ev;
	struct dev_props p;
	struct spec sp;
	char *s;

	log_set_max_level(LOG_LVL_ERR - 1); /* quiet */
	if (size < 1)
		return 0;
	switch (data[0] % 6) {
	case 0:
	case 1:
		boot_config_init(&c);
		boot_config_declare(&c, fuzz_params,
				    sizeof(fuzz_params) /
					sizeof(fuzz_params[0]));
		boot_config_parse(&c, (const char *)data + 1, size - 1,
				  data[0] % 6 == 1);
		if (c.root.kind != SPEC_NONE) {
			memset(&p, 0, sizeof(p));
			spec_match(&c.root, &p);
		}
		break;
	case 2:
		if (uevent_parse(data + 1, size - 1, &ev) == 0 && ev.devname)
			uevent_devname_ok(ev.devname);
		break;
	case 3:
		fstab_parse((const char *)data + 1, size - 1, fuzz_fstab_entry,
			    NULL);
		break;
	case 4:
		if (!(s = fuzz_string(data + 1, size - 1)))
			return 0;
		if (spec_parse(s, &sp) == 0) {
			memset(&p, 0, sizeof(p));
			spec_match(&sp, &p);
		}
		mount_opts_parse(s, 0, &mo);
		free(s);
		break;
	case 5:
		fsck_ext_clean(data + 1, size - 1, 1700000000u);
		break;
	}
	return 0;
}
