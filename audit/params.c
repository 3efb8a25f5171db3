/* params: the boot parameters an image will see (its boot.conf, then the
 * kernel command line), reduced to what the checks ask. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/params.h"
#include "common/cmdline_split.h"
#include "common/fileio.h"
#include "common/strutil.h"

int params_split(const char *buf, size_t len, bool is_file,
		 void (*fn)(const char *name, const char *value, bool cmdline,
			    void *arg),
		 void *arg)
{
	struct cmdline_split sp;
	char w[PARAMS_WORD_MAX + 1];
	int r;

	cmdline_split_init(&sp, buf, len, is_file);
	while ((r = cmdline_split_next(&sp, w, sizeof(w))) != 0) {
		char *eq;
		if (r < 0)
			continue; /* /init ignores it too */
		eq = strchr(w, '=');
		if (eq)
			*eq = '\0';
		fn(w, eq ? eq + 1 : NULL, !is_file, arg);
	}
	return 0;
}

static bool params_true(const char *v)
{
	return !v || !strcmp(v, "1") || !strcmp(v, "yes") ||
	       !strcmp(v, "true") || !strcmp(v, "on");
}

/*
 * ip= (the kernel's nfsroot.txt and dracut): "dhcp", "IF:dhcp", or
 * "CLIENT:SERVER:GW:MASK:HOST:IF:AUTOCONF". IPv6 addresses are in [].
 */
static void params_ip(struct audit_params *p, const char *v)
{
	const char *f[7] = {0};
	char buf[256];
	size_t nf = 0;
	char *s = buf;

	if (str_copy(buf, sizeof(buf), v) < 0)
		return;
	while (nf < 7) {
		char *c = s;
		if (*c == '[') {
			char *e = strchr(c, ']');
			c = e ? e : c;
		}
		c = strchr(c, ':');
		f[nf++] = s;
		if (!c)
			break;
		*c = '\0';
		s = c + 1;
	}
	if (nf == 1 ||
	    (nf == 2 && (!strcmp(f[1], "dhcp") || !strcmp(f[1], "on") ||
			 !strcmp(f[1], "any")))) {
		p->dhcp = !strcmp(f[nf - 1], "dhcp") ||
			  !strcmp(f[nf - 1], "on") || !strcmp(f[nf - 1], "any");
		p->ip_static = false;
		return;
	}
	if (f[0] && f[0][0]) {
		p->ip_static = true;
		p->dhcp = false;
		snprintf(p->ip_addr, sizeof(p->ip_addr), "%s", f[0]);
	} else {
		p->dhcp = true;
	}
	if (nf > 4 && f[4][0])
		p->hostname = true;
}

static void params_word(const char *name, const char *v, bool cmdline,
			void *arg)
{
	struct audit_params *p = arg;

	if (!strcmp(name, "rd.shell")) {
		p->shell = params_true(v);
		p->shell_by = "rd.shell";
	} else if (!strcmp(name, "rd.emergency") ||
		   !strcmp(name, "sesame.emergency")) {
		if (v && !strcmp(v, "shell")) {
			p->shell = true;
			p->shell_by = !strcmp(name, "rd.emergency")
					  ? "rd.emergency=shell"
					  : "sesame.emergency=shell";
		}
	} else if (!strcmp(name, "rd.break")) {
		p->brk = !v || strcmp(v, "0");
	} else if (cmdline &&
		   (!strcmp(name, "init") || !strcmp(name, "rdinit"))) {
		snprintf(p->init, sizeof(p->init), "%s=%s", name, v ? v : "");
	} else if (!strcmp(name, "sesame.luks_tries") && v) {
		p->luks_tries = (unsigned)strtoul(v, NULL, 10);
	} else if (!strcmp(name, "ip") && v) {
		params_ip(p, v);
	} else if (!strcmp(name, "sesame.ssh") && v) {
		p->ssh_off = !strcmp(v, "0");
	} else if (!strcmp(name, "sesame.ssh_listen") && v) {
		const char *port = strrchr(v, ':') ? strrchr(v, ':') + 1 : v;
		uint64_t n;
		if (!p->ssh_port && str_to_u64(port, 10, 65535, &n) == 0 && n)
			p->ssh_port = (unsigned)n;
		/* "22" or ":22" listens everywhere; "ADDR:22" does not. */
		p->ssh_listen_addr = strchr(v, ':') && v[0] != ':' &&
				     !str_startswith(v, "0.0.0.0:") &&
				     !str_startswith(v, "[::]:");
	} else if (!strcmp(name, "sesame.hostname") && v && *v) {
		p->hostname = true;
	} else if (!strcmp(name, "rd.luks.key") && v) {
		p->luks_key = true;
		snprintf(p->luks_key_path, sizeof(p->luks_key_path), "%s", v);
	} else if (!strcmp(name, "rd.luks.uuid") && v &&
		   p->n_luks_uuids < PARAMS_LUKS_MAX) {
		snprintf(p->luks_uuids[p->n_luks_uuids++],
			 sizeof(p->luks_uuids[0]), "%s",
			 str_startswith(v, "luks-") ? v + 5 : v);
	} else if (!strcmp(name, "module.sig_enforce")) {
		p->sig_enforce = params_true(v);
	}
}

void params_init(struct audit_params *p)
{
	memset(p, 0, sizeof(*p));
	p->dhcp = true; /* sesame's default without ip= */
}

void params_parse(struct audit_params *p, const char *buf, size_t len,
		  bool is_file)
{
	params_split(buf, len, is_file, params_word, p);
}

/*
 * The rules that need only the parameters; the host audit and the boot
 * hook both run them, so a finding has the same ID in both places.
 */
void params_rules(const struct audit_params *p, bool ssh, params_emit_fn emit,
		  void *arg)
{
	char msg[200];

	if (p->shell)
		emit("boot-shell", p->shell_by,
		     "a root shell on the console without authentication", arg);
	if (p->brk)
		emit("boot-break", "rd.break", "boot stops for a shell", arg);
	if (p->init[0]) {
		snprintf(msg, sizeof(msg), "%.60s", p->init);
		emit("boot-init-override", "kernel command line", msg, arg);
	}
	if (p->luks_tries > 10) {
		snprintf(msg, sizeof(msg), "%u attempts per boot",
			 p->luks_tries);
		emit("unlock-attempts", "sesame.luks_tries", msg, arg);
	}
	if (ssh && p->ip_static && !p->ssh_listen_addr) {
		snprintf(msg, sizeof(msg),
			 "ip= gives %.60s but SSH listens on every address",
			 p->ip_addr);
		emit("ssh-listen-all", "sesame.ssh_listen", msg, arg);
	}
	if (p->dhcp && p->hostname)
		emit("net-dhcp-hostname", "DHCP",
		     "the DHCP request carries the host name", arg);
}
