/* probe: PID 1's side of sesame-probe: the queue of devices asked for, the
 * link, the restarts. */
#include "init/probe.h"

#include <errno.h>
#include <fcntl.h>
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
	struct loop *loop;
	struct loop_defer *restart;
	const char *prog;
	probe_done_fn done;
	void *data;
	int link;  /* -1: not running */
	pid_t pid; /* 0: none */
	/* a ring: head is the oldest request, n of them */
	struct probe_ask ask[PROBE_PENDING_MAX];
	unsigned head, n;
	unsigned sent; /* of the n, sent on the current link */
	bool stopped;
} P = {.link = -1};

static struct probe_ask *probe_at(unsigned i)
{
	return &P.ask[(P.head + i) % PROBE_PENDING_MAX];
}

static void probe_close_link(void)
{
	if (P.link < 0)
		return;
	loop_del_fd(P.loop, P.link);
	close(P.link);
	P.link = -1;
}

/* Sends what was not sent on this link yet; a failure ends the link. */
static void probe_send_pending(void)
{
	uint8_t buf[PROBE_MSG_MAX];
	size_t len;

	while (P.link >= 0 && P.sent < P.n) {
		if (probe_encode_request(probe_at(P.sent)->node, buf,
					 sizeof(buf), &len) < 0 ||
		    send(P.link, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			log_warn("cannot ask sesame-probe: restarting it");
			if (P.pid > 0)
				(void)sys_kill(P.pid, SIGKILL);
			probe_close_link();
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
		probe_close_link(); /* it exited: the reaper says how */
		return 0;
	}
	if (!P.sent || probe_parse_result(buf, (size_t)n, &res) < 0) {
		log_err("sesame-probe sent a malformed answer (%zd bytes): "
			"restarting it",
			n);
		if (P.pid > 0)
			(void)sys_kill(P.pid, SIGKILL);
		probe_close_link();
		return 0;
	}
	probe_finish(&res);
	return 0;
}

static void probe_exited(pid_t pid, int wstatus, void *data);

static int probe_start(void)
{
	struct sys_spawn_opts o = {.flags = SYS_SPAWN_STDIO};
	static char prog[256];
	char *argv[] = {prog, NULL};
	int sv[2], r;

	if (str_copy(prog, sizeof(prog), P.prog) < 0)
		return -ENAMETOOLONG;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	o.stdio[0] = sv[1];
	o.stdio[1] = -1;
	o.stdio[2] = STDERR_FILENO;
	r = child_spawn_opts(argv, &o, probe_exited, NULL, &P.pid);
	close(sv[1]);
	if (r < 0) {
		close(sv[0]);
		P.pid = 0;
		return r;
	}
	(void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
	P.link = sv[0];
	P.sent = 0;
	if ((r = loop_add_fd(P.loop, P.link, EPOLLIN, probe_on_link, NULL)) <
	    0) {
		(void)sys_kill(P.pid, SIGKILL);
		probe_close_link();
		return r;
	}
	probe_send_pending();
	return 0;
}

/* Deferred: (re)start for the requests waiting, or answer them empty. */
static void probe_restart(struct loop *l, void *data)
{
	int r;

	(void)l;
	(void)data;
	if (P.stopped || P.pid || !P.n)
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
	if (pid != P.pid)
		return;
	P.pid = 0;
	probe_close_link();
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
	P.link = -1;
	P.loop = l;
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
	if (P.link >= 0)
		probe_send_pending();
	else if (!P.pid)
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
	probe_close_link();
	loop_defer_free(P.restart);
	P.restart = NULL;
}
