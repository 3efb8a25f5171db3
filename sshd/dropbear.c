/* dropbear: argument table, spawning, log collection, restart back-off and a
 * bounded stop. */
#include "sshd/dropbear.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/proc.h"
#include "common/strutil.h"
#include "init/child.h"
#include "init/sys.h"

#define DROPBEAR_PATH "/sbin/dropbear"
#define DROPBEAR_PID_FILE "/run/sesame/dropbear.pid"
#define DROPBEAR_LINE_MAX 400
#define DROPBEAR_DESC_MAX 64
/* How long a just-answered unlock session may take to end at the handoff. */
#define DROPBEAR_UNLOCK_GRACE_USEC 2000000u
#define DROPBEAR_PROC_MAX 4096
#define DROPBEAR_STABLE_USEC 60000000u /* running this long resets back-off */

/* Flags every dropbear of ours gets, and why. */
static const struct {
	const char *flag;
	const char *why;
} dropbear_fixed_args[] = {
    {"-F", "foreground: init supervises and reaps it"},
    {"-E", "log to stderr: our pipe, into the boot log"},
    {"-s", "no password logins: keys only"},
    {"-j", "no local port forwarding"},
    {"-k", "no remote port forwarding"},
    {"-m", "no motd"},
};

struct dropbear {
	struct loop *loop;
	const struct dropbear_config *cfg;
	struct dropbear_argv args;
	pid_t pid; /* 0: none; cleared by its exit callback alone */
	int log_rd, log_wr;
	struct loop_timer *restart;
	uint64_t backoff_usec;
	uint64_t started_usec;
	int stopping;
	size_t line_len;
	char line[DROPBEAR_LINE_MAX + 1];
};

/* A value that dropbear could read as another option, or that has blanks. */
static int dropbear_bad_value(const char *s)
{
	if (!s || !*s || s[0] == '-')
		return 1;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int dropbear_push(struct dropbear_argv *a, const char *s)
{
	if (a->argc >= DROPBEAR_ARGV_MAX)
		return -E2BIG;
	a->argv[a->argc++] = s;
	a->argv[a->argc] = NULL;
	return 0;
}

static int dropbear_push_num(struct dropbear_argv *a, unsigned slot,
			     const char *flag, unsigned v)
{
	int r;

	if (!v)
		return 0;
	snprintf(a->num[slot], sizeof(a->num[slot]), "%u", v);
	if ((r = dropbear_push(a, flag)) < 0)
		return r;
	return dropbear_push(a, a->num[slot]);
}

int dropbear_build_argv(const struct dropbear_config *cfg,
			struct dropbear_argv *out)
{
	struct dropbear_argv a;
	const char *pid = cfg->pid_file ? cfg->pid_file : DROPBEAR_PID_FILE;
	int r = 0;

	memset(&a, 0, sizeof(a));
	if (!cfg->n_host_keys || cfg->n_host_keys > DROPBEAR_HOSTKEYS_MAX ||
	    !cfg->n_listen || cfg->n_listen > DROPBEAR_LISTEN_MAX)
		return -EINVAL;
	if (dropbear_bad_value(pid) || pid[0] != '/' ||
	    !strcmp(pid, "/dev/null"))
		return -EINVAL;
	r = dropbear_push(&a, cfg->path ? cfg->path : DROPBEAR_PATH);
	for (size_t i = 0; r == 0 && i < sizeof(dropbear_fixed_args) /
					     sizeof(dropbear_fixed_args[0]);
	     i++)
		r = dropbear_push(&a, dropbear_fixed_args[i].flag);
	for (unsigned i = 0; r == 0 && i < cfg->n_listen; i++) {
		if (dropbear_bad_value(cfg->listen[i]))
			return -EINVAL;
		if ((r = dropbear_push(&a, "-p")) == 0)
			r = dropbear_push(&a, cfg->listen[i]);
	}
	for (unsigned i = 0; r == 0 && i < cfg->n_host_keys; i++) {
		if (dropbear_bad_value(cfg->host_keys[i]))
			return -EINVAL;
		if ((r = dropbear_push(&a, "-r")) == 0)
			r = dropbear_push(&a, cfg->host_keys[i]);
	}
	if (r == 0 && (r = dropbear_push(&a, "-P")) == 0)
		r = dropbear_push(&a, pid);
	if (r == 0)
		r = dropbear_push_num(&a, 0, "-T", cfg->max_auth_tries);
	if (r == 0)
		r = dropbear_push_num(&a, 1, "-I", cfg->idle_timeout_sec);
	if (r == 0)
		r = dropbear_push_num(&a, 2, "-K", cfg->keepalive_sec);
	if (r < 0)
		return r;
	*out = a;
	/* The number slots moved with the copy: point at the new ones. */
	for (size_t i = 0; i < out->argc; i++)
		for (unsigned k = 0; k < 3; k++)
			if (a.argv[i] == a.num[k])
				out->argv[i] = out->num[k];
	return 0;
}

/* ---- the log pipe ---- */

static void dropbear_flush_line(struct dropbear *d)
{
	if (!d->line_len)
		return;
	d->line[d->line_len] = '\0';
	log_info("dropbear: %s", d->line);
	d->line_len = 0;
}

/* One read from the pipe, split into log lines: bytes read, 0, or -errno. */
static ssize_t dropbear_log_read(struct dropbear *d)
{
	char buf[512];
	ssize_t n;

	n = read(d->log_rd, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			dropbear_flush_line(d);
			continue;
		}
		if (d->line_len == DROPBEAR_LINE_MAX)
			dropbear_flush_line(d); /* a long line, in pieces */
		d->line[d->line_len++] = buf[i];
	}
	return n;
}

