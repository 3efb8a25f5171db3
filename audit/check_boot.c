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

/*
 * The SecureBoot EFI variable (UEFI spec 3.3, global variable GUID) as
 * efivarfs shows it: 4 bytes of attributes, then the 1-byte value.
 */
#define SECUREBOOT_VAR                                                         \
	"/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-"        \
	"00e098032b8c"

static void boot_check_secureboot(const struct audit_inputs *in,
				  struct audit_report *r)
{
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len;

	if (!in->img || !in->image_path ||
	    audit_host_path(in, SECUREBOOT_VAR, path, sizeof(path)) < 0 ||
	    file_read_all(path, 64, &buf, &len) < 0)
		return;
	if (len == 5 && buf[4] == 1)
		audit_add(r, "secureboot-initrd-unsigned", in->image_path,
			  "Secure Boot is on; a separate initramfs is not "
			  "verified");
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
	boot_check_secureboot(in, r);
}
