/* dhcp_client: one interface's DHCPv4 exchange (RFC 2131 4.4) over a packet
 * socket, in the event loop. */
#include "net/dhcp_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "net/dhcp_child.h"

#define USEC 1000000ull
#define RETX_FIRST (4 * USEC) /* RFC 2131 4.1: 4 s, doubling to 64 s */
#define RETX_MAX (64 * USEC)
#define REQUEST_TRIES 4
#define RENEW_MIN (60 * USEC) /* RFC 2131 4.4.5 */
#define DROPS_LOGGED 5	      /* hostile-frame warnings per exchange */
/*
 * No timer of the client fires sooner than this after it is armed: whatever
 * a server sends, the client cannot spin (the lease floors are in
 * dhcp_lease_clamp_times()).
 */
#define TIMER_MIN (USEC / 2)

enum dhcp_state {
	ST_SELECTING,
	ST_REQUESTING,
	ST_BOUND,
	ST_RENEWING,
	ST_REBINDING,
	ST_NAK_WAIT,
};

struct dhcp_client {
	struct loop *loop;
	struct dhcp_child *child;
	struct dhcp_client_ops ops;
	void *data;
	int ifindex;
	char ifname[IFNAMSIZ];
	uint8_t mac[6];
	char hostname[DHCP_HOSTNAME_MAX];
	uint8_t client_id[255];
	size_t client_id_len; /* 0: the default */
	int fd;
	struct loop_timer *retx;
	struct loop_timer *lease_timer;
	enum dhcp_state state;
	uint32_t xid;
	uint64_t exchange_start; /* for the secs field */
	unsigned attempt;
	unsigned naks;
	unsigned drops;
	struct dhcp_lease offer;
	struct dhcp_lease lease;
	bool have_lease;
	uint64_t t1_at, t2_at, expire_at; /* 0: never */
	uint64_t child_restart_at;
};

static uint32_t dhcp_random(void)
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)loop_now_usec() * 2654435761u;
	return v;
}

/* RFC 2131 4.1: the delay doubles from 4 s to 64 s, randomized by +-1 s. */
static uint64_t retx_delay(unsigned attempt)
{
	uint64_t base = attempt >= 4 ? RETX_MAX : RETX_FIRST << attempt;

	return base - USEC + dhcp_random() % (2 * USEC);
}

/*
 * DISCOVER gets one early retry at about 1 s: at the moment carrier appears
 * the far end (a switch port, a virtual bridge) is often not forwarding yet,
 * and waiting the full 4 s for that is the common slow boot. Then RFC 2131
 * 4.1's schedule.
 */
static uint64_t discover_delay(unsigned attempt)
{
	if (attempt == 0)
		return USEC - USEC / 4 + dhcp_random() % (USEC / 2);
	return retx_delay(attempt - 1);
}

static const char *ip_str(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* Classic BPF on the IP datagram: UDP to port 68 only. */
static int dhcp_attach_filter(int fd)
{
	static struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 4),
	    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
	    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DHCP_CLIENT_PORT, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0x40000),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]),
				  .filter = code};

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) <
	    0)
		return -errno;
	return 0;
}

static int dhcp_open_socket(int ifindex, int *fdp)
{
	struct sockaddr_ll sll;
	int fd, one = 1, r;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    htons(ETH_P_IP));
	if (fd < 0)
		return -errno;
	if ((r = dhcp_attach_filter(fd)) < 0)
		goto out;
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0) {
		r = -errno;
		goto out;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		r = -errno;
		goto out;
	}
	*fdp = fd;
	fd = -1; /* the caller owns it now */
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

static int dhcp_send(struct dhcp_client *c, const struct dhcp_request *rq,
		     struct in_addr src)
{
	static uint8_t bootp[1024], frame[1100];
	struct in_addr bcast = {INADDR_BROADCAST};
	struct sockaddr_ll sll;
	size_t blen, flen;
	int r;