static int dropbear_log_ready(struct loop *l, int fd, uint32_t events,
			      void *data)
{
	ssize_t n;

	(void)l;
	(void)fd;
	(void)events;
	n = dropbear_log_read(data);
	return n < 0 && n != -EAGAIN && n != -EINTR ? (int)n : 0;
}

/* ---- spawning ---- */

static int dropbear_real_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

static int (*dropbear_pidfd_fn)(pid_t pid) = dropbear_real_pidfd_open;

void dropbear_set_pidfd_open(int (*fn)(pid_t pid))
{
	dropbear_pidfd_fn = fn ? fn : dropbear_real_pidfd_open;
}

/* A pidfd, or -1 with errno (ENOSYS before Linux 5.3). */
static int dropbear_pidfd_open(pid_t pid)
{
	return dropbear_pidfd_fn(pid);
}

/* From init's reaper, child_reap() or child_reap_pid(): the only one. */
static void dropbear_reaped(pid_t pid, int status, void *data)
{
	dropbear_child_exited(data, pid, status);
}

static int dropbear_spawn(struct dropbear *d)
{
	static char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
				     NULL};
	/* Its own session, default signals, nothing blocked (init blocks
	 * the ones its signalfd reads), stdin /dev/null, its log our pipe. */
	struct sys_spawn_opts o = {
	    .flags = SYS_SPAWN_SETSID | SYS_SPAWN_STDIO,
	    .stdio = {-1, d->log_wr, d->log_wr},
	    .envp = envp,
	};
	pid_t pid;
	int r;

	/* argv is only read by the child. */
	r = child_spawn_opts((char *const *)(uintptr_t)d->args.argv, &o,
			     dropbear_reaped, d, &pid);
	if (r < 0)
		return log_warn_errno(r, "cannot start %s", d->args.argv[0]);
	/*
	 * Its exit reaches us only through init's reaper (SIGCHLD,
	 * child_reap()), which runs dropbear_reaped(): nobody else waits for
	 * it, so there is no second reaper to race, on any kernel.
	 */
	d->pid = pid;
	d->started_usec = loop_now_usec();
	log_info("dropbear started (pid %d)", (int)pid);
	return 0;
}

static void dropbear_schedule_restart(struct dropbear *d)
{
	uint64_t min =
	    d->cfg->restart_min_usec ? d->cfg->restart_min_usec : 1000000u;
	uint64_t max =
	    d->cfg->restart_max_usec ? d->cfg->restart_max_usec : 30000000u;

	if (!d->backoff_usec)
		d->backoff_usec = min;
	else if (d->backoff_usec < max / 2)
		d->backoff_usec *= 2;
	else
		d->backoff_usec = max;
	log_warn("dropbear restarts in %llu ms",
		 (unsigned long long)(d->backoff_usec / 1000));
	loop_timer_arm(d->restart, d->backoff_usec);
}

static int dropbear_restart_timer(struct loop *l, struct loop_timer *t,
				  void *data)
{
	struct dropbear *d = data;

	(void)l;
	(void)t;
	if (d->stopping || d->pid > 0)
		return 0;
	if (dropbear_spawn(d) < 0)
		dropbear_schedule_restart(d);
	return 0;
}

