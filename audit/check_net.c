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
			snprintf(kver, size, "%.*s",
				 (int)(end ? (size_t)(end - n - k)
					   : strlen(n + k)),
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

static bool net_image_has_module(struct audit_image *img, const char *mod)
{
	for (size_t i = 0; i < img->n; i++) {
		const char *base = strrchr(img->v[i].name, '/');
		const char *dot;
		if (!base || !strstr(base, ".ko"))
			continue;
		base++;
		dot = strstr(base, ".ko");
		if (net_same_module(mod, base, (size_t)(dot - base)))
			return true;
	}
	return false;
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
		snprintf(path, sizeof(path), "%s/%s/operstate", dir,
			 d->d_name);
		if (file_read_all(path, 64, &state, &n) < 0)
			continue;
		bool up = str_startswith(state, "up");
		free(state);
		if (!up)
			continue;
		snprintf(path, sizeof(path), "%s/%s/device/driver/module",
			 dir, d->d_name);
		if ((l = readlink(path, link, sizeof(link) - 1)) <= 0)
			continue; /* virtual, or built in without a module */
		link[l] = '\0';
		mod = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		if (net_image_has_module(in->img, mod) ||
		    net_builtin(in, kver, mod))
			continue;
		audit_add(r, "net-driver-missing", d->d_name,
			  "up on this host with driver module %.60s, which "
			  "the image lacks (kernel %.60s)",
			  mod, kver);
	}
	closedir(dh);
}

void audit_check_net(const struct audit_inputs *in, struct audit_report *r)
{
	struct audit_params p;

	params_collect(in, &p);
	if (in->img && (audit_image_get(in->img, "/usr/sbin/dropbear") ||
			audit_image_get(in->img, "/sbin/dropbear")) &&
	    p.ip_static && !p.ssh_listen_addr)
		audit_add(r, "ssh-listen-all", "sesame.ssh_listen",
			  "ip= gives %.60s but SSH listens on every address",
			  p.ip_addr);
	if (p.dhcp && p.hostname)
		audit_add(r, "net-dhcp-hostname", "sesame.hostname",
			  "the DHCP request carries the host name");
	if (in->img)
		net_check_drivers(in, r);
}
