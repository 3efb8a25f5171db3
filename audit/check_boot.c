/* check_boot: the boot config and command line, and the bootloader. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/params.h"
#include "common/fileio.h"

/* GRUB without "set superusers" lets anyone edit entries (GRUB manual,
 * "Authentication and authorisation"). */
static void boot_check_grub(const struct audit_inputs *in,
			    struct audit_report *r)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len;

	if (audit_host_path(in, "/boot/grub/grub.cfg", path, sizeof(path)) <
		0 ||
	    file_read_all(path, 8u << 20, &buf, &len) < 0)
		return;
	if (!memmem(buf, len, "superusers", 10) ||
	    !memmem(buf, len, "password", 8))
		audit_add(r, "bootloader-unlocked", "/boot/grub/grub.cfg",
			  "no superusers and password: the command line can "
			  "be edited at the console");
	free(buf);
}

static void boot_emit(const char *id, const char *subject, const char *msg,
		      void *arg)
{
	audit_add(arg, id, subject, "%s", msg);
}

void audit_check_boot(const struct audit_inputs *in, struct audit_report *r)
{
	struct audit_params p;
	bool ssh = in->img && (audit_image_get(in->img, "/usr/sbin/dropbear") ||
			       audit_image_get(in->img, "/sbin/dropbear"));

	params_collect(in, &p);
	params_rules(&p, ssh, boot_emit, r);
	boot_check_grub(in, r);
}
