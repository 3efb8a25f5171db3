/* fuzz_ipconf: net's boot parameters (ip=, ifname=, sesame.*) on arbitrary
 * text, several parameters into one configuration. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What any sequence of parameters must leave: counts and strings in bounds. */
static void config_check(const struct net_config *c)
{
	if (c->n_ip > NET_MAX_IFACES || c->n_ifnames > NET_MAX_IFNAMES ||
	    !memchr(c->hostname, 0, sizeof(c->hostname)))
		__builtin_trap();
	for (unsigned i = 0; i < c->n_ip; i++) {
		const struct net_ip_param *p = &c->ip[i];
		if (!memchr(p->ifname, 0, sizeof(p->ifname)) ||
		    !memchr(p->hostname, 0, sizeof(p->hostname)) ||
		    p->prefix > 32 || p->client_id_len > NET_CLIENT_ID_MAX ||
		    (p->method != NET_METHOD_DHCP &&
		     p->method != NET_METHOD_STATIC) ||
		    (p->method == NET_METHOD_STATIC && p->prefix == 0))
			__builtin_trap();
		/* Two entries for one interface: the later replaced it. */
		for (unsigned k = 0; k < i; k++)
			if (p->ifname[0] && !strcmp(p->ifname, c->ip[k].ifname))
				__builtin_trap();
	}
	for (unsigned i = 0; i < c->n_ifnames; i++)
		if (!memchr(c->ifnames[i].ifname, 0, IFNAMSIZ) ||
		    !c->ifnames[i].ifname[0])
			__builtin_trap();
}

/*
 * Input: a kernel command line, words separated by spaces, tabs or
 * newlines; each "name=value" (or bare name) goes into one net_config, as
 * /init hands them over, and each value also through the ip= parser alone.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_config c;
	struct net_ip_param p;
	char *s = malloc(size + 1), *word, *save = NULL;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	log_set_max_level(LOG_LVL_ERR);
	net_config_init(&c);
	for (word = strtok_r(s, " \t\n", &save); word;
	     word = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(word, '=');
		if (eq)
			*eq = '\0';
		net_config_parse_param(&c, word, eq ? eq + 1 : NULL);
		config_check(&c);
		if (eq)
			net_config_parse_ip(eq + 1, &p);
	}
	free(s);
	return 0;
}
