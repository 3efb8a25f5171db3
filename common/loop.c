/* loop: epoll dispatch with a small table of watched fds; timers are timerfds.
 */
#include "common/loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

struct loop_source {
	int fd;
	loop_fd_fn fn;
	void *data;
	struct loop_source *next;
};

struct loop {
	int epfd;
	int quit;
	struct loop_source *sources;
	/* pending deferred steps, oldest first; gen counts iterations */
	struct loop_defer *defer_head, *defer_tail;
	uint64_t defer_gen;
	uint64_t woke; /* when the last wait returned; 0: none yet */
	uint64_t stall_max;
};

struct loop_defer {
	struct loop *loop;
	loop_defer_fn fn;
	void *data;
	int pending;
	uint64_t gen; /* runs in the batch of this generation */
	struct loop_defer *next;
};

struct loop_timer {
	struct loop *loop;
	int fd;
	loop_timer_fn fn;
	void *data;
};

uint64_t loop_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int loop_new(struct loop **lp)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int r = -errno;
		free(l);
		return r;
	}
	*lp = l;
	return 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	/* Deferred steps are their owners'; only unlink them. */
	while (l->defer_head) {
		struct loop_defer *d = l->defer_head;
		l->defer_head = d->next;
		d->next = NULL;
		d->pending = 0;
		d->loop = NULL;
	}
	while (l->sources) {
		struct loop_source *s = l->sources;
		l->sources = s->next;
		free(s);
	}
	close(l->epfd);
	free(l);
}

static struct loop_source **loop_find(struct loop *l, int fd)
{
	struct loop_source **sp;

	for (sp = &l->sources; *sp; sp = &(*sp)->next)
		if ((*sp)->fd == fd)
			return sp;
	return NULL;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_fn fn,
		void *data)
{
	struct epoll_event ev = {.events = events};
	struct loop_source *s;

	if (fd < 0 || !fn)
		return -EINVAL;
	if (loop_find(l, fd))
		return -EEXIST;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = fd;
	s->fn = fn;
	s->data = data;
	ev.data.ptr = s;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int r = -errno;
		free(s);
		return r;
	}
	s->next = l->sources;
	l->sources = s;
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct loop_source **sp = loop_find(l, fd);
	struct epoll_event ev = {.events = events};

	if (!sp)
		return -ENOENT;
	ev.data.ptr = *sp;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0)
		return -errno;
	return 0;
}

int loop_del_fd(struct loop *l, int fd)
{
	struct loop_source **sp = loop_find(l, fd), *s;

	if (!sp)
		return -ENOENT;
	s = *sp;
	*sp = s->next;
	/* The fd may already be closed; that removed it from epoll too. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	free(s);
	return 0;
}

static int loop_timer_ready(struct loop *l, int fd, uint32_t events, void *data)
{
	struct loop_timer *t = data;
	uint64_t ticks;

	(void)l;
	(void)events;
	if (read(fd, &ticks, sizeof(ticks)) != sizeof(ticks))
		return 0; /* disarmed or re-armed since it woke us */
	return t->fn(t->loop, t, t->data);
}

int loop_timer_new(struct loop *l, loop_timer_fn fn, void *data,
		   struct loop_timer **tp)
{
	struct loop_timer *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->loop = l;
	t->fn = fn;
	t->data = data;
	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd < 0) {
		r = -errno;
		free(t);
		return r;
	}
	if ((r = loop_add_fd(l, t->fd, EPOLLIN, loop_timer_ready, t)) < 0) {
		close(t->fd);
		free(t);
		return r;
	}
	*tp = t;
	return 0;
}

int loop_timer_arm(struct loop_timer *t, uint64_t usec)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(usec / 1000000u);
	its.it_value.tv_nsec = (long)(usec % 1000000u) * 1000;
	if (timerfd_settime(t->fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

void loop_timer_free(struct loop_timer *t)
{
	if (!t)
		return;
	loop_del_fd(t->loop, t->fd);
	close(t->fd);
	free(t);
}

int loop_defer_new(struct loop *l, loop_defer_fn fn, void *data,
		   struct loop_defer **dp)
{
	struct loop_defer *d;

	if (!l || !fn)
		return -EINVAL;
	if (!(d = calloc(1, sizeof(*d))))
		return -ENOMEM;
	d->loop = l;
	d->fn = fn;
	d->data = data;
	*dp = d;
	return 0;
}

void loop_defer(struct loop_defer *d)
{
	struct loop *l;

	if (!d || d->pending || !(l = d->loop))
		return;
	d->pending = 1;
	d->gen = l->defer_gen;
	d->next = NULL;
	if (l->defer_tail)
		l->defer_tail->next = d;
	else
		l->defer_head = d;
	l->defer_tail = d;
}

void loop_defer_cancel(struct loop_defer *d)
{
	struct loop_defer **dp, *prev = NULL;
	struct loop *l;

	if (!d || !d->pending || !(l = d->loop))
		return;
	for (dp = &l->defer_head; *dp; prev = *dp, dp = &(*dp)->next)
		if (*dp == d) {
			*dp = d->next;
			if (l->defer_tail == d)
				l->defer_tail = prev;
			break;
		}
	d->next = NULL;
	d->pending = 0;
}

void loop_defer_free(struct loop_defer *d)
{
	if (!d)
		return;
	loop_defer_cancel(d);
	free(d);
}

/* Runs the steps scheduled before this call; later ones wait a turn. */
static int loop_run_defers(struct loop *l)
{
	uint64_t gen = l->defer_gen++;
	int ran = 0;

	while (l->defer_head && l->defer_head->gen <= gen) {
		struct loop_defer *d = l->defer_head;
		l->defer_head = d->next;
		if (!l->defer_head)
			l->defer_tail = NULL;
		d->next = NULL;
		d->pending = 0;
		d->fn(l, d->data);
		ran++;
	}
	return ran;
}

uint64_t loop_stall_max_usec(const struct loop *l)
{
	uint64_t now = loop_now_usec();

	/* the gap under way counts too: it lasts at least until now */
	if (l->woke && now - l->woke > l->stall_max)
		return now - l->woke;
	return l->stall_max;
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event evs[16];
	uint64_t now = loop_now_usec();
	int n, ran = 0;

	if (l->woke && now - l->woke > l->stall_max)
		l->stall_max = now - l->woke;
	n = epoll_wait(l->epfd, evs, 16, l->defer_head ? 0 : timeout_ms);
	l->woke = loop_now_usec();
	if (n < 0)
		return errno == EINTR ? loop_run_defers(l) : -errno;
	for (int i = 0; i < n; i++) {
		struct loop_source *s = evs[i].data.ptr, *live;
		int r;
		/* An earlier callback in this batch may have removed s. */
		for (live = l->sources; live && live != s; live = live->next)
			;
		if (!live)
			continue;
		r = s->fn(l, s->fd, evs[i].events, s->data);
		if (r < 0)
			log_warn_errno(r, "event source fd %d", s->fd);
		ran++;
	}
	return ran + loop_run_defers(l);
}

int loop_run(struct loop *l)
{
	int r;

	l->quit = 0;
	while (!l->quit)
		if ((r = loop_run_once(l, -1)) < 0)
			return r;
	return 0;
}

void loop_quit(struct loop *l)
{
	l->quit = 1;
}
