/* test_net_child: PID 1's side of the DHCP parser child trusts nothing the
 * child answers (issue 9 item 14); its exit is seen by init's one reaper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "init/child.h"
#include "net/dhcp_child.h"

static const struct dhcp_expect expect = {
    .xid = 0x1a2b3c4d,
    .chaddr = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56},
};

/* What a truthful child says about a plain ACK. */
static void good_reply(struct dhcp_child_reply *rep)
{
	struct dhcp_lease *l = &rep->lease;

	memset(rep, 0, sizeof(*rep));
	l->type = DHCPACK;
	l->xid = expect.xid;
	l->have = DHCP_HAVE_MASK | DHCP_HAVE_ROUTER | DHCP_HAVE_HOSTNAME;
	l->yiaddr.s_addr = inet_addr("192.168.50.23");
	l->server_id.s_addr = inet_addr("192.168.50.1");
	l->mask.s_addr = inet_addr("255.255.255.0");
	l->prefix = 24;
	l->router.s_addr = inet_addr("192.168.50.1");
	l->lease_time = 3600;
	l->t1 = 1800;
	l->t2 = 3150;
	l->n_dns = 1;
	l->dns[0].s_addr = inet_addr("192.168.50.1");
	strcpy(l->hostname, "box");
}

/*
 * A fake child: the reply is queued on the far end of a socketpair before
 * the parent asks, so dhcp_child_parse() reads exactly these bytes.
 */
static int ask(const void *reply, size_t n, struct dhcp_lease *out)
{
	static const uint8_t frame[300];
	char why[DHCP_CHILD_WHY_MAX] = "";
	struct dhcp_child c = {.pid = -1, .fd = -1};
	int sv[2], r;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	c.fd = sv[0];
	assert_int_equal(send(sv[1], reply, n, 0), (ssize_t)n);
	memset(out, 0x5a, sizeof(*out));
	r = dhcp_child_parse(&c, frame, sizeof(frame), &expect, out, why);
	close(sv[0]);
	close(sv[1]);
	return r;
}

static void a_truthful_answer_is_taken(void **state)
{
	struct dhcp_child_reply rep;
	struct dhcp_lease l;

	(void)state;
	good_reply(&rep);
	assert_int_equal(ask(&rep, sizeof(rep), &l), 0);
	assert_memory_equal(&l, &rep.lease, sizeof(l));
	/* An honest refusal passes through with its errno. */
	memset(&rep, 0, sizeof(rep));
	rep.r = -EBADMSG;
	strcpy(rep.why, "bad UDP checksum");
	assert_int_equal(ask(&rep, sizeof(rep), &l), -EBADMSG);
}

/* Each lie, applied to a truthful answer. */
static void lie_dns_count(struct dhcp_child_reply *p)
{
	p->lease.n_dns = 255;
}
static void lie_route_count(struct dhcp_child_reply *p)
{
	p->lease.n_routes = 255;
	p->lease.have |= DHCP_HAVE_ROUTES;
}
static void lie_route_prefix(struct dhcp_child_reply *p)
{
	p->lease.n_routes = 1;
	p->lease.routes[0].prefix = 40;
}
static void lie_route_host_bits(struct dhcp_child_reply *p)
{
	p->lease.n_routes = 1;
	p->lease.routes[0].prefix = 8;
	p->lease.routes[0].dst.s_addr = inet_addr("10.1.2.3");
}
static void lie_prefix_0(struct dhcp_child_reply *p)
{
	p->lease.prefix = 0;
	p->lease.mask.s_addr = 0;
}
static void lie_prefix_33(struct dhcp_child_reply *p)
{
	p->lease.prefix = 33;
}
static void lie_mask_mismatch(struct dhcp_child_reply *p)
{
	p->lease.prefix = 16;
}
static void lie_hostname_unterminated(struct dhcp_child_reply *p)
{
	memset(p->lease.hostname, 'a', sizeof(p->lease.hostname));
}
static void lie_domain_unterminated(struct dhcp_child_reply *p)
{
	memset(p->lease.domain, 'a', sizeof(p->lease.domain));
}
static void lie_root_path_unterminated(struct dhcp_child_reply *p)
{
	memset(p->lease.root_path, 'a', sizeof(p->lease.root_path));
}
static void lie_message_unterminated(struct dhcp_child_reply *p)
{
	memset(p->lease.message, 'a', sizeof(p->lease.message));
}
static void lie_hostname_chars(struct dhcp_child_reply *p)
{
	strcpy(p->lease.hostname, "a;reboot");
}
static void lie_router_multicast(struct dhcp_child_reply *p)
{
	p->lease.router.s_addr = inet_addr("224.0.0.1");
}
static void lie_dns_broadcast(struct dhcp_child_reply *p)
{
	p->lease.dns[0].s_addr = inet_addr("255.255.255.255");
}
static void lie_yiaddr(struct dhcp_child_reply *p)
{
	p->lease.yiaddr.s_addr = inet_addr("127.0.0.1");
}
static void lie_type(struct dhcp_child_reply *p)
{
	p->lease.type = 9;
}
static void lie_have_bits(struct dhcp_child_reply *p)
{
	p->lease.have |= 1u << 31;
}
static void lie_lease_0(struct dhcp_child_reply *p)
{
	p->lease.lease_time = 0;
	p->lease.t1 = p->lease.t2 = 0;
}
static void lie_t1_after_t2(struct dhcp_child_reply *p)
{
	p->lease.t1 = 3200;
}
static void lie_mtu(struct dhcp_child_reply *p)
{
	p->lease.have |= DHCP_HAVE_MTU;
	p->lease.mtu = 16;
}
static void lie_xid(struct dhcp_child_reply *p)
{
	p->lease.xid ^= 1;
}
static void lie_positive_r(struct dhcp_child_reply *p)
{
	p->r = 5;
}
static void lie_huge_errno(struct dhcp_child_reply *p)
{
	p->r = -100000;
}
static void lie_why_unterminated(struct dhcp_child_reply *p)
{
	p->r = -EBADMSG;
	memset(p->why, 'x', sizeof(p->why));
}