	if ((r = dhcp_build_bootp(rq, bootp, sizeof(bootp), &blen)) < 0 ||
	    (r = dhcp_build_frame(src, bcast, DHCP_CLIENT_PORT,
				  DHCP_SERVER_PORT, bootp, blen, frame,
				  sizeof(frame), &flen)) < 0)
		return r;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = c->ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	if (sendto(c->fd, frame, flen, 0, (struct sockaddr *)&sll,
		   sizeof(sll)) < 0)
		return log_warn_errno(-errno, "dhcp: %s: send", c->ifname);
	return 0;
}

static void dhcp_fill_request(struct dhcp_client *c, uint8_t type,
			      struct dhcp_request *rq)
{
	uint64_t secs = (loop_now_usec() - c->exchange_start) / USEC;

	memset(rq, 0, sizeof(*rq));
	rq->type = type;
	rq->xid = c->xid;
	rq->secs = secs > 0xffff ? 0xffff : (uint16_t)secs;
	memcpy(rq->chaddr, c->mac, 6);
	rq->broadcast = true; /* no address before the ACK (RFC 2131 4.1) */
	rq->hostname = c->hostname[0] ? c->hostname : NULL;
	if (c->client_id_len) {
		rq->client_id = c->client_id;
		rq->client_id_len = c->client_id_len;
	}
}

static int dhcp_send_discover(struct dhcp_client *c)
{
	struct dhcp_request rq;
	struct in_addr any = {0};

	dhcp_fill_request(c, DHCPDISCOVER, &rq);
	log_debug("dhcp: %s: DISCOVER (try %u)", c->ifname, c->attempt + 1);
	return dhcp_send(c, &rq, any);
}

static int dhcp_send_request(struct dhcp_client *c)
{
	struct dhcp_request rq;
	struct in_addr src = {0};

	dhcp_fill_request(c, DHCPREQUEST, &rq);
	if (c->state == ST_REQUESTING) {
		/* SELECTING -> REQUESTING (RFC 2131 4.3.2 table 4). */
		rq.requested = c->offer.yiaddr;
		rq.server_id = c->offer.server_id;
	} else {
		/* RENEWING/REBINDING, sent as REBINDING: to any server. */
		rq.ciaddr = c->lease.yiaddr;
		rq.broadcast = false;
		src = c->lease.yiaddr;
	}
	log_debug("dhcp: %s: REQUEST (try %u)", c->ifname, c->attempt + 1);
	return dhcp_send(c, &rq, src);
}

static void dhcp_arm(struct loop_timer *t, uint64_t usec)
{
	int r = loop_timer_arm(t, usec < TIMER_MIN ? TIMER_MIN : usec);

	if (r < 0)
		log_warn_errno(r, "dhcp: timer");
}

/* INIT -> SELECTING with a fresh transaction. */
static void dhcp_restart(struct dhcp_client *c)
{
	c->state = ST_SELECTING;
	c->xid = dhcp_random();
	c->exchange_start = loop_now_usec();
	c->attempt = 0;
	c->drops = 0;
	dhcp_send_discover(c);
	dhcp_arm(c->retx, discover_delay(0));
}

static void dhcp_lose(struct dhcp_client *c)
{
	bool had = c->have_lease;

	c->have_lease = false;
	loop_timer_arm(c->lease_timer, 0);
	if (had && c->ops.lost)
		c->ops.lost(c->data);
}

static uint64_t lease_deadline(uint64_t now, uint32_t secs)
{
	if (secs == 0xffffffffu)
		return 0;
	return now + (uint64_t)secs * USEC;
}

