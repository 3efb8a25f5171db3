/* check_net: how the image meets the network: addresses, DHCP, NIC drivers. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/params.h"
#include "audit/unpack.h"
#include "common/fileio.h"
#include "common/strutil.h"

/* The kernel version the image's modules are for: /lib/modules/KVER/. */
static bool net_image_kver(struct audit_image *img, char *kver, size_t size)
{
	static const char *const roots[] = {"/lib/modules/",
					    "/usr/lib/modules/"};

	for (size_t i = 0; i < img->n; i++)
		for (size_t j = 0; j < 2; j++) {
			const char *n = img->v[i].name;
			size_t k = strlen(roots[j]);
			const char *end;
			if (strncmp(n, roots[j], k))
				continue;
			end = strchr(n + k, '/');
			snprintf(
			    kver, size, "%.*s",
			    (int)(end ? (size_t)(end - n - k) : strlen(n + k)),
			    n + k);
			if (kver[0])
				return true;
		}
	return false;
}

/* Module file names use '_' and '-' interchangeably (modprobe(8)). */
static bool net_same_module(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; a[i] && i < blen; i++) {
		char x = a[i] == '-' ? '_' : a[i];
		char y = b[i] == '-' ? '_' : b[i];
		if (x != y)
			return false;
	}
	return !a[i] && i == blen;
}

static const struct audit_entry *net_image_module(struct audit_image *img,
						  const char *mod)
{
	for (size_t i = 0; i < img->n; i++) {
		const char *base = strrchr(img->v[i].name, '/');
		const char *dot;
		if (!base || !strstr(base, ".ko"))
			continue;
		base++;
		dot = strstr(base, ".ko");
		if (net_same_module(mod, base, (size_t)(dot - base)))
			return &img->v[i];
	}
	return NULL;
}

/* A firmware file under /lib/firmware or /usr/lib/firmware, maybe
 * compressed (the kernel's firmware loader reads .xz and .zst). */
static bool net_image_has_firmware(struct audit_image *img, const char *fw)
{
	static const char *const dirs[] = {"/lib/firmware/",
					   "/usr/lib/firmware/"};
	static const char *const sfx[] = {"", ".xz", ".zst"};
	char name[PATH_MAX];

	for (size_t d = 0; d < 2; d++)
		for (size_t x = 0; x < 3; x++) {
			snprintf(name, sizeof(name), "%s%s%s", dirs[d], fw,
				 sfx[x]);
			if (audit_image_get(img, name))
				return true;
		}
	return false;
}

static bool net_host_has_firmware(const struct audit_inputs *in, const char *fw)
{
	static const char *const sfx[] = {"", ".xz", ".zst"};
	char rel[PATH_MAX], path[PATH_MAX];

	for (size_t x = 0; x < 3; x++) {
		snprintf(rel, sizeof(rel), "/lib/firmware/%s%s", fw, sfx[x]);
		if (audit_host_path(in, rel, path, sizeof(path)) == 0 &&
		    access(path, F_OK) == 0)
			return true;
	}
	return false;
}

/*
 * The module's .modinfo holds "firmware=NAME\0" strings (modinfo(8));
 * a plain scan of the module's bytes finds them. Firmware this host has
 * and the image lacks is reported.
 */
static void net_check_firmware(const struct audit_inputs *in,
			       const char *ifname, const struct audit_entry *e,
			       struct audit_report *r)
{
	static const char key[] = "firmware=";
	const uint8_t *p = e->data;
	uint8_t *plain = NULL;
	size_t len = e->len;

	if (audit_is_compressed_name(e->name)) {
		if (audit_unpack(e->data, e->len, 64u << 20, &plain, &len) < 0)
			return;
		p = plain;
	}
	for (size_t i = 0; p && i + sizeof(key) < len;) {
		const uint8_t *m = memmem(p + i, len - i, key, sizeof(key) - 1);
		const uint8_t *s, *end;
		char fw[256];
		if (!m)
			break;
		s = m + sizeof(key) - 1;
		end = memchr(s, '\0', (size_t)(p + len - s));
		i = (size_t)(m - p) + 1;
		if (!end || end == s || (size_t)(end - s) >= sizeof(fw) ||
		    (m > p && m[-1] != '\0'))
			continue;
		memcpy(fw, s, (size_t)(end - s));
		fw[end - s] = '\0';
		if (strstr(fw, "..") || fw[0] == '/')
			continue;
		if (net_host_has_firmware(in, fw) &&
		    !net_image_has_firmware(in->img, fw))
			audit_add(r, "net-firmware-missing", ifname,
				  "driver %.60s loads firmware %.100s, which "
				  "this host has and the image lacks",
				  e->name, fw);
	}
	free(plain);
}

