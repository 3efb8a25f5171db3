/* check_boot: the boot config and command line, and the bootloader. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/params.h"
#include "common/fileio.h"

/* Parameter values come from untrusted text: cut them short in messages. */
#define V(s) 60, (s)

/* GRUB without "set superusers" lets anyone edit entries (GRUB manual,
 * "Authentication and authorisation"). */
static void boot_check_grub(const struct audit_inputs *in,
			    struct audit_report *r)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len;

	if (audit_host_path(in, "/boot/grub/grub.cfg", path, sizeof(path)) < 0 ||
	    file_read_all(path, 8u << 20, &buf, &len) < 0)
		return;
	if (!memmem(buf, len, "superusers", 10) ||
	    !memmem(buf, len, "password", 8))
		audit_add(r, "bootloader-unlocked", "/boot/grub/grub.cfg",
			  "no superusers and password: the command line can "
			  "be edited at the console");
	free(buf);
}

void audit_check_boot(const struct audit_inputs *in, struct audit_report *r)
{
	struct audit_params p;

	params_collect(in, &p);
	if (p.shell)
		audit_add(r, "boot-shell", p.shell_by,
			  "a root shell on the console when boot fails");
	if (p.brk)
		audit_add(r, "boot-break", "rd.break",
			  "boot stops for a shell");
	if (p.init[0])
		audit_add(r, "boot-init-override", "kernel command line",
			  "%.*s", V(p.init));
	if (p.luks_tries > 10)
		audit_add(r, "unlock-attempts", "sesame.luks_tries",
			  "%u attempts per boot", p.luks_tries);
	boot_check_grub(in, r);
}
