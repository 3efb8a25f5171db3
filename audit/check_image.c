/* check_image: what the image holds: modes, setuid bits, host keys, passwords. */
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "common/strutil.h"

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
	const char *p = (const char *)e->data, *end = p + e->len;

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
			audit_add(r, "hostkey-mode", e->name,
				  "mode %04o, uid %u",
				  (unsigned)(e->mode & 07777),
				  (unsigned)e->uid);
		if (type == S_IFREG && !strcmp(e->name, "/etc/shadow"))
			image_check_passwords(e, true, r);
		if (type == S_IFREG && !strcmp(e->name, "/etc/passwd"))
			image_check_passwords(e, false, r);
	}
}
