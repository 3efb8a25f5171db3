/* test_net_netns: net end to end against dnsmasq in network namespaces this
 * test makes (needs root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/loop.h"
#include "net/dhcp_child.h"
#include "net/net.h"
#include "net/rtnl.h"
#include "tests/unit/test_net_frames.h"

/*
 * Every scenario: a server namespace S (dnsmasq on vs0, vs1) and a client
 * namespace C (eth0, eth1: the other ends). Addresses exist only inside
 * them; nothing else on any network is touched.
 */
static char ns_s[32], ns_c[32], leases[64], dlog[64];
static pid_t dnsmasq_pid = -1;
static int host_ns = -1;

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* Output of a command in the client namespace, for route checks. */
static void sh_capture(char *out, size_t cap, const char *cmd)
{
	char full[512];
	FILE *f;
	size_t n;

	snprintf(full, sizeof(full), "ip -n %s %s 2>&1", ns_c, cmd);
	f = popen(full, "r");
	assert_non_null(f);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	pclose(f);
}

static void stop_dnsmasq(void)
{
	if (dnsmasq_pid > 0) {
		kill(dnsmasq_pid, SIGTERM);
		waitpid(dnsmasq_pid, NULL, 0);
	}
	dnsmasq_pid = -1;
}

/* dnsmasq on vs<n> with extra options (space separated); waits until it serves.
 */
static void start_dnsmasq(int n, const char *range, const char *extra)
{
	char *argv[32], buf[1024];
	int argc = 0;
	pid_t pid;

	stop_dnsmasq(); /* one a failed test left behind */
	snprintf(buf, sizeof(buf),
		 "ip netns exec %s dnsmasq --no-daemon --conf-file=/dev/null "
		 "--interface=vs%d --bind-interfaces --port=0 --no-ping "
		 "--log-dhcp --dhcp-authoritative --dhcp-leasefile=%s "
		 "--dhcp-range=%s %s",
		 ns_s, n, leases, range, extra ? extra : "");
	for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(dlog, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	dnsmasq_pid = pid;
	for (int i = 0; i < 200; i++) {
		char *log = NULL;
		size_t len;
		bool up = file_read_all(dlog, 1 << 20, &log, &len) == 0 &&
			  strstr(log, "DHCP, IP range");
		free(log);
		if (up) {
			/*
			 * Seen here: a DISCOVER in dnsmasq's first moments
			 * after that line can go unanswered (then the retry
			 * at about 4 s gets it). Let it settle.
			 */
			usleep(300000);
			return;
		}
		usleep(10000);
	}
	fail_msg("dnsmasq did not start; see %s", dlog);
}

static void enter(const char *ns)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(setns(fd, CLONE_NEWNET), 0);
	close(fd);
}

static void leave(void)
{
	assert_int_equal(setns(host_ns, CLONE_NEWNET), 0);
}

/* Two veth pairs: vs0/eth0 and vs1/eth1; the server ends up and addressed. */
static int setup(void **state)
{
	(void)state;
	snprintf(ns_s, sizeof(ns_s), "sesame-t%d-s", getpid());
	snprintf(ns_c, sizeof(ns_c), "sesame-t%d-c", getpid());
	snprintf(leases, sizeof(leases), "/tmp/%s.leases", ns_s);
	snprintf(dlog, sizeof(dlog), "/tmp/%s.log", ns_s);
	unlink(leases);
	if (sh("ip netns add %s && ip netns add %s", ns_s, ns_c) != 0)
		return -1;
	for (int i = 0; i < 2; i++)
		if (sh("ip link add vs%d netns %s type veth peer name eth%d "
		       "netns %s && ip -n %s addr add 10.77.%d.1/24 dev vs%d "
		       "&& "
		       "ip -n %s link set vs%d up",
		       i, ns_s, i, ns_c, ns_s, i, i, ns_s, i) != 0)
			return -1;
	/* A host "behind the gateway" for the /32 case. */
	if (sh("ip -n %s link set lo up && ip -n %s addr add 198.51.100.7/32 "
	       "dev lo && ip -n %s addr add 10.77.9.1/32 dev vs0",
	       ns_s, ns_s, ns_s) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stop_dnsmasq();
	sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", ns_s,
	   ns_c);
	unlink(leases);
	unlink(dlog);
	return 0;
}

struct run {
	struct loop *loop;
	enum net_event ev;
	struct net_lease lease;
	uint64_t start, at;
};

static void on_event(void *data, enum net_event ev, const struct net_lease *l)
{
	struct run *r = data;

	if (r->ev)
		return;
	r->ev = ev;
	r->at = loop_now_usec();
	if (l)
		r->lease = *l;
	loop_quit(r->loop);
}