/* modules.builtin lists "kernel/drivers/.../NAME.ko" per line. */
static bool net_builtin(const struct audit_inputs *in, const char *kver,
			const char *mod)
{
	char path[PATH_MAX], rel[PATH_MAX];
	char *buf = NULL, *line, *save = NULL;
	size_t len;
	bool found = false;

	snprintf(rel, sizeof(rel), "/lib/modules/%s/modules.builtin", kver);
	if (audit_host_path(in, rel, path, sizeof(path)) < 0 ||
	    file_read_all(path, 8u << 20, &buf, &len) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *base = strrchr(line, '/');
		const char *dot;
		base = base ? base + 1 : line;
		dot = strstr(base, ".ko");
		found = dot && net_same_module(mod, base, (size_t)(dot - base));
	}
	free(buf);
	return found;
}

/*
 * Every interface that is up on the build host with a device driver
 * module (/sys/class/net/IF/operstate, IF/device/driver/module).
 */
static void net_check_drivers(const struct audit_inputs *in,
			      struct audit_report *r)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], link[PATH_MAX], kver[128];
	struct utsname u;
	struct dirent *d;
	DIR *dh;

	if (!net_image_kver(in->img, kver, sizeof(kver))) {
		if (uname(&u) < 0)
			return;
		snprintf(kver, sizeof(kver), "%s", u.release);
	}
	if (audit_host_path(in, "/sys/class/net", dir, sizeof(dir)) < 0 ||
	    !(dh = opendir(dir)))
		return;
	while ((d = readdir(dh))) {
		char *state = NULL;
		size_t n;
		ssize_t l;
		const char *mod;
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/operstate", dir, d->d_name);
		if (file_read_all(path, 64, &state, &n) < 0)
			continue;
		bool up = str_startswith(state, "up");
		free(state);
		if (!up)
			continue;
		snprintf(path, sizeof(path), "%s/%s/device/driver/module", dir,
			 d->d_name);
		if ((l = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue; /* virtual, or built in without a module */
		link[l] = '\0';
		mod = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		const struct audit_entry *ko = net_image_module(in->img, mod);
		if (ko) {
			net_check_firmware(in, d->d_name, ko, r);
			continue;
		}
		if (net_builtin(in, kver, mod))
			continue;
		audit_add(r, "net-driver-missing", d->d_name,
			  "up on this host with driver module %.60s, which "
			  "the image lacks (kernel %.60s)",
			  mod, kver);
	}
	closedir(dh);
}

/*
 * A static address in the running system's config: ifupdown's
 * "iface IF inet static" (interfaces(5)) or systemd-networkd's Address=
 * (systemd.network(5)). Returns the file that says so, or NULL.
 */
static const char *net_host_static(const struct audit_inputs *in)
{
	static char found[PATH_MAX];
	char path[PATH_MAX], dir[PATH_MAX];
	char *buf = NULL, *line, *save = NULL;
	struct dirent *d;
	size_t len;
	DIR *dh;

	if (audit_host_path(in, "/etc/network/interfaces", path,
			    sizeof(path)) == 0 &&
	    file_read_all(path, 1u << 20, &buf, &len) == 0) {
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char w[4][32];
			if (sscanf(line, "%31s %31s %31s %31s", w[0], w[1],
				   w[2], w[3]) == 4 &&
			    !strcmp(w[0], "iface") && !strcmp(w[3], "static") &&
			    strcmp(w[1], "lo")) {
				free(buf);
				return "/etc/network/interfaces";
			}
		}
		free(buf);
	}
	if (audit_host_path(in, "/etc/systemd/network", dir, sizeof(dir)) < 0 ||
	    !(dh = opendir(dir)))
		return NULL;
	while ((d = readdir(dh))) {
		const char *dot = strrchr(d->d_name, '.');
		bool hit = false;
		if (!dot || strcmp(dot, ".network"))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >=
			(int)sizeof(path) ||
		    file_read_all(path, 1u << 20, &buf, &len) < 0)
			continue;
		save = NULL;
		for (line = strtok_r(buf, "\n", &save); line && !hit;
		     line = strtok_r(NULL, "\n", &save)) {
			while (*line == ' ' || *line == '\t')
				line++;
			hit = str_startswith(line, "Address=");
		}
		free(buf);
		if (hit) {
			snprintf(found, sizeof(found),
				 "/etc/systemd/network/%.200s", d->d_name);
			closedir(dh);
			return found;
		}
	}
	closedir(dh);
	return NULL;
}

void audit_check_net(const struct audit_inputs *in, struct audit_report *r)
{
	struct audit_params p;

	params_collect(in, &p);
	const char *st;
	if (in->img && !p.ip_static &&
	    (audit_image_get(in->img, "/usr/sbin/dropbear") ||
	     audit_image_get(in->img, "/sbin/dropbear")) &&
	    (st = net_host_static(in)))
		audit_add(r, "net-no-static-fallback", st,
			  "a static address here; the image has no ip= "
			  "with an address");
	if (in->img)
		net_check_drivers(in, r);
}
