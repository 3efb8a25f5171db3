/* check_image: what the image holds: modes, setuid bits, host keys, passwords.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "audit/params.h"
#include "audit/unpack.h"
#include "common/fileio.h"
#include "common/strutil.h"

/* The kernel's include/linux/module_signature.h: the trailer of a signed
 * module. */
#define MODULE_SIG_STRING "~Module signature appended~\n"
#define MODULE_MAX (64u << 20)

/* Entries that are private host keys: /etc/dropbear/ *_host_key*. */
bool audit_is_host_key(const char *name);
bool audit_is_host_key(const char *name)
{
	const char *base = strrchr(name, '/');

	return str_startswith(name, "/etc/dropbear/") && base &&
	       strstr(base, "_host_key") && !strstr(base, ".pub");
}

/* passwd(5)/shadow(5): field 2 of each line; '*', '!' and "x" lock it. */
static void image_check_passwords(const struct audit_entry *e, bool shadow,
				  struct audit_report *r)
{
	const char *p = (const char *)e->data, *end;

	if (!p)
		return; /* an empty file: no accounts */
	end = p + e->len;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *c1 = memchr(p, ':', (size_t)(eol - p));
		if (c1) {
			const char *h = c1 + 1;
			const char *c2 = memchr(h, ':', (size_t)(eol - h));
			size_t hl = (size_t)((c2 ? c2 : eol) - h);
			bool locked = hl > 0 && (h[0] == '*' || h[0] == '!');
			if (!shadow && hl == 1 && h[0] == 'x')
				locked = true;
			if (!locked)
				audit_add(r, "password-login", e->name,
					  "user '%.*s' has %s",
					  (int)(c1 - p > 32 ? 32 : c1 - p), p,
					  hl ? "a password hash"
					     : "an empty password");
		}
		p = nl ? nl + 1 : NULL;
	}
}

/* Enforced by module.sig_enforce=1 or the running kernel's parameter. */
static bool image_sig_enforced(const struct audit_inputs *in)
{
	struct audit_params p;
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len;
	bool on = false;

	params_collect(in, &p);
	if (p.sig_enforce)
		return true;
	if (audit_host_path(in, "/sys/module/module/parameters/sig_enforce",
			    path, sizeof(path)) == 0 &&
	    file_read_all(path, 64, &buf, &len) == 0) {
		on = buf[0] == 'Y' || buf[0] == '1';
		free(buf);
	}
	return on;
}

static bool image_is_module(const char *name)
{
	const char *base = strrchr(name, '/');
	const char *ko = base ? strstr(base, ".ko") : NULL;

	return ko && (ko[3] == '\0' ||
		      (ko[3] == '.' && audit_is_compressed_name(ko)));
}

static bool image_module_signed(const struct audit_entry *e)
{
	const size_t k = sizeof(MODULE_SIG_STRING) - 1;
	const uint8_t *p = e->data;
	uint8_t *plain = NULL;
	size_t len = e->len;
	bool ok;

	if (audit_is_compressed_name(e->name)) {
		if (audit_unpack(e->data, e->len, MODULE_MAX, &plain, &len) < 0)
			return true; /* unreadable: not this check's call */
		p = plain;
	}
	ok = p && len >= k && !memcmp(p + len - k, MODULE_SIG_STRING, k);
	free(plain);
	return ok;
}

static void image_check_modules(const struct audit_inputs *in,
				struct audit_report *r)
{
	struct audit_image *img = in->img;
	bool any = false;

	for (size_t i = 0; i < img->n && !any; i++)
		any =
		    S_ISREG(img->v[i].mode) && image_is_module(img->v[i].name);
	if (!any || !image_sig_enforced(in))
		return;
	for (size_t i = 0; i < img->n; i++) {
		const struct audit_entry *e = &img->v[i];
		if (S_ISREG(e->mode) && image_is_module(e->name) &&
		    !image_module_signed(e))
			audit_add(r, "modules-unsigned", e->name,
				  "no module signature; the kernel enforces "
				  "them");
	}
}

void audit_check_image_content(const struct audit_inputs *in,
			       struct audit_report *r)
{
	struct audit_image *img = in->img;

	if (!img)
		return;
	for (size_t i = 0; i < img->n; i++) {
		const struct audit_entry *e = &img->v[i];
		uint32_t type = e->mode & S_IFMT;

		if ((e->mode & (S_ISUID | S_ISGID)) && type == S_IFREG)
			audit_add(r, "image-setuid", e->name, "mode %04o",
				  (unsigned)(e->mode & 07777));
		if (type != S_IFLNK && (e->mode & 0002) &&
		    !(type == S_IFDIR && (e->mode & S_ISVTX)) &&
		    type != S_IFCHR && type != S_IFBLK)
			audit_add(r, "image-world-writable", e->name,
				  "mode %04o", (unsigned)(e->mode & 07777));
		if (type == S_IFREG && audit_is_host_key(e->name) &&
		    ((e->mode & 0077) || e->uid != 0))
			audit_add(
			    r, "hostkey-mode", e->name, "mode %04o, uid %u",
			    (unsigned)(e->mode & 07777), (unsigned)e->uid);
		if (type == S_IFREG && !strcmp(e->name, "/etc/shadow"))
			image_check_passwords(e, true, r);
		if (type == S_IFREG && !strcmp(e->name, "/etc/passwd"))
			image_check_passwords(e, false, r);
	}
	image_check_modules(in, r);
}