/* net_start in the client namespace until the first event or the limit. */
static struct net *run_net(struct run *r, const char *const *params,
			   unsigned limit_ms)
{
	struct net_config c;
	struct net_hooks h = {on_event, r, NULL};
	struct net *n = NULL;
	uint64_t end;

	net_config_init(&c);
	for (; *params; params++) {
		char name[128], *eq;
		snprintf(name, sizeof(name), "%s", *params);
		eq = strchr(name, '=');
		if (eq)
			*eq = '\0';
		assert_int_equal(
		    net_config_parse_param(&c, name, eq ? eq + 1 : NULL), 0);
	}
	memset(r, 0, sizeof(*r));
	assert_int_equal(loop_new(&r->loop), 0);
	enter(ns_c);
	r->start = loop_now_usec();
	assert_int_equal(net_start(r->loop, &c, &h, &n), 0);
	end = r->start + (uint64_t)limit_ms * 1000;
	while (!r->ev && loop_now_usec() < end)
		loop_run_once(r->loop, 50);
	return n;
}

/* Teardown, then a fresh look from outside net: nothing on eth0/eth1. */
static void finish(struct run *r, struct net *n, bool keep)
{
	struct rtnl *rt;

	assert_int_equal(net_teardown(n, keep), 0);
	loop_free(r->loop);
	assert_int_equal(rtnl_open(&rt), 0);
	for (int i = 0; i < 2 && !keep; i++) {
		char name[8];
		struct rtnl_leftovers left;
		snprintf(name, sizeof(name), "eth%d", i);
		assert_int_equal(
		    rtnl_leftovers(rt, (int)if_nametoindex(name), &left), 0);
		assert_int_equal(left.addrs, 0);
		assert_int_equal(left.routes, 0);
		assert_false(left.up);
	}
	rtnl_close(rt);
	leave();
}

static bool leases_mention(const char *what)
{
	char *s = NULL;
	size_t len;
	bool found =
	    file_read_all(leases, 1 << 20, &s, &len) == 0 && strstr(s, what);

	free(s);
	return found;
}

static void a_lease_on_any_nic_and_a_clean_teardown(void **state)
{
	static const char *const params[] = {NULL};
	char a[INET_ADDRSTRLEN];
	struct run r;
	struct net *n;

	(void)state;
	start_dnsmasq(0, "10.77.0.100,10.77.0.150,255.255.255.0,1h",
		      "--dhcp-option=option:router,10.77.0.1 "
		      "--dhcp-option=option:root-path,10.77.0.1:/srv/nfs "
		      "--dhcp-option=option:dns-server,10.77.0.53 "
		      "--dhcp-option=option:domain-name,test.example");
	n = run_net(&r, params, 8000);
	assert_int_equal(r.ev, NET_EV_CONFIGURED);
	assert_string_equal(r.lease.ifname, "eth0");
	assert_true(r.lease.from_dhcp);
	assert_int_equal(r.lease.prefix, 24);
	assert_int_equal(r.lease.gw.s_addr, inet_addr("10.77.0.1"));
	assert_int_equal(r.lease.server.s_addr, inet_addr("10.77.0.1"));
	assert_string_equal(r.lease.root_path, "10.77.0.1:/srv/nfs");
	assert_string_equal(r.lease.domain, "test.example");
	assert_int_equal(r.lease.n_dns, 1);
	assert_int_equal(r.lease.dns[0].s_addr, inet_addr("10.77.0.53"));
	inet_ntop(AF_INET, &r.lease.addr, a, sizeof(a));
	print_message("lease %s in %.1f ms\n", a,
		      (double)(r.at - r.start) / 1000.0);
	assert_true(leases_mention(a));
	finish(&r, n, false);
	/* The RELEASE reached dnsmasq: the lease is gone from its file. */
	for (int i = 0; i < 100 && leases_mention(a); i++)
		usleep(10000);
	assert_false(leases_mention(a));
	stop_dnsmasq();
}

static void slash32_with_an_off_subnet_gateway(void **state)
{
	static const char *const params[] = {"ip=eth0:dhcp", NULL};
	char out[4096];
	struct run r;
	struct net *n;

	(void)state;
	start_dnsmasq(0, "10.77.0.100,10.77.0.150,255.255.255.0,1h",
		      "--dhcp-option=option:netmask,255.255.255.255 "
		      "--dhcp-option=option:router,10.77.9.1");
	n = run_net(&r, params, 8000);
	assert_int_equal(r.ev, NET_EV_CONFIGURED);
	assert_int_equal(r.lease.prefix, 32);
	assert_int_equal(r.lease.gw.s_addr, inet_addr("10.77.9.1"));
	sh_capture(out, sizeof(out), "-4 route show");
	print_message("%s", out);
	assert_non_null(strstr(out, "default via 10.77.9.1 dev eth0"));
	assert_non_null(
	    strstr(out, "10.77.9.1 dev eth0 proto dhcp scope link"));
	/* A host behind the gateway answers. */
	assert_int_equal(sh("ip netns exec %s busybox ping -c 1 -W 2 "
			    "198.51.100.7 >/dev/null 2>&1",
			    ns_c),
			 0);
	finish(&r, n, false);
	stop_dnsmasq();
}