int dropbear_start(struct loop *l, const struct dropbear_config *cfg,
		   struct dropbear **dp)
{
	struct dropbear *d;
	int p[2], r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->loop = l;
	d->cfg = cfg;
	d->log_rd = d->log_wr = -1;
	if ((r = dropbear_build_argv(cfg, &d->args)) < 0) {
		log_err_errno(r, "dropbear: bad configuration");
		goto out;
	}
	for (unsigned i = 0; i < cfg->n_host_keys; i++)
		if (access(cfg->host_keys[i], R_OK) < 0)
			log_warn("dropbear: host key %s: %s", cfg->host_keys[i],
				 strerror(errno));
	for (unsigned i = 0; i < cfg->n_listen; i++)
		if (!strchr(cfg->listen[i], ':'))
			log_warn("dropbear listens on every address (port %s)",
				 cfg->listen[i]);
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	d->log_rd = p[0];
	d->log_wr = p[1];
	fcntl(d->log_rd, F_SETFL, O_NONBLOCK);
	if ((r = loop_add_fd(l, d->log_rd, EPOLLIN, dropbear_log_ready, d)) < 0)
		goto out;
	if ((r = loop_timer_new(l, dropbear_restart_timer, d, &d->restart)) < 0)
		goto out;
	if ((r = dropbear_spawn(d)) < 0)
		goto out;
	*dp = d;
	d = NULL;
	r = 0;
out:
	if (d) {
		d->stopping = 1;
		dropbear_free(d);
	}
	return r;
}

pid_t dropbear_pid(const struct dropbear *d)
{
	return d ? d->pid : 0;
}

/* status < 0: collected by someone who did not say how it ended. */
static void dropbear_describe_exit(const struct dropbear *d, int status)
{
	if (status < 0)
		log_msg(d->stopping ? LOG_LVL_INFO : LOG_LVL_WARN,
			"dropbear (pid %d) exited", (int)d->pid);
	else if (WIFEXITED(status))
		log_msg(d->stopping ? LOG_LVL_INFO : LOG_LVL_WARN,
			"dropbear (pid %d) exited with status %d", (int)d->pid,
			WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_msg(d->stopping ? LOG_LVL_INFO : LOG_LVL_WARN,
			"dropbear (pid %d) killed by signal %d", (int)d->pid,
			WTERMSIG(status));
}

int dropbear_child_exited(struct dropbear *d, pid_t pid, int status)
{
	if (!d || pid <= 0 || pid != d->pid)
		return 0;
	child_unwatch(pid); /* reaped: the pid may be reused */
	dropbear_describe_exit(d, status);
	if (loop_now_usec() - d->started_usec >= DROPBEAR_STABLE_USEC)
		d->backoff_usec = 0;
	d->pid = 0;
	if (!d->stopping)
		dropbear_schedule_restart(d);
	return 1;
}

/* ---- stopping ---- */

/* Reads pid's parent and state. */
static int dropbear_proc_stat(pid_t pid, pid_t *ppid, char *state)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	return proc_read_stat(AT_FDCWD, dir, ppid, state);
}

/* True when /proc/PID/comm is name: what that process runs. */
static bool dropbear_comm_is(pid_t pid, const char *name)
{
	char dir[32], comm[32];

	snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
	return proc_read_comm(AT_FDCWD, dir, comm, sizeof(comm)) == 0 &&
	       !strcmp(comm, name);
}

/* Is pid below top (pid's parent chain reaches it within a few steps)? */
static bool dropbear_is_below(pid_t pid, pid_t top)
{
	for (int depth = 0; depth < 8 && pid > 1; depth++) {
		pid_t pp;
		char st;
		if (dropbear_proc_stat(pid, &pp, &st) < 0)
			return false;
		if (pp == top)
			return true;
		pid = pp;
	}
	return false;
}

/*
 * When the handoff begins, an `unlock` whose passphrase has just opened the
 * root may still be telling its user so: its SSH session ends by itself
 * once the answer and the exit status are out. Waits (up to grace usec)
 * for the sessions that run `unlock`, or whose command has already ended
 * (they are flushing), so that the admin sees "opened ..." and a clean
 * exit rather than a cut connection. A session with a live shell (rescue)
 * is not waited for. desc: the listener's live descendants.
 */