static const struct {
	const char *what;
	void (*lie)(struct dhcp_child_reply *p);
} lies[] = {
    {"255 DNS servers", lie_dns_count},
    {"255 routes", lie_route_count},
    {"route prefix 40", lie_route_prefix},
    {"route with host bits", lie_route_host_bits},
    {"prefix 0", lie_prefix_0},
    {"prefix 33", lie_prefix_33},
    {"prefix not the mask's", lie_mask_mismatch},
    {"unterminated hostname", lie_hostname_unterminated},
    {"unterminated domain", lie_domain_unterminated},
    {"unterminated root path", lie_root_path_unterminated},
    {"unterminated message", lie_message_unterminated},
    {"hostname with ';'", lie_hostname_chars},
    {"multicast router", lie_router_multicast},
    {"broadcast DNS server", lie_dns_broadcast},
    {"loopback yiaddr", lie_yiaddr},
    {"message type 9", lie_type},
    {"unknown have bit", lie_have_bits},
    {"lease time 0", lie_lease_0},
    {"T1 after T2", lie_t1_after_t2},
    {"MTU 16", lie_mtu},
    {"another xid", lie_xid},
    {"a positive result", lie_positive_r},
    {"a result that is no errno", lie_huge_errno},
    {"an unterminated reason", lie_why_unterminated},
};

static void every_lie_is_caught(void **state)
{
	struct dhcp_child_reply rep;
	struct dhcp_lease l, before;

	(void)state;
	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		print_message("  %s\n", lies[i].what);
		good_reply(&rep);
		lies[i].lie(&rep);
		assert_int_equal(ask(&rep, sizeof(rep), &l), -EBADE);
		memset(&before, 0x5a, sizeof(before));
		assert_memory_equal(&l, &before, sizeof(l)); /* untouched */
	}
}

static void wrong_sizes_are_lies(void **state)
{
	struct dhcp_child_reply rep;
	uint8_t big[sizeof(rep) + 64];
	struct dhcp_lease l;

	(void)state;
	good_reply(&rep);
	assert_int_equal(ask(&rep, sizeof(rep) - 1, &l), -EBADE);
	assert_int_equal(ask(&rep, 4, &l), -EBADE);
	memset(big, 0, sizeof(big));
	memcpy(big, &rep, sizeof(rep));
	assert_int_equal(ask(big, sizeof(big), &l), -EBADE);
}

/* While REQUESTING, an ACK must come from the selected server. */
static void another_server_is_a_lie_while_requesting(void **state)
{
	struct dhcp_child_reply rep;
	struct dhcp_expect e = expect;
	char why[DHCP_CHILD_WHY_MAX];
	struct dhcp_child c = {.pid = -1, .fd = -1};
	struct dhcp_lease l;
	uint8_t frame[300] = {0};
	int sv[2];

	(void)state;
	good_reply(&rep);
	e.server_id.s_addr = inet_addr("192.168.50.2");
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	c.fd = sv[0];
	assert_int_equal(send(sv[1], &rep, sizeof(rep), 0),
			 (ssize_t)sizeof(rep));
	assert_int_equal(
	    dhcp_child_parse(&c, frame, sizeof(frame), &e, &l, why), -EBADE);
	close(sv[0]);
	close(sv[1]);
}

