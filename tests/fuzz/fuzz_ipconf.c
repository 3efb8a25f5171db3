/* fuzz_ipconf: net's boot parameters (ip=, ifname=, sesame.*) on arbitrary
 * text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input: "name=value" or a bare name, like one word of the kernel cmdline. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_config c;
	struct net_ip_param p;
	char *s = malloc(size + 1), *eq;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	log_set_max_level(LOG_LVL_ERR);
	net_config_init(&c);
	eq = strchr(s, '=');
	if (eq)
		*eq = '\0';
	net_config_parse_param(&c, s, eq ? eq + 1 : NULL);
	if (c.n_ip > NET_MAX_IFACES || c.n_ifnames > NET_MAX_IFNAMES)
		__builtin_trap();
	for (unsigned i = 0; i < c.n_ip; i++)
		if (!memchr(c.ip[i].ifname, 0, sizeof(c.ip[i].ifname)) ||
		    c.ip[i].prefix > 32)
			__builtin_trap();
	if (eq)
		net_config_parse_ip(eq + 1, &p);
	free(s);
	return 0;
}
