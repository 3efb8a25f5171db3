/* netprobe: runs net's early-boot networking on the host (in a test namespace)
 * and prints the result; for tests and bench. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "common/log.h"
#include "common/loop.h"
#include "net/net.h"

struct probe {
	struct loop *loop;
	int result; /* 0 configured, -ETIMEDOUT, or still -EINPROGRESS */
	uint64_t start;
	uint64_t done;
};

static void probe_event(void *data, enum net_event ev,
			const struct net_lease *l)
{
	struct probe *p = data;

	if (ev == NET_EV_CONFIGURED && p->result == -EINPROGRESS) {
		p->done = loop_now_usec();
		p->result = 0;
		(void)l;
		loop_quit(p->loop);
	} else if (ev == NET_EV_TIMEOUT && p->result == -EINPROGRESS) {
		p->result = -ETIMEDOUT;
		loop_quit(p->loop);
	}
}

static void print_lease(const struct net_lease *l, uint64_t usec)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	printf("ifname=%s\naddr=%s/%u\ngw=%s\nserver=%s\nsource=%s\n",
	       l->ifname, inet_ntop(AF_INET, &l->addr, a, sizeof(a)), l->prefix,
	       inet_ntop(AF_INET, &l->gw, g, sizeof(g)),
	       inet_ntop(AF_INET, &l->server, s, sizeof(s)),
	       l->from_dhcp ? "dhcp" : "static");
	for (unsigned i = 0; i < l->n_dns; i++)
		printf("dns=%s\n",
		       inet_ntop(AF_INET, &l->dns[i], a, sizeof(a)));
	printf("hostname=%s\ndomain=%s\nroot_path=%s\nmtu=%u\nlease=%u\n",
	       l->hostname, l->domain, l->root_path, l->mtu, l->lease_time);
	printf("elapsed_ms=%.1f\n", (double)usec / 1000.0);
}

static void usage(void)
{
	fprintf(stderr, "usage: netprobe [--keep] [--debug] PARAM...\n"
			"  PARAM: boot parameters net takes (ip=eth0:dhcp, "
			"sesame.dhcp_timeout=5, ...)\n"
			"  exits 0 configured and torn down cleanly, 1 "
			"otherwise\n");
}

int main(int argc, char **argv)
{
	struct net_config cfg;
	struct net_hooks hooks = {0};
	struct net_lease lease;
	struct probe p = {.result = -EINPROGRESS};
	struct net *n = NULL;
	bool keep = false;
	int r;

	log_set_ident("netprobe");
	net_config_init(&cfg);
	for (int i = 1; i < argc; i++) {
		char name[128], *eq;
		if (!strcmp(argv[i], "--keep")) {
			keep = true;
			continue;
		}
		if (!strcmp(argv[i], "--debug")) {
			log_set_max_level(LOG_LVL_DEBUG);
			continue;
		}
		if (snprintf(name, sizeof(name), "%s", argv[i]) >=
		    (int)sizeof(name)) {
			usage();
			return 2;
		}
		eq = strchr(name, '=');
		if (eq)
			*eq = '\0';
		r = net_config_parse_param(
		    &cfg, name, eq ? argv[i] + (eq - name) + 1 : NULL);
		if (r < 0) {
			fprintf(stderr, "netprobe: %s: %s\n", argv[i],
				r == -ENOENT ? "not a net parameter"
					     : "malformed");
			usage();
			return 2;
		}
	}
	if ((r = loop_new(&p.loop)) < 0) {
		log_err_errno(r, "loop");
		return 1;
	}
	hooks.on_event = probe_event;
	hooks.data = &p;
	p.start = loop_now_usec();
	if ((r = net_start(p.loop, &cfg, &hooks, &n)) < 0) {
		log_err_errno(r, "net_start");
		loop_free(p.loop);
		return 1;
	}
	if (!cfg.disabled)
		loop_run(p.loop);
	if (p.result == 0 && net_get_lease(n, &lease) == 0)
		print_lease(&lease, p.done - p.start);
	else
		printf("result=%s\n",
		       p.result == -ETIMEDOUT ? "timeout" : "none");
	r = net_teardown(n, keep);
	printf("teardown=%s\n", r == 0 ? "clean" : "leftovers");
	loop_free(p.loop);
	return p.result == 0 && r == 0 ? 0 : 1;
}