static void classless_routes_win_over_the_router_option(void **state)
{
	static const char *const params[] = {"ip=dhcp", NULL};
	char out[4096];
	struct run r;
	struct net *n;

	(void)state;
	start_dnsmasq(0, "10.77.0.100,10.77.0.150,255.255.255.0,1h",
		      "--dhcp-option=option:router,10.77.0.254 "
		      "--dhcp-option=121,198.51.100.0/24,10.77.0.1,"
		      "0.0.0.0/0,10.77.0.1");
	n = run_net(&r, params, 8000);
	assert_int_equal(r.ev, NET_EV_CONFIGURED);
	sh_capture(out, sizeof(out), "-4 route show");
	print_message("%s", out);
	assert_non_null(strstr(out, "default via 10.77.0.1 dev eth0"));
	assert_non_null(strstr(out, "198.51.100.0/24 via 10.77.0.1 dev eth0"));
	assert_null(strstr(out, "10.77.0.254"));
	finish(&r, n, false);
	stop_dnsmasq();
}

static void second_nic_wins_and_ifname_renames(void **state)
{
	char mac[32], param[64], out[4096];
	const char *params[] = {param, NULL};
	struct run r;
	struct net *n;
	FILE *f;
	char path[128];

	(void)state;
	/* Server only on vs1; eth1 is renamed lan1 by its MAC. */
	snprintf(path, sizeof(path),
		 "ip -n %s -br link show eth1 | awk '{print $3}'", ns_c);
	f = popen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(mac, sizeof(mac), f));
	pclose(f);
	mac[strcspn(mac, "\n")] = '\0';
	snprintf(param, sizeof(param), "ifname=lan1:%s", mac);
	start_dnsmasq(1, "10.77.1.100,10.77.1.150,255.255.255.0,1h",
		      "--dhcp-option=option:router,10.77.1.1");
	n = run_net(&r, params, 8000);
	assert_int_equal(r.ev, NET_EV_CONFIGURED);
	assert_string_equal(r.lease.ifname, "lan1");
	/* eth0 lost the race: down again, no address. */
	sh_capture(out, sizeof(out), "-br link show eth0");
	assert_non_null(strstr(out, "DOWN"));
	assert_int_equal(net_teardown(n, false), 0);
	loop_free(r.loop);
	leave();
	sh("ip -n %s link set lan1 name eth1", ns_c);
	stop_dnsmasq();
}

static void static_ip_and_keep(void **state)
{
	static const char *const params[] = {
	    "ip=10.77.0.9::10.77.0.1:255.255.255.0:box:eth0:none", NULL};
	char out[4096];
	struct run r;
	struct net *n;

	(void)state;
	n = run_net(&r, params, 5000);
	assert_int_equal(r.ev, NET_EV_CONFIGURED);
	assert_false(r.lease.from_dhcp);
	assert_int_equal(r.lease.addr.s_addr, inet_addr("10.77.0.9"));
	assert_string_equal(r.lease.hostname, "box");
	/* keep (NFS root, rd.neednet): the address stays. */
	assert_int_equal(net_teardown(n, true), 0);
	loop_free(r.loop);
	sh_capture(out, sizeof(out), "-4 addr show dev eth0");
	assert_non_null(strstr(out, "10.77.0.9/24"));
	sh("ip -n %s addr flush dev eth0; ip -n %s link set eth0 down", ns_c,
	   ns_c);
	leave();
}

static void no_server_times_out_and_says_so(void **state)
{
	static const char *const params[] = {"sesame.dhcp_timeout=2", NULL};
	struct run r;
	struct net *n;
	double s;

	(void)state;
	n = run_net(&r, params, 6000);
	assert_int_equal(r.ev, NET_EV_TIMEOUT);
	s = (double)(r.at - r.start) / 1e6;
	print_message("timeout after %.2f s\n", s);
	assert_true(s >= 1.9 && s < 3.0);
	finish(&r, n, false);
}

/*
 * A hostile and fussy server on vs0: every DISCOVER gets garbage, an OFFER
 * for another xid and one with a broken UDP checksum before the real OFFER;
 * the first REQUEST gets a NAK, the next an ACK.
 */