/* ---- the real parser process, reaped by init's child_reap() ---- */

static unsigned n_watched;

/* child_watch() as PID 1 passes it, counting its calls. */
static int counting_watch(pid_t pid, child_exit_fn fn, void *data)
{
	n_watched++;
	return child_watch(pid, fn, data);
}

static const struct dhcp_child_watch init_reaper = {
    .watch = counting_watch,
    .forget = child_forget,
};

/* Waits until pid has exited, leaving it to be reaped (WNOWAIT). */
static void wait_exited(pid_t pid)
{
	siginfo_t si;

	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		assert_int_equal(errno, EINTR);
}

/*
 * The parser dies by itself (a crash on hostile input, say): init's reaper
 * collects it and net hears of it through the watch, no pidfd involved
 * (kernels before 5.3 have none); the next parse says -EPIPE at once, so
 * the client starts a new parser.
 */
static void parser_exit_is_seen_by_init_reaper(void **state)
{
	struct dhcp_child c = {.pid = -1, .fd = -1, .watch = &init_reaper};
	static const uint8_t frame[300];
	char why[DHCP_CHILD_WHY_MAX];
	struct dhcp_lease l;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip(); /* the parser drops root: it must have it */
	n_watched = 0;
	assert_int_equal(dhcp_child_start(&c), 0);
	pid = c.pid;
	assert_true(pid > 0);
	assert_int_equal(n_watched, 1);
	assert_int_equal(child_count(), 1);
	assert_int_equal(kill(pid, SIGKILL), 0);
	wait_exited(pid);
	assert_int_equal(child_reap(), 1);
	assert_int_equal(c.pid, -1);
	assert_int_equal(c.fd, -1);
	assert_int_equal(child_count(), 0);
	assert_int_equal(
	    dhcp_child_parse(&c, frame, sizeof(frame), &expect, &l, why),
	    -EPIPE);
	dhcp_child_stop(&c); /* nothing left to do: no second reap */
	assert_int_equal(child_reap(), 0);
	/* A new one starts, watched again, and still parses. */
	assert_int_equal(dhcp_child_start(&c), 0);
	assert_int_equal(n_watched, 2);
	assert_int_equal(
	    dhcp_child_parse(&c, frame, sizeof(frame), &expect, &l, why),
	    -EBADMSG);
	pid = c.pid;
	dhcp_child_stop(&c);
	wait_exited(pid);
	assert_int_equal(child_reap(), 1);
	assert_int_equal(child_count(), 0);
}

/*
 * Stopped while watched: killed, and left to init's reaper, which collects
 * it without calling back into a net that is gone; stop itself never
 * waits on it (waitpid there would race the reaper).
 */
static void stop_leaves_the_reap_to_init(void **state)
{
	struct dhcp_child c = {.pid = -1, .fd = -1, .watch = &init_reaper};
	siginfo_t si;
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(dhcp_child_start(&c), 0);
	pid = c.pid;
	dhcp_child_stop(&c);
	assert_int_equal(c.pid, -1);
	wait_exited(pid);
	/* Not reaped by stop: still waitable, for child_reap() only. */
	memset(&si, 0, sizeof(si));
	assert_int_equal(
	    waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT), 0);
	assert_int_equal(si.si_pid, pid);
	assert_int_equal(child_reap(), 1);
	assert_int_equal(child_count(), 0);
}

/* Without a watch (netprobe) stop reaps the parser itself. */
static void stop_reaps_an_unwatched_parser(void **state)
{
	struct dhcp_child c = {.pid = -1, .fd = -1};
	pid_t pid;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(dhcp_child_start(&c), 0);
	pid = c.pid;
	dhcp_child_stop(&c);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_truthful_answer_is_taken),
	    cmocka_unit_test(every_lie_is_caught),
	    cmocka_unit_test(wrong_sizes_are_lies),
	    cmocka_unit_test(another_server_is_a_lie_while_requesting),
	    cmocka_unit_test(parser_exit_is_seen_by_init_reaper),
	    cmocka_unit_test(stop_leaves_the_reap_to_init),
	    cmocka_unit_test(stop_reaps_an_unwatched_parser),
	};

	log_set_max_level(LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
