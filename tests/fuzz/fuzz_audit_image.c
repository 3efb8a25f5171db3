/* fuzz_audit_image: one input as every text file of an image the audit parses
 * (authorized_keys, passwd, shadow, boot.conf, crypttab, host_keys.pub, the
 * dropbear binary) and as the kernel command line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "audit/authscan.h"
#include "audit/dropbear_cve.h"
#include "common/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
    "/root/.ssh/authorized_keys",
    "/etc/passwd",
    "/etc/shadow",
    "/etc/sesame/boot.conf",
    "/etc/crypttab",
    "/etc/sesame/host_keys.pub",
    "/usr/sbin/dropbear",
    "/init",
    "/lib/modules/6.1.0/kernel/a.ko",
    "/lib/modules/6.1.0/kernel/b.ko.xz",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_inputs in = {.host_root = "/nonexistent-fuzz-root"};
	struct audit_image img;
	struct audit_report rep;
	struct dropbear_version v;
	static const char enforce[] = " module.sig_enforce=1";
	char *cmdline = malloc(size + sizeof(enforce));

	if (!cmdline)
		return 0;
	log_set_max_level((enum log_level)0);
	memcpy(cmdline, data, size);
	cmdline[size] = '\0';
	/* Half the inputs also have the modules checked (and decompressed). */
	if (size && (data[size - 1] & 1))
		memcpy(cmdline + size, enforce, sizeof(enforce));
	audit_image_init(&img);
	audit_report_init(&rep);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (audit_image_put(&img, files[i], strlen(files[i]),
				    S_IFREG | 0600, 0, 0, data, size) < 0)
			abort();
	in.img = &img;
	in.cmdline = cmdline;
	(void)audit_run(&in, &rep);
	for (size_t i = 0; i < rep.n; i++)
		if (!rep.v[i].check || !rep.v[i].subject || !rep.v[i].message)
			abort();
	if (dropbear_find_version(data, size, &v) == 0 &&
	    (v.year > 9999 || v.minor > 999))
		abort();
	(void)dropbear_changelog_mentions((const char *)data, size,
					  "CVE-2023-48795");
	audit_report_free(&rep);
	audit_image_free(&img);
	free(cmdline);
	return 0;
}