static void dhcp_bind(struct dhcp_client *c, const struct dhcp_lease *l)
{
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	uint64_t now = loop_now_usec();
	bool changed =
	    c->have_lease && c->lease.yiaddr.s_addr != l->yiaddr.s_addr;

	if (changed)
		dhcp_lose(c);
	if (c->have_lease)
		log_info("dhcp: %s: renewed %s, lease %u s", c->ifname,
			 ip_str(l->yiaddr, a), l->lease_time);
	else
		log_info(
		    "dhcp: %s: bound %s/%u from %s, lease %u s (%llu ms "
		    "after the first message)",
		    c->ifname, ip_str(l->yiaddr, a), l->prefix,
		    ip_str(l->server_id, s), l->lease_time,
		    (unsigned long long)((now - c->exchange_start) / 1000));
	c->lease = *l;
	c->have_lease = true;
	c->state = ST_BOUND;
	c->naks = 0;
	c->attempt = 0;
	loop_timer_arm(c->retx, 0);
	c->t1_at = lease_deadline(now, l->t1);
	c->t2_at = lease_deadline(now, l->t2);
	c->expire_at = lease_deadline(now, l->lease_time);
	if (c->t1_at)
		dhcp_arm(c->lease_timer, c->t1_at - now);
	if (c->ops.bound)
		c->ops.bound(c->data, l);
}

static void dhcp_nak(struct dhcp_client *c, const struct dhcp_lease *l)
{
	uint64_t delay;

	log_warn("dhcp: %s: NAK from server: %s", c->ifname,
		 l->message[0] ? l->message : "(no message)");
	dhcp_lose(c);
	/* Back to INIT after a delay that grows with repeated NAKs. */
	delay = c->naks >= 5 ? RETX_MAX : (2 * USEC) << c->naks;
	c->naks++;
	c->state = ST_NAK_WAIT;
	dhcp_arm(c->retx, delay + dhcp_random() % USEC);
}

/* Issue 9 item 11: a faulty option costs that option, logged, not the lease. */
static void dhcp_log_dropped(const struct dhcp_client *c,
			     const struct dhcp_lease *l)
{
	char list[256] = "";
	size_t off = 0;

	for (uint32_t bit = 1; bit && bit <= DHCP_DROP_ALL; bit <<= 1) {
		int w;
		if (!(l->dropped & bit))
			continue;
		w = snprintf(list + off, sizeof(list) - off, "%s%s",
			     off ? ", " : "", dhcp_drop_name(bit));
		if (w < 0 || (size_t)w >= sizeof(list) - off)
			break;
		off += (size_t)w;
	}
	if (off)
		log_warn("dhcp: %s: ignored malformed or unusable option(s) "
			 "from the server: %s",
			 c->ifname, list);
}

static void dhcp_handle(struct dhcp_client *c, const struct dhcp_lease *l)
{
	char a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];

	if (l->type != DHCPNAK)
		dhcp_log_dropped(c, l);

	switch (c->state) {
	case ST_SELECTING:
		if (l->type != DHCPOFFER)
			return;
		log_info("dhcp: %s: offer %s from %s", c->ifname,
			 ip_str(l->yiaddr, a), ip_str(l->server_id, s));
		c->offer = *l;
		c->state = ST_REQUESTING;
		c->attempt = 0;
		dhcp_send_request(c);
		dhcp_arm(c->retx, retx_delay(0));
		return;
	case ST_REQUESTING:
	case ST_RENEWING:
	case ST_REBINDING:
		if (l->type == DHCPACK)
			dhcp_bind(c, l);
		else if (l->type == DHCPNAK)
			dhcp_nak(c, l);
		return;
	case ST_BOUND:
	case ST_NAK_WAIT:
		return;
	}
}

/* What a reply must match in the current state. */
static void dhcp_expectation(const struct dhcp_client *c, struct dhcp_expect *e)
{
	memset(e, 0, sizeof(*e));
	e->xid = c->xid;
	memcpy(e->chaddr, c->mac, 6);
	if (c->state == ST_REQUESTING)
		e->server_id = c->offer.server_id;
}

static int dhcp_parse_via_child(struct dhcp_client *c, const uint8_t *frame,
				size_t len, const struct dhcp_expect *e,
				struct dhcp_lease *l, char *why)
{
	uint64_t now;
	int r = dhcp_child_parse(c->child, frame, len, e, l, why);

