/* boot_hook: the boot-time hardening checks, run by /init as a hook and shown
 * on the console and kmsg with the catalogue's IDs. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/boot_hook.h"
#include "common/fileio.h"
#include "common/log.h"
#include "init/hooks.h"
#include "common/loop.h"

/* Long enough for DHCP and dropbear's start on a slow (TCG) boot. */
#define SSH_CHECK_DELAY_USEC (30ull * 1000000)

const struct audit_boot_paths audit_boot_default_paths = {
    .boot_conf = "/etc/sesame/boot.conf",
    .cmdline = "/proc/cmdline",
    .authorized_keys = "/root/.ssh/authorized_keys",
    .dropbear = "/usr/sbin/dropbear",
    .tcp = {"/proc/net/tcp", "/proc/net/tcp6"},
};

void audit_boot_log(const char *id, const char *subject, const char *msg,
		    void *arg)
{
	const struct audit_check *c = audit_check_find(id);

	(void)arg;
	if (!c)
		return;
	log_msg(c->severity == AUDIT_INFO ? LOG_LVL_INFO : LOG_LVL_WARN,
		"[%s] %s: %s (docs/hardening.md)", id, subject, msg);
}

static void boot_read(struct audit_params *p, const char *path, bool is_file)
{
	char *buf = NULL;
	size_t len;

	if (path && file_read_all(path, 64u << 10, &buf, &len) == 0) {
		params_parse(p, buf, len, is_file);
		free(buf);
	}
}

/* A key line: anything but blank lines and comments. */
static bool boot_has_key(const char *path)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len;
	bool any = false;

	if (!path || file_read_all(path, 1u << 20, &buf, &len) < 0)
		return false;
	for (line = strtok_r(buf, "\n", &save); line && !any;
	     line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t\r");
		any = *line && *line != '#';
	}
	free(buf);
	return any;
}

void audit_boot_check(const struct audit_boot_paths *p, params_emit_fn emit,
		      void *arg, bool *ssh_expected, unsigned *port)
{
	struct audit_params ap;
	bool dropbear = p->dropbear && access(p->dropbear, X_OK) == 0;
	bool keys = boot_has_key(p->authorized_keys);

	params_init(&ap);
	boot_read(&ap, p->boot_conf, true);
	boot_read(&ap, p->cmdline, false);
	params_rules(&ap, dropbear && keys && !ap.ssh_off, emit, arg);
	if (dropbear && !keys && !ap.ssh_off)
		emit("authkeys-none", p->authorized_keys,
		     "no key: SSH is not started", arg);
	*ssh_expected = dropbear && keys && !ap.ssh_off;
	*port = ap.ssh_port ? ap.ssh_port : 22;
}

bool audit_boot_listening(const char *text, size_t len, unsigned port)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[256], local[80], st[8];
		unsigned lport;
		char *colon;

		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
			/* "  0: 00000000:0016 00000000:0000 0A ..." */
			if (sscanf(line, "%*s %79s %*s %7s", local, st) == 2 &&
			    (colon = strrchr(local, ':')) &&
			    sscanf(colon + 1, "%x", &lport) == 1 &&
			    lport == port && !strcmp(st, "0A"))
				return true;
		}
		p += l + 1;
	}
	return false;
}

/* Any address outside loopback and IPv6 link-local on an interface up. */
static bool boot_have_address(void)
{
	struct ifaddrs *ifa, *i;
	bool any = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !any; i = i->ifa_next) {
		if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			any = true;
		else if (i->ifa_addr->sa_family == AF_INET6)
			any = !IN6_IS_ADDR_LINKLOCAL(
			    &((struct sockaddr_in6 *)(void *)i->ifa_addr)
				 ->sin6_addr);
	}
	freeifaddrs(ifa);
	return any;
}

/* The hook's state: start hands it to stop as the context. */
static struct audit_hook_state {
	struct loop_timer *timer;
	unsigned port;
} B;

void audit_boot_ssh_check(const struct audit_boot_paths *p, unsigned port,
			  bool have_address, params_emit_fn emit, void *arg)
{
	bool listening = false;
	char subject[32];

	for (size_t i = 0; i < 2 && !listening; i++) {
		char *buf = NULL;
		size_t len;
		if (p->tcp[i] &&
		    file_read_all(p->tcp[i], 4u << 20, &buf, &len) == 0) {
			listening = audit_boot_listening(buf, len, port);
			free(buf);
		}
	}
	if (!listening && have_address) {
		snprintf(subject, sizeof(subject), "port %u", port);
		emit("ssh-down", subject,
		     "an address is up but nothing listens", arg);
	}
}

static int boot_ssh_fire(struct loop *l, struct loop_timer *t, void *data)
{
	(void)l;
	(void)t;
	(void)data;
	audit_boot_ssh_check(&audit_boot_default_paths, B.port,
			     boot_have_address(), audit_boot_log, NULL);
	return 0;
}

static int boot_hook_start(struct loop *l, const struct boot_config *cfg,
			   void **ctxp)
{
	bool ssh;
	int r;

	*ctxp = &B;
	(void)cfg; /* the same files are read as the host audit reads */
	audit_boot_check(&audit_boot_default_paths, audit_boot_log, NULL, &ssh,
			 &B.port);
	if (!ssh)
		return 0;
	if ((r = loop_timer_new(l, boot_ssh_fire, NULL, &B.timer)) < 0)
		return r;
	return loop_timer_arm(B.timer, SSH_CHECK_DELAY_USEC);
}

static void boot_hook_stop(void *ctx)
{
	struct audit_hook_state *s = ctx;

	loop_timer_free(s->timer);
	s->timer = NULL;
}

/* In init_hook_table (init/module.mk generates it from INIT_HOOKS). */
const struct init_hook audit_hook = {
    .name = "audit",
    .start = boot_hook_start,
    .stop = boot_hook_stop,
};