struct fake_server {
	int fd;
	int ifindex;
	unsigned discovers, requests, naks;
	bool polite;	/* no garbage, no NAK */
	bool silent;	/* answers nothing */
	uint32_t lease; /* 0: 600 s, unless lease_given */
	bool lease_given;
	uint32_t t1, t2;    /* 0: not sent */
	unsigned subnet;    /* 10.77.<subnet>.0/24 */
	const char *router; /* NULL: 10.77.<subnet>.1 */
	uint16_t mtu;	    /* 0: not sent */
	const char *dns;    /* NULL: not sent */
};

static void fake_send(struct fake_server *f, const uint8_t *frame, size_t n)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = f->ifindex,
				  .sll_halen = 6};

	memset(sll.sll_addr, 0xff, 6);
	sendto(f->fd, frame, n, 0, (struct sockaddr *)&sll, sizeof(sll));
}

static void fake_reply(struct fake_server *f, uint8_t type, uint32_t xid,
		       const uint8_t *chaddr, bool bad_csum)
{
	static struct frame_spec sp;
	static uint8_t out[2048];
	size_t n;

	char srv[32], me[32];
	uint8_t mtu[2] = {(uint8_t)(f->mtu >> 8), (uint8_t)f->mtu};

	snprintf(srv, sizeof(srv), "10.77.%u.1", f->subnet);
	snprintf(me, sizeof(me), "10.77.%u.77", f->subnet);
	frame_spec_init(&sp, type);
	sp.xid = xid;
	memcpy(sp.chaddr, chaddr, 6);
	sp.src = inet_addr(srv);
	sp.yiaddr = type == 6 ? 0 : inet_addr(me);
	frame_opt(&sp, 53, &sp.type, 1);
	frame_opt_addr(&sp, 54, srv);
	if (type != 6) {
		frame_opt_u32(&sp, 51,
			      f->lease || f->lease_given ? f->lease : 600);
		if (f->t1)
			frame_opt_u32(&sp, 58, f->t1);
		if (f->t2)
			frame_opt_u32(&sp, 59, f->t2);
		frame_opt_addr(&sp, 1, "255.255.255.0");
		frame_opt_addr(&sp, 3, f->router ? f->router : srv);
		if (f->mtu)
			frame_opt(&sp, 26, mtu, 2);
		if (f->dns)
			frame_opt_addr(&sp, 6, f->dns);
	} else {
		frame_opt(&sp, 56, "go away once", 12);
	}
	n = frame_build(&sp, out, sizeof(out));
	if (bad_csum)
		out[n - 2] ^= 0x5a;
	fake_send(f, out, n);
}

static int fake_readable(struct loop *l, int fd, uint32_t events, void *data)
{
	struct fake_server *f = data;
	uint8_t frame[2048], garbage[100];
	uint32_t xid;
	ssize_t n;

	(void)l;
	(void)events;
	while ((n = recv(fd, frame, sizeof(frame), MSG_DONTWAIT)) > 0) {
		/* Our own client's frames: IHL 5, option 53 first. */
		if (n < 28 + 240 + 3 || frame[22] != 0 || frame[23] != 67 ||
		    frame[28 + 240] != 53)
			continue;
		xid = (uint32_t)frame[32] << 24 | (uint32_t)frame[33] << 16 |
		      (uint32_t)frame[34] << 8 | frame[35];
		if (f->silent)
			continue;
		if (frame[28 + 242] == 1 && f->polite) {
			f->discovers++;
			fake_reply(f, 2, xid, frame + 28 + 28, false);
		} else if (frame[28 + 242] == 1) {
			f->discovers++;
			for (size_t i = 0; i < sizeof(garbage); i++)
				garbage[i] = (uint8_t)(i * 37 + 11);
			garbage[0] = 0x45;
			fake_send(f, garbage, sizeof(garbage));
			fake_reply(f, 2, xid + 1, frame + 28 + 28, false);
			fake_reply(f, 2, xid, frame + 28 + 28, true);
			fake_reply(f, 2, xid, frame + 28 + 28, false);
		} else if (frame[28 + 242] == 3) {
			if (f->requests++ == 0 && !f->polite) {
				f->naks++;
				fake_reply(f, 6, xid, frame + 28 + 28, false);
			} else {
				fake_reply(f, 5, xid, frame + 28 + 28, false);
			}
		}
	}
	return 0;
}