	if (r != -EPIPE && r != -EBADE)
		return r;
	/*
	 * The parser died (a crash on hostile input?) or lied (it is not
	 * itself any more): start a new one. A liar's frame is dropped.
	 */
	now = loop_now_usec();
	dhcp_child_stop(c->child);
	if (now < c->child_restart_at)
		return r;
	c->child_restart_at = now + USEC;
	log_err("dhcp: %s: the parser process %s; restarting it", c->ifname,
		r == -EPIPE ? "died" : "broke its contract");
	if (dhcp_child_start(c->child) < 0 || r == -EBADE)
		return r;
	return dhcp_child_parse(c->child, frame, len, e, l, why);
}

static int dhcp_readable(struct loop *lp, int fd, uint32_t events, void *data)
{
	static uint8_t frame[DHCP_FRAME_MAX];
	struct dhcp_client *c = data;

	(void)lp;
	(void)events;
	for (int i = 0; i < 64; i++) {
		char cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		char why[DHCP_CHILD_WHY_MAX] = "";
		struct sockaddr_ll from;
		struct iovec iov = {frame, sizeof(frame)};
		struct msghdr mh = {.msg_name = &from,
				    .msg_namelen = sizeof(from),
				    .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		struct dhcp_expect e;
		struct dhcp_lease l;
		struct cmsghdr *cm;
		ssize_t n;
		int r;

		n = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		dhcp_expectation(c, &e);
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_PACKET &&
			    cm->cmsg_type == PACKET_AUXDATA) {
				struct tpacket_auxdata aux;
				memcpy(&aux, CMSG_DATA(cm), sizeof(aux));
				if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
					e.udp_csum_unverifiable = true;
			}
		if (mh.msg_flags & MSG_TRUNC)
			continue;
		r = dhcp_parse_via_child(c, frame, (size_t)n, &e, &l, why);
		if (r == -ENOMSG) {
			log_debug("dhcp: %s: ignored a frame: %s", c->ifname,
				  why);
			continue;
		}
		if (r < 0) {
			/* Logged and dropped; a few per exchange, then quiet.
			 */
			if (c->drops++ < DROPS_LOGGED)
				log_warn("dhcp: %s: dropped a reply: %s",
					 c->ifname,
					 why[0] ? why : strerror(-r));
			continue;
		}
		dhcp_handle(c, &l);
	}
	return 0;
}

static int dhcp_retx_fire(struct loop *lp, struct loop_timer *t, void *data)
{
	struct dhcp_client *c = data;
	uint64_t now = loop_now_usec(), deadline, wait;

	(void)lp;
	(void)t;
	switch (c->state) {
	case ST_SELECTING:
		c->attempt++;
		dhcp_send_discover(c);
		dhcp_arm(c->retx, discover_delay(c->attempt));
		break;
	case ST_REQUESTING:
		if (++c->attempt >= REQUEST_TRIES) {
			/* RFC 2131 3.1 step 5: no answer, back to INIT. */
			log_info("dhcp: %s: no ACK; starting over", c->ifname);
			dhcp_restart(c);
			break;
		}
		dhcp_send_request(c);
		dhcp_arm(c->retx, retx_delay(c->attempt));
		break;
	case ST_RENEWING:
	case ST_REBINDING:
		c->attempt++;
		dhcp_send_request(c);
		/* RFC 2131 4.4.5: half the time left, at least 60 s. */
		deadline = c->state == ST_RENEWING ? c->t2_at : c->expire_at;
		wait = deadline > now ? (deadline - now) / 2 : 0;
		dhcp_arm(c->retx, wait < RENEW_MIN ? RENEW_MIN : wait);
		break;
	case ST_NAK_WAIT:
		dhcp_restart(c);
		break;
	case ST_BOUND:
		break;
	}
	return 0;
}