static void dropbear_let_unlock_finish(pid_t listener, const pid_t *desc,
				       size_t n, uint64_t grace)
{
	pid_t wait_for[DROPBEAR_DESC_MAX];
	size_t nw = 0;
	uint64_t deadline = loop_now_usec() + grace;

	for (size_t i = 0; i < n; i++) {
		pid_t pp;
		char st;
		bool has_child = false, runs_unlock = false;
		if (dropbear_proc_stat(desc[i], &pp, &st) < 0 || pp != listener)
			continue; /* not a session's own process */
		for (size_t k = 0; k < n; k++) {
			if (k == i || !dropbear_is_below(desc[k], desc[i]))
				continue;
			has_child = true;
			runs_unlock |= dropbear_comm_is(desc[k], "unlock");
		}
		if (runs_unlock || !has_child)
			wait_for[nw++] = desc[i];
	}
	while (nw && loop_now_usec() < deadline) {
		size_t alive = 0;
		for (size_t i = 0; i < nw; i++) {
			pid_t pp;
			char st;
			if (dropbear_proc_stat(wait_for[i], &pp, &st) == 0 &&
			    st != 'Z')
				alive++;
		}
		if (!alive)
			return;
		poll(NULL, 0, 20);
	}
	if (nw)
		log_info("%zu unlock session(s) still open at the handoff "
			 "after %llu ms; ended",
			 nw, (unsigned long long)(grace / 1000));
}

/* Every live process below root (excluding zombies), at most max. */
static size_t dropbear_descendants(pid_t root, pid_t *out, size_t max)
{
	static pid_t pids[DROPBEAR_PROC_MAX], ppids[DROPBEAR_PROC_MAX];
	struct dirent *e;
	size_t n = 0, found = 0;
	DIR *dir = opendir("/proc");

	if (!dir)
		return 0;
	while ((e = readdir(dir)) && n < DROPBEAR_PROC_MAX) {
		uint64_t v;
		pid_t pp;
		char st;
		if (str_to_u64(e->d_name, 10, INT32_MAX, &v) < 0)
			continue;
		if (dropbear_proc_stat((pid_t)v, &pp, &st) < 0 || st == 'Z')
			continue;
		pids[n] = (pid_t)v;
		ppids[n++] = pp;
	}
	closedir(dir);
	/* Closure: add children of anything found, until nothing changes. */
	for (int changed = 1; changed && found < max;) {
		changed = 0;
		for (size_t i = 0; i < n && found < max; i++) {
			int parent_in = ppids[i] == root, already = 0;
			for (size_t k = 0; k < found; k++) {
				if (out[k] == pids[i])
					already = 1;
				if (out[k] == ppids[i])
					parent_in = 1;
			}
			if (parent_in && !already) {
				out[found++] = pids[i];
				changed = 1;
			}
		}
	}
	return found;
}

/*
 * True once pid has exited (a zombie, not collected: WNOWAIT), or is no
 * child of ours any more (collected already, its callback run).
 */
static bool dropbear_has_exited(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return si.si_pid == pid;
}

/*
 * Waits up to usec for dropbear's exit to be handled: collected through
 * init's child_reap_pid(), which runs dropbear_reaped() (d->pid becomes
 * 0). 1 handled, 0 not yet.
 */
static int dropbear_wait_exit(struct dropbear *d, uint64_t usec)
{
	uint64_t end = loop_now_usec() + usec;
	pid_t pid = d->pid;
	int pidfd, r = 0;

	if (pid <= 0)
		return 1; /* handled already */
	if ((pidfd = dropbear_pidfd_open(pid)) < 0)
		log_debug("dropbear: no pidfd (%s): waiting for its exit in "
			  "10 ms steps",
			  strerror(errno));
	for (;;) {
		uint64_t now;
		if (dropbear_has_exited(pid)) {
			child_reap_pid(pid); /* -ECHILD: collected already */
			if (d->pid == pid)   /* collected, and nobody told us */
				dropbear_child_exited(d, pid, -1);
			r = 1;
			break;
		}
		now = loop_now_usec();
		if (now >= end)
			break;
		if (pidfd >= 0) {
			struct pollfd p = {.fd = pidfd, .events = POLLIN};
			/* A readiness wait on the pidfd, not a sleep. */
			poll(&p, 1, (int)((end - now + 999) / 1000));
		} else {
			/* Kernels before 5.3: short bounded polls. */
			poll(NULL, 0, 10);
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	return r;
}

/*
 * SIGSTOP, and waits (up to 1 s) until pid is stopped: it forks no more,
 * so the list of its descendants made next is complete (a connection
 * accepted while it is made would leave a process out, one that still
 * holds the listening socket). Looks with WNOWAIT, collecting nothing:
 * init's reaper stays the only one. 1 stopped; 0 it has exited (not yet
 * collected, or collected with its callback run); -ETIMEDOUT.
 */
static int dropbear_freeze(pid_t pid)
{
	uint64_t end = loop_now_usec() + 1000000u;

	if (kill(pid, SIGSTOP) < 0)
		return -errno;
	for (;;) {
		siginfo_t si;
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si,
			   WSTOPPED | WEXITED | WNOHANG | WNOWAIT) < 0)
			return errno == ECHILD ? 0 : -errno;
		if (si.si_pid == pid)
			return si.si_code == CLD_STOPPED ? 1 : 0;
		if (loop_now_usec() >= end)
			return -ETIMEDOUT;
		poll(NULL, 0, 2); /* stopping takes one scheduling round */
	}
}