static void hostile_replies_and_a_nak_are_survived(void **state)
{
	static const char *const params[] = {"ip=eth0:dhcp",
					     "sesame.dhcp_timeout=20", NULL};
	struct fake_server f = {.fd = -1};
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP)};
	struct net_config c;
	struct net_hooks h = {0};
	struct run r;
	struct net *n = NULL;
	uint64_t end;

	(void)state;
	/* The fake server's socket lives in the server namespace. */
	enter(ns_s);
	f.fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	assert_true(f.fd >= 0);
	f.ifindex = (int)if_nametoindex("vs0");
	sll.sll_ifindex = f.ifindex;
	assert_int_equal(bind(f.fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	leave();

	net_config_init(&c);
	for (const char *const *p = params; *p; p++) {
		char name[64], *eq;
		snprintf(name, sizeof(name), "%s", *p);
		eq = strchr(name, '=');
		*eq = '\0';
		assert_int_equal(net_config_parse_param(&c, name, eq + 1), 0);
	}
	memset(&r, 0, sizeof(r));
	h.on_event = on_event;
	h.data = &r;
	assert_int_equal(loop_new(&r.loop), 0);
	assert_int_equal(loop_add_fd(r.loop, f.fd, EPOLLIN, fake_readable, &f),
			 0);
	enter(ns_c);
	r.start = loop_now_usec();
	assert_int_equal(net_start(r.loop, &c, &h, &n), 0);
	end = r.start + 10000000u;
	while (!r.ev && loop_now_usec() < end)
		loop_run_once(r.loop, 50);
	print_message("%u DISCOVERs, %u REQUESTs, %u NAK; configured after "
		      "%.2f s\n",
		      f.discovers, f.requests, f.naks,
		      (double)(r.at - r.start) / 1e6);
	assert_int_equal(r.ev, NET_EV_CONFIGURED);
	assert_int_equal(r.lease.addr.s_addr, inet_addr("10.77.0.77"));
	assert_int_equal(f.naks, 1);
	assert_true(f.discovers >= 2);
	/* The NAK's back-off: at least 2 s before the second DISCOVER. */
	assert_true(r.at - r.start >= 2000000u);
	loop_del_fd(r.loop, f.fd);
	close(f.fd);
	/* No server answers the RELEASE; teardown is still clean. */
	finish(&r, n, false);
}

struct counts {
	struct loop *loop;
	unsigned configured, lost;
	struct net_lease lease;
};

static void count_event(void *data, enum net_event ev,
			const struct net_lease *l)
{
	struct counts *c = data;

	if (ev == NET_EV_CONFIGURED) {
		c->configured++;
		c->lease = *l;
	} else if (ev == NET_EV_LOST) {
		c->lost++;
	}
}

static void run_for(struct loop *l, unsigned ms)
{
	uint64_t end = loop_now_usec() + (uint64_t)ms * 1000;

	while (loop_now_usec() < end)
		loop_run_once(l, 20);
}

/* The fake server's socket on vs<subnet>, in the server namespace. */
static void fake_open(struct fake_server *f, struct loop *l)
{
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP)};
	char vs[16];

	snprintf(vs, sizeof(vs), "vs%u", f->subnet);
	enter(ns_s);
	f->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	assert_true(f->fd >= 0);
	f->ifindex = (int)if_nametoindex(vs);
	sll.sll_ifindex = f->ifindex;
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sll, sizeof(sll)), 0);
	leave();
	assert_int_equal(loop_add_fd(l, f->fd, EPOLLIN, fake_readable, f), 0);
}

static void fake_close(struct fake_server *f, struct loop *l)
{
	loop_del_fd(l, f->fd);
	close(f->fd);
	f->fd = -1;
}

/* net_start with these parameters, counting events in k; in ns_c after. */
static struct net *start_counting(struct counts *k, const char *const *params)
{
	struct net_config c;
	struct net_hooks h = {count_event, k, NULL};
	struct net *n = NULL;

	net_config_init(&c);
	for (; *params; params++) {
		char name[128], *eq;
		snprintf(name, sizeof(name), "%s", *params);
		eq = strchr(name, '=');
		if (eq)
			*eq = '\0';
		assert_int_equal(
		    net_config_parse_param(&c, name, eq ? eq + 1 : NULL), 0);
	}
	enter(ns_c);
	assert_int_equal(net_start(k->loop, &c, &h, &n), 0);
	return n;
}

/*
 * Issue 9 item 10: leases of 1 s and 0 s made the client flood the segment
 * (16,884 REQUESTs in 3 s). Clamped to 20 s, the client sends one REQUEST
 * and waits for T1; the bound is generous so that load cannot matter.
 */
