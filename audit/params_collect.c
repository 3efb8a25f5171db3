/* params_collect: the boot parameters an image will see, read from the image
 * (boot.conf) and the host (--cmdline or /proc/cmdline). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/params.h"
#include "common/fileio.h"

void params_collect(const struct audit_inputs *in, struct audit_params *p)
{
	const struct audit_entry *conf;
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len;

	params_init(p);
	if (in->img &&
	    (conf = audit_image_get(in->img, "/etc/sesame/boot.conf")) &&
	    conf->data)
		params_parse(p, (const char *)conf->data, conf->len, true);
	if (in->cmdline) {
		params_parse(p, in->cmdline, strlen(in->cmdline), false);
	} else if (audit_host_path(in, "/proc/cmdline", path, sizeof(path)) ==
		       0 &&
		   file_read_all(path, 64u << 10, &buf, &len) == 0) {
		params_parse(p, buf, len, false);
		free(buf);
	}
}