static void dropbear_signal_all(pid_t main, const pid_t *desc, size_t n,
				int sig)
{
	if (main > 0)
		kill(main, sig);
	for (size_t i = 0; i < n; i++)
		kill(desc[i], sig);
}

int dropbear_stop(struct dropbear *d)
{
	pid_t desc[DROPBEAR_DESC_MAX], pid;
	uint64_t timeout;
	size_t n = 0;
	int r = 0;

	if (!d)
		return 0;
	d->stopping = 1;
	if (d->restart)
		loop_timer_arm(d->restart, 0);
	if (d->pid <= 0)
		return 0; /* gone, and its exit handled already */
	pid = d->pid;
	timeout =
	    d->cfg->stop_timeout_usec ? d->cfg->stop_timeout_usec : 2000000u;
	/* (a freeze that times out: a process stuck in the kernel, which
	 * SIGKILL ends when it can) */
	if (dropbear_freeze(pid) == 0) {
		/* It died meanwhile: its exit is handled as any other. */
		dropbear_wait_exit(d, 0);
		return 0;
	}
	/* Its per-connection processes are in sessions of their own. */
	n = dropbear_descendants(pid, desc, DROPBEAR_DESC_MAX);
	dropbear_let_unlock_finish(pid, desc, n, DROPBEAR_UNLOCK_GRACE_USEC);
	dropbear_signal_all(0, desc, n, SIGTERM);
	/*
	 * The listener gets SIGKILL, not SIGTERM: its SIGTERM handler only
	 * sets a flag, and a connection it was accepting would still be
	 * forked, after the list above, holding the listening socket.
	 * Stopped, then killed, it forks nothing more. Its pid file is ours
	 * to remove then.
	 */
	kill(pid, SIGKILL);
	if (!dropbear_wait_exit(d, timeout)) {
		log_warn("dropbear (pid %d) did not die of SIGKILL in %llu ms",
			 (int)pid, (unsigned long long)(timeout / 1000));
		r = -ETIMEDOUT;
	} else {
		unlink(d->cfg->pid_file ? d->cfg->pid_file : DROPBEAR_PID_FILE);
	}
	/* Descendants that outlived it: killed; gone unless zombies, which
	 * init reaps (they are its children now). */
	dropbear_signal_all(0, desc, n, SIGKILL);
	for (size_t i = 0; i < n && r == 0; i++) {
		pid_t pp;
		char st;
		for (int k = 0; k < 100; k++) {
			if (dropbear_proc_stat(desc[i], &pp, &st) < 0 ||
			    st == 'Z')
				break;
			poll(NULL, 0, 10);
		}
		if (dropbear_proc_stat(desc[i], &pp, &st) == 0 && st != 'Z') {
			log_err("dropbear's process %d is still running",
				(int)desc[i]);
			r = -EBUSY;
		}
	}
	return r;
}

void dropbear_free(struct dropbear *d)
{
	if (!d)
		return;
	dropbear_stop(d);
	/* Still running (stop timed out): init's handoff kills it, and its
	 * reaper collects it without calling back into freed memory. */
	if (d->pid > 0)
		child_forget(d->pid);
	loop_timer_free(d->restart);
	if (d->log_rd >= 0) {
		/* What it wrote last (the pipe is non-blocking). */
		while (dropbear_log_read(d) > 0)
			;
		dropbear_flush_line(d);
		loop_del_fd(d->loop, d->log_rd);
		close(d->log_rd);
	}
	if (d->log_wr >= 0)
		close(d->log_wr);
	free(d);
}