static void short_leases_do_not_flood(void **state)
{
	static const char *const params[] = {"ip=eth0:dhcp", NULL};
	static const uint32_t lease_s[] = {1, 0};

	(void)state;
	for (size_t i = 0; i < sizeof(lease_s) / sizeof(lease_s[0]); i++) {
		struct fake_server f = {.fd = -1,
					.polite = true,
					.lease = lease_s[i],
					.lease_given = true};
		struct counts k;
		struct net *n;

		memset(&k, 0, sizeof(k));
		assert_int_equal(loop_new(&k.loop), 0);
		fake_open(&f, k.loop);
		n = start_counting(&k, params);
		run_for(k.loop, 3000);
		print_message("lease %u s: %u DISCOVERs, %u REQUESTs, %u "
			      "configured, %u lost in 3 s; lease taken as %u "
			      "s\n",
			      lease_s[i], f.discovers, f.requests, k.configured,
			      k.lost, k.lease.lease_time);
		assert_int_equal(k.configured, 1);
		assert_int_equal(k.lost, 0);
		assert_true(f.requests <= 3);
		assert_true(f.discovers <= 3);
		assert_int_equal(k.lease.lease_time, DHCP_MIN_LEASE);
		fake_close(&f, k.loop);
		assert_int_equal(net_teardown(n, false), 0);
		loop_free(k.loop);
		leave();
	}
}

/*
 * Issue 9 item 12: a default route the kernel refuses (router = the subnet
 * broadcast) removed the address while the client stayed bound; a
 * multicast router was taken. Now the address stays, with a warning.
 */
static void a_refused_default_route_keeps_the_address(void **state)
{
	static const char *const params[] = {"ip=eth0:dhcp", NULL};
	static const char *const routers[] = {"10.77.0.255", "224.0.0.1",
					      "255.255.255.255"};
	char out[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(routers) / sizeof(routers[0]); i++) {
		struct fake_server f = {
		    .fd = -1, .polite = true, .router = routers[i]};
		struct counts k;
		struct net *n;

		memset(&k, 0, sizeof(k));
		assert_int_equal(loop_new(&k.loop), 0);
		fake_open(&f, k.loop);
		n = start_counting(&k, params);
		for (int t = 0; t < 100 && !k.configured; t++)
			loop_run_once(k.loop, 50);
		print_message("router %s: %u configured\n", routers[i],
			      k.configured);
		assert_int_equal(k.configured, 1);
		sh_capture(out, sizeof(out), "-4 addr show dev eth0");
		assert_non_null(strstr(out, "10.77.0.77/24"));
		sh_capture(out, sizeof(out), "-4 route show");
		assert_null(strstr(out, "default"));
		fake_close(&f, k.loop);
		assert_int_equal(net_teardown(n, false), 0);
		loop_free(k.loop);
		leave();
	}
}

/*
 * Issue 9 item 13: with two configured NICs the second default route
 * replaced the first. Each interface's routes now have their own metric.
 */
static void two_nics_keep_both_default_routes(void **state)
{
	static const char *const params[] = {"ip=eth0:dhcp", "ip=eth1:dhcp",
					     NULL};
	struct fake_server f0 = {.fd = -1, .polite = true, .subnet = 0};
	struct fake_server f1 = {.fd = -1, .polite = true, .subnet = 1};
	char out[4096];
	struct counts k;
	struct net *n;

	(void)state;
	memset(&k, 0, sizeof(k));
	assert_int_equal(loop_new(&k.loop), 0);
	fake_open(&f0, k.loop);
	fake_open(&f1, k.loop);
	n = start_counting(&k, params);
	for (int t = 0; t < 200 && k.configured < 2; t++)
		loop_run_once(k.loop, 50);
	assert_int_equal(k.configured, 2);
	sh_capture(out, sizeof(out), "-4 route show default");
	print_message("%s", out);
	assert_non_null(strstr(out, "default via 10.77.0.1 dev eth0"));
	assert_non_null(strstr(out, "default via 10.77.1.1 dev eth1"));
	/* eth1 goes: eth0's default route is still there. */
	sh("ip -n %s addr flush dev eth1", ns_c);
	sh_capture(out, sizeof(out), "-4 route show default");
	assert_non_null(strstr(out, "default via 10.77.0.1 dev eth0"));
	fake_close(&f0, k.loop);
	fake_close(&f1, k.loop);
	assert_int_equal(net_teardown(n, false), 0);
	loop_free(k.loop);
	leave();
}

/*
 * Issue 9 items 10 and 18: with the clamps the shortest lease is 20 s,
 * renewed at T1 = 10 s. A renewal of the same address that changes the
 * router, the MTU and the DNS servers is applied and reported; the address
 * carries the lease as its lifetime; a silent server lets it expire.
 */
