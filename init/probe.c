/* probe: PID 1's side of sesame-probe: the queue of devices asked for, the
 * link, the restarts. */
#include "init/probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/strutil.h"
#include "init/child.h"
#include "init/linkchild.h"
#include "init/probe_proto.h"
#include "init/sys.h"

#define PROBE_CRASHES_MAX 2 /* a device that ends the prober this often */

struct probe_ask {
	char name[sizeof(((struct dev_props *)0)->name)];
	char node[sizeof(((struct dev_props *)0)->node)];
	dev_t devnum;
	unsigned crashes;
};

static struct {
	struct loop_defer *restart;
	const char *prog;
	probe_done_fn done;
	void *data;
	struct link_child lc; /* sesame-probe and our end of its link */
	/* a ring: head is the oldest request, n of them */
	struct probe_ask ask[PROBE_PENDING_MAX];
	unsigned head, n;
	unsigned sent; /* of the n, sent on the current link */
	bool stopped;
} P = {.lc = {.fd = -1}};

static struct probe_ask *probe_at(unsigned i)
{
	return &P.ask[(P.head + i) % PROBE_PENDING_MAX];
}

/* Sends what was not sent on this link yet; a failure ends the link. */
static void probe_send_pending(void)
{
	uint8_t buf[PROBE_MSG_MAX];
	size_t len;

	while (P.lc.fd >= 0 && P.sent < P.n) {
		if (probe_encode_request(probe_at(P.sent)->node, buf,
					 sizeof(buf), &len) < 0 ||
		    send(P.lc.fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			log_warn("cannot ask sesame-probe: restarting it");
			link_child_kill(&P.lc);
			return;
		}
		P.sent++;
	}
}

/* Hands the oldest request back, answered (res) or not (NULL). */
static void probe_finish(const struct probe_result *res)
{
	struct probe_ask *a = probe_at(0);
	struct dev_props p;

	memset(&p, 0, sizeof(p));
	memcpy(p.name, a->name, sizeof(p.name));
	memcpy(p.node, a->node, sizeof(p.node));
	p.devnum = a->devnum;
	if (res && res->err)
		log_debug("probing %s: %s", p.node, strerror(res->err));
	if (res) {
		memcpy(p.type, res->type, sizeof(p.type));
		memcpy(p.uuid, res->uuid, sizeof(p.uuid));
		memcpy(p.label, res->label, sizeof(p.label));
		memcpy(p.partuuid, res->partuuid, sizeof(p.partuuid));
		memcpy(p.partlabel, res->partlabel, sizeof(p.partlabel));
	}
	P.head = (P.head + 1) % PROBE_PENDING_MAX;
	P.n--;
	if (P.sent)
		P.sent--;
	P.done(&p, P.data);
}

static int probe_on_link(struct loop *l, int fd, uint32_t events, void *data)
{
	uint8_t buf[PROBE_MSG_MAX + 1];
	struct probe_result res;
	ssize_t n;

	(void)l;
	(void)events;
	(void)data;
	/* One answer a turn: each is a device for the boot to take in. */
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		link_child_close(&P.lc); /* it exited: the reaper says how */
		return 0;
	}
	if (!P.sent || probe_parse_result(buf, (size_t)n, &res) < 0) {
		log_err("sesame-probe sent a malformed answer (%zd bytes): "
			"restarting it",
			n);
		link_child_kill(&P.lc);
		return 0;
	}
	probe_finish(&res);
	return 0;
}

static void probe_exited(pid_t pid, int wstatus, void *data);

static int probe_start(void)
{
	static char prog[256];
	char *argv[] = {prog, NULL};
	int r;

	if (str_copy(prog, sizeof(prog), P.prog) < 0)
		return -ENAMETOOLONG;
	P.sent = 0;
	if ((r = link_child_start(&P.lc, argv, probe_exited, probe_on_link,
				  NULL)) < 0)
		return r;
	probe_send_pending();
	return 0;
}
/* Deferred: (re)start for the requests waiting, or answer them empty. */
static void probe_restart(struct loop *l, void *data)
{
	int r;

	(void)l;
	(void)data;
	if (P.stopped || P.lc.pid || !P.n)
		return;
	if ((r = probe_start()) < 0) {
		log_err_errno(r,
			      "cannot start %s: block devices are not "
			      "identified",
			      P.prog);
		while (P.n)
			probe_finish(NULL);
	}
}

static void probe_exited(pid_t pid, int wstatus, void *data)
{
	struct probe_ask *a;

	(void)data;
	if (pid != P.lc.pid)
		return;
	P.lc.pid = 0;
	link_child_close(&P.lc);
	if (P.stopped || !P.n)
		return;
	/* It died with requests out: the oldest is the likely cause. */
	a = probe_at(0);
	log_err("sesame-probe %s %d while probing %s",
		WIFSIGNALED(wstatus) ? "was killed by signal" : "exited with",
		WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus),
		a->node);
	if (++a->crashes >= PROBE_CRASHES_MAX) {
		log_err("%s ended sesame-probe %u times: taken as holding "
			"nothing recognisable",
			a->node, a->crashes);
		probe_finish(NULL);
	}
	loop_defer(P.restart);
}

int probe_init(struct loop *l, const char *prog, probe_done_fn done, void *data)
{
	memset(&P, 0, sizeof(P));
	link_child_init(&P.lc, l);
	P.prog = prog ? prog : PROBE_PROG;
	P.done = done;
	P.data = data;
	return loop_defer_new(l, probe_restart, NULL, &P.restart);
}

int probe_request(const struct dev_props *p)
{
	struct probe_ask *a;

	if (P.stopped)
		return -ECANCELED;
	if (P.n == PROBE_PENDING_MAX)
		return -ENOSPC;
	a = &P.ask[(P.head + P.n) % PROBE_PENDING_MAX];
	memset(a, 0, sizeof(*a));
	memcpy(a->name, p->name, sizeof(a->name));
	memcpy(a->node, p->node, sizeof(a->node));
	a->devnum = p->devnum;
	P.n++;
	if (P.lc.fd >= 0)
		probe_send_pending();
	else if (!P.lc.pid)
		loop_defer(P.restart);
	return 0;
}

unsigned probe_pending(void)
{
	return P.n;
}

void probe_stop(void)
{
	P.stopped = true;
	P.n = 0;
	link_child_close(&P.lc);
	loop_defer_free(P.restart);
	P.restart = NULL;
}