static int dhcp_lease_fire(struct loop *lp, struct loop_timer *t, void *data)
{
	struct dhcp_client *c = data;
	uint64_t now = loop_now_usec();

	(void)lp;
	(void)t;
	if (!c->have_lease)
		return 0;
	if (c->expire_at && now >= c->expire_at) {
		log_warn("dhcp: %s: lease expired", c->ifname);
		dhcp_lose(c);
		dhcp_restart(c);
		return 0;
	}
	c->state = c->t2_at && now >= c->t2_at ? ST_REBINDING : ST_RENEWING;
	c->xid = dhcp_random();
	c->exchange_start = now;
	c->attempt = 0;
	log_info("dhcp: %s: %s the lease", c->ifname,
		 c->state == ST_RENEWING ? "renewing" : "rebinding");
	dhcp_send_request(c);
	dhcp_arm(c->retx, RENEW_MIN);
	if (c->state == ST_RENEWING && c->t2_at)
		dhcp_arm(c->lease_timer, c->t2_at - now);
	else if (c->expire_at)
		dhcp_arm(c->lease_timer, c->expire_at - now);
	return 0;
}

int dhcp_client_start(struct loop *l, const struct dhcp_client_params *p,
		      struct dhcp_child *child,
		      const struct dhcp_client_ops *ops, void *data,
		      struct dhcp_client **cp)
{
	struct dhcp_client *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->fd = -1;
	c->loop = l;
	c->child = child;
	c->ops = *ops;
	c->data = data;
	c->ifindex = p->ifindex;
	memcpy(c->mac, p->mac, 6);
	if ((r = strlen(p->ifname) < sizeof(c->ifname) ? 0 : -EINVAL) < 0)
		goto out;
	strcpy(c->ifname, p->ifname);
	if (p->hostname && strlen(p->hostname) < sizeof(c->hostname))
		strcpy(c->hostname, p->hostname);
	if (p->client_id && p->client_id_len >= 2 &&
	    p->client_id_len <= sizeof(c->client_id)) {
		memcpy(c->client_id, p->client_id, p->client_id_len);
		c->client_id_len = p->client_id_len;
	}
	if ((r = dhcp_open_socket(c->ifindex, &c->fd)) < 0 ||
	    (r = loop_timer_new(l, dhcp_retx_fire, c, &c->retx)) < 0 ||
	    (r = loop_timer_new(l, dhcp_lease_fire, c, &c->lease_timer)) < 0 ||
	    (r = loop_add_fd(l, c->fd, EPOLLIN, dhcp_readable, c)) < 0)
		goto out;
	dhcp_restart(c);
	*cp = c;
	c = NULL; /* the caller owns it now */
out:
	dhcp_client_free(c);
	return r;
}

int dhcp_client_release(struct dhcp_client *c)
{
	struct dhcp_request rq;
	struct sockaddr_in src = {.sin_family = AF_INET}, dst = src;
	uint8_t bootp[600];
	size_t blen;
	int fd, one = 1, r;

	if (!c || !c->have_lease)
		return 0;
	c->xid = dhcp_random();
	dhcp_fill_request(c, DHCPRELEASE, &rq);
	rq.broadcast = false;
	rq.hostname = NULL;
	rq.ciaddr = c->lease.yiaddr;
	rq.server_id = c->lease.server_id;
	if ((r = dhcp_build_bootp(&rq, bootp, sizeof(bootp), &blen)) < 0)
		return r;
	/* Unicast from our address (RFC 2131 4.4.6): the kernel routes it. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	src.sin_port = htons(DHCP_CLIENT_PORT);
	src.sin_addr = c->lease.yiaddr;
	dst.sin_port = htons(DHCP_SERVER_PORT);
	dst.sin_addr = c->lease.server_id;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c->ifname,
		       (socklen_t)strlen(c->ifname)) < 0 ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0 ||
	    sendto(fd, bootp, blen, 0, (struct sockaddr *)&dst, sizeof(dst)) <
		0)
		r = -errno;
	close(fd);
	if (r < 0)
		return log_warn_errno(r, "dhcp: %s: RELEASE", c->ifname);
	log_info("dhcp: %s: released the lease", c->ifname);
	c->have_lease = false;
	return 0;
}

void dhcp_client_free(struct dhcp_client *c)
{
	if (!c)
		return;
	loop_timer_free(c->retx);
	loop_timer_free(c->lease_timer);
	if (c->fd >= 0) {
		loop_del_fd(c->loop, c->fd);
		close(c->fd);
	}
	free(c);
}