static void renewal_applies_changes_then_expiry(void **state)
{
	static const char *const params[] = {"ip=eth0:dhcp", NULL};
	struct fake_server f = {
	    .fd = -1, .polite = true, .lease = 20, .t1 = 10, .t2 = 15};
	struct counts k;
	struct net *n;
	char out[4096];

	(void)state;
	memset(&k, 0, sizeof(k));
	assert_int_equal(loop_new(&k.loop), 0);
	fake_open(&f, k.loop);
	n = start_counting(&k, params);
	for (int t = 0; t < 100 && !k.configured; t++)
		loop_run_once(k.loop, 50);
	assert_int_equal(k.configured, 1);
	sh_capture(out, sizeof(out), "-4 addr show dev eth0");
	print_message("%s", out);
	assert_non_null(strstr(out, "valid_lft 20sec"));
	/* The server changes its mind before T1. */
	f.router = "10.77.0.2";
	f.mtu = 1400;
	f.dns = "10.77.0.53";
	run_for(k.loop, 11500);
	print_message("after T1: %u configured, %u lost, %u REQUESTs\n",
		      k.configured, k.lost, f.requests);
	assert_int_equal(k.lost, 0);
	assert_true(f.requests >= 2);
	assert_int_equal(k.configured, 2); /* reported again: changed */
	assert_int_equal(k.lease.gw.s_addr, inet_addr("10.77.0.2"));
	assert_int_equal(k.lease.mtu, 1400);
	assert_int_equal(k.lease.n_dns, 1);
	sh_capture(out, sizeof(out), "-4 route show default");
	assert_non_null(strstr(out, "default via 10.77.0.2 dev eth0"));
	assert_null(strstr(out, "10.77.0.1 "));
	sh_capture(out, sizeof(out), "link show dev eth0");
	assert_non_null(strstr(out, "mtu 1400"));
	f.silent = true;
	run_for(k.loop, 21000); /* T2 at 25 s, expiry at 30 s */
	print_message("silent: %u configured, %u lost\n", k.configured, k.lost);
	assert_int_equal(k.lost, 1);
	sh_capture(out, sizeof(out), "-4 addr show dev eth0");
	assert_null(strstr(out, "10.77.0.77"));
	assert_int_equal(net_get_lease(n, &k.lease), -ENOENT);
	fake_close(&f, k.loop);
	assert_int_equal(net_teardown(n, false), 0);
	/* Item 18: the MTU net set is put back at teardown. */
	sh_capture(out, sizeof(out), "link show dev eth0");
	assert_non_null(strstr(out, "mtu 1500"));
	loop_free(k.loop);
	leave();
}

/* Item 18: ip=<if>:dhcp:<mtu>:<mac> changes are undone at teardown. */
static void mtu_and_mac_are_restored_at_teardown(void **state)
{
	static const char *const params[] = {
	    "ip=eth0:dhcp:1280:02:00:5e:00:00:42", "sesame.dhcp_timeout=30",
	    NULL};
	char before[4096], out[4096];
	struct counts k;
	struct net *n;

	(void)state;
	sh("ip -n %s link set eth0 down", ns_c);
	enter(ns_c);
	sh_capture(before, sizeof(before), "-br link show dev eth0");
	leave();
	memset(&k, 0, sizeof(k));
	assert_int_equal(loop_new(&k.loop), 0);
	n = start_counting(&k, params);
	run_for(k.loop, 300);
	sh_capture(out, sizeof(out), "link show dev eth0");
	print_message("%s", out);
	assert_non_null(strstr(out, "mtu 1280"));
	assert_non_null(strstr(out, "02:00:5e:00:00:42"));
	assert_int_equal(net_teardown(n, false), 0);
	loop_free(k.loop);
	sh_capture(out, sizeof(out), "link show dev eth0");
	print_message("after teardown: %s", out);
	assert_non_null(strstr(out, "mtu 1500"));
	assert_null(strstr(out, "02:00:5e:00:00:42"));
	leave();
}

/* The MAC of a link in the client namespace, "aa:bb:..". */
static void link_mac(const char *ifname, char mac[32])
{
	char cmd[160];
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "ip -n %s -br link show %s | awk '{print $3}'", ns_c, ifname);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(mac, 32, f));
	pclose(f);
	mac[strcspn(mac, "\n")] = '\0';
}

/* Issue 9 item 16: ifname= swapping two names failed with EEXIST twice. */
static void ifname_swaps_two_names(void **state)
{
	char mac0[32], mac1[32], p0[64], p1[64], now0[32], now1[32];
	const char *params[] = {p0, p1, "sesame.dhcp_timeout=30", NULL};
	struct counts k;
	struct net *n;

	(void)state;
	sh("ip -n %s link set eth0 down; ip -n %s link set eth1 down", ns_c,
	   ns_c);
	link_mac("eth0", mac0);
	link_mac("eth1", mac1);
	snprintf(p0, sizeof(p0), "ifname=eth1:%s", mac0);
	snprintf(p1, sizeof(p1), "ifname=eth0:%s", mac1);
	memset(&k, 0, sizeof(k));
	assert_int_equal(loop_new(&k.loop), 0);
	n = start_counting(&k, params);
	run_for(k.loop, 500);
	link_mac("eth0", now0);
	link_mac("eth1", now1);
	print_message("eth0 was %s, now %s; eth1 was %s, now %s\n", mac0, now0,
		      mac1, now1);
	assert_string_equal(now0, mac1);
	assert_string_equal(now1, mac0);
	assert_int_equal(net_teardown(n, false), 0);
	loop_free(k.loop);
	leave();
	/* Back as they were for the other tests. */
	sh("ip -n %s link set eth0 name tmpx && ip -n %s link set eth1 name "
	   "eth0 && ip -n %s link set tmpx name eth1",
	   ns_c, ns_c, ns_c);
}

static bool status_has(pid_t pid, const char *line)
{
	char path[64], *s = NULL;
	size_t len;
	bool found;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	found = file_read_all(path, 1 << 16, &s, &len) == 0 && strstr(s, line);
	free(s);
	return found;
}

/* The parser process: unprivileged, no new privileges, a removed root. */
static void parser_child_is_confined(void **state)
{
	static struct frame_spec spec;
	static uint8_t frame[2048];
	const struct dhcp_expect exp = {
	    .xid = 0x1a2b3c4d,
	    .chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
	};
	char why[DHCP_CHILD_WHY_MAX] = "", path[64], root[256];
	struct dhcp_child ch = {.pid = -1, .fd = -1}; /* no watch: stop reaps */
	struct dhcp_lease l;
	size_t n;
	ssize_t rl;

	(void)state;
	assert_int_equal(dhcp_child_start(&ch), 0);
	assert_true(status_has(ch.pid, "Uid:\t65534\t65534\t65534\t65534"));
	assert_true(status_has(ch.pid, "Gid:\t65534\t65534\t65534\t65534"));
	assert_true(status_has(ch.pid, "NoNewPrivs:\t1"));
	assert_true(status_has(ch.pid, "CapEff:\t0000000000000000"));
	assert_true(status_has(ch.pid, "Seccomp:\t2"));
	snprintf(path, sizeof(path), "/proc/%d/root", (int)ch.pid);
	rl = readlink(path, root, sizeof(root) - 1);
	assert_true(rl > 0);
	root[rl] = '\0';
	print_message("parser root: %s\n", root);
	assert_non_null(strstr(root, "(deleted)"));

	frame_spec_init(&spec, 2 /* OFFER */);
	frame_std_options(&spec);
	n = frame_build(&spec, frame, sizeof(frame));
	assert_int_equal(dhcp_child_parse(&ch, frame, n, &exp, &l, why), 0);
	assert_int_equal(l.yiaddr.s_addr, inet_addr("192.168.50.23"));
	frame[n - 1] = 0x42; /* End becomes an option without a length */
	frame[26] = frame[27] = 0;
	assert_true(dhcp_child_parse(&ch, frame, n, &exp, &l, why) < 0);
	print_message("refused: %s\n", why);
	assert_true(why[0] != '\0');
	/* A dead parser is reported, not waited on forever. */
	kill(ch.pid, SIGKILL);
	assert_int_equal(dhcp_child_parse(&ch, frame, n, &exp, &l, why),
			 -EPIPE);
	dhcp_child_stop(&ch);
	dhcp_child_stop(&ch); /* idempotent */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_lease_on_any_nic_and_a_clean_teardown),
	    cmocka_unit_test(slash32_with_an_off_subnet_gateway),
	    cmocka_unit_test(classless_routes_win_over_the_router_option),
	    cmocka_unit_test(second_nic_wins_and_ifname_renames),
	    cmocka_unit_test(static_ip_and_keep),
	    cmocka_unit_test(no_server_times_out_and_says_so),
	    cmocka_unit_test(hostile_replies_and_a_nak_are_survived),
	    cmocka_unit_test(short_leases_do_not_flood),
	    cmocka_unit_test(a_refused_default_route_keeps_the_address),
	    cmocka_unit_test(two_nics_keep_both_default_routes),
	    cmocka_unit_test(renewal_applies_changes_then_expiry),
	    cmocka_unit_test(mtu_and_mac_are_restored_at_teardown),
	    cmocka_unit_test(ifname_swaps_two_names),
	    cmocka_unit_test(parser_child_is_confined),
	};

	/* CI runs as root; without root this fails loudly rather than skip. */
	if (geteuid() != 0) {
		fprintf(stderr, "test_net_netns: needs root (network "
				"namespaces); run make check as root\n");
		return 1;
	}
	if (sh("command -v dnsmasq >/dev/null && command -v busybox "
	       ">/dev/null") != 0) {
		fprintf(stderr, "test_net_netns: needs dnsmasq and busybox "
				"(scripts/deps.sh test)\n");
		return 1;
	}
	host_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (host_ns < 0)
		return 1;
	log_set_ident("test_net_netns");
	return cmocka_run_group_tests(tests, setup, teardown);
}
