/* dhcp_child: privilege separation; untrusted DHCP frames are parsed in an
 * unprivileged, chrooted child. */
#include "net/dhcp_child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"

#define DHCP_CHILD_UID 65534 /* nobody: owns no file in the image */
#define DHCP_CHILD_GID 65534

struct child_req {
	struct dhcp_expect exp;
	uint32_t len;
};

/* The child's whole life: never returns, ends with _exit (its own main). */
static void __attribute__((noreturn)) child_serve(int fd)
{
	static uint8_t buf[sizeof(struct child_req) + DHCP_FRAME_MAX];
	struct dhcp_child_reply rep;
	struct child_req req;
	const char *why;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		memset(&rep, 0, sizeof(rep));
		if ((size_t)n < sizeof(req)) {
			rep.r = -EBADMSG;
		} else {
			memcpy(&req, buf, sizeof(req));
			if (req.len != (size_t)n - sizeof(req))
				rep.r = -EBADMSG;
			else
				rep.r = dhcp_parse_packet_explain(
				    buf + sizeof(req), req.len, &req.exp,
				    &rep.lease, &why);
			if (rep.r < 0 && req.len == (size_t)n - sizeof(req))
				strncpy(rep.why, why, sizeof(rep.why) - 1);
		}
		if (send(fd, &rep, sizeof(rep), MSG_NOSIGNAL) != sizeof(rep))
			_exit(1);
	}
}

#if defined(__x86_64__)
#define DHCP_CHILD_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define DHCP_CHILD_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/*
 * A syscall allowlist in the spirit of pledge("stdio"): the socket, memory
 * (sanitizer runtimes allocate), exit. Anything else fails with EPERM; a
 * foreign syscall ABI kills the process.
 */
static int child_seccomp(void)
{
#ifdef DHCP_CHILD_AUDIT_ARCH
	static const unsigned allowed[] = {
	    SYS_read,	       SYS_write,	SYS_recvfrom,
	    SYS_sendto,	       SYS_recvmsg,	SYS_sendmsg,
	    SYS_exit,	       SYS_exit_group,	SYS_rt_sigreturn,
	    SYS_brk,	       SYS_mmap,	SYS_munmap,
	    SYS_mprotect,      SYS_madvise,	SYS_futex,
	    SYS_clock_gettime, SYS_getpid,	SYS_gettid,
	    SYS_sched_yield,   SYS_sigaltstack, SYS_rt_sigprocmask,
	    SYS_getrlimit,     SYS_prlimit64,
	};
	enum { N = sizeof(allowed) / sizeof(allowed[0]) };
	struct sock_filter f[4 + N + 2];
	struct sock_fprog prog = {.len = 4 + N + 2, .filter = f};

	f[0] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					    DHCP_CHILD_AUDIT_ARCH, 1, 0);
	f[2] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
					    SECCOMP_RET_KILL_PROCESS);
	f[3] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					    offsetof(struct seccomp_data, nr));
	for (unsigned k = 0; k < N; k++)
		f[4 + k] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JEQ | BPF_K, allowed[k], (uint8_t)(N - k), 0);
	f[4 + N] = (struct sock_filter)BPF_STMT(
	    BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA));
	f[5 + N] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
#endif
	return 0;
}

/* Everything the child gives up before it sees a byte from the network. */
static int child_confine(int fd, const char *root)
{
	static const int limits[] = {RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_FSIZE,
				     RLIMIT_CORE};
	gid_t gid = DHCP_CHILD_GID;
	sigset_t all;
	int null;

	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL); /* PID 1 blocks for signalfd */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 3; i++)
		if (null >= 0 ? dup2(null, i) < 0
			      : close(i) < 0 && errno != EBADF)
			return -errno;
	if (dup2(fd, 3) < 0)
		return -errno;
	if (syscall(SYS_close_range, 4, ~0u, 0) < 0)
		for (int i = 4; i < 1024; i++)
			close(i);
	if (chroot(root) < 0 || chdir("/") < 0)
		return -errno;
	if (setgroups(1, &gid) < 0 ||
	    setresgid(DHCP_CHILD_GID, DHCP_CHILD_GID, DHCP_CHILD_GID) < 0 ||
	    setresuid(DHCP_CHILD_UID, DHCP_CHILD_UID, DHCP_CHILD_UID) < 0)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		struct rlimit rl = {0, 0};
		if (setrlimit(limits[i], &rl) < 0)
			return -errno;
	}
	if (getuid() == 0 || geteuid() == 0 || setuid(0) == 0)
		return -EPERM;
	return child_seccomp(); /* last: it needs no_new_privs */
}

/* From init's reaper (c->watch): the parser is gone, and reaped. */
static void dhcp_child_exited(pid_t pid, int status, void *data)
{
	struct dhcp_child *c = data;

	if (pid != c->pid)
		return;
	if (WIFSIGNALED(status))
		log_warn("dhcp: the parser process (pid %d) was killed by "
			 "signal %d; a new one starts with the next reply",
			 (int)pid, WTERMSIG(status));
	else
		log_warn("dhcp: the parser process (pid %d) exited with "
			 "status %d; a new one starts with the next reply",
			 (int)pid, WEXITSTATUS(status));
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->pid = -1;
}

int dhcp_child_start(struct dhcp_child *c)
{
	char root[] = "/run/sesame-dhcp.XXXXXX";
	char root_tmp[] = "/tmp/sesame-dhcp.XXXXXX";
	char *dir, ready;
	int sv[2], r;

	c->pid = -1;
	c->fd = -1;
	dir = mkdtemp(root);
	if (!dir)
		dir = mkdtemp(root_tmp);
	if (!dir)
		return log_warn_errno(-errno, "dhcp: no empty directory for "
					      "the parser");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = -errno;
		rmdir(dir);
		return r;
	}
	/*
	 * A fork, not child_spawn_opts(): the parser is this code, not a
	 * program. Watched at once, before anything can reap it: init's
	 * reaper runs from the loop, never inside this call.
	 */
	c->pid = fork();
	if (c->pid < 0) {
		r = -errno;
		c->pid = -1;
		close(sv[0]);
		close(sv[1]);
		rmdir(dir);
		return r;
	}
	if (c->pid == 0) {
		close(sv[0]);
		if (child_confine(sv[1], dir) < 0)
			_exit(1);
		if (write(3, "r", 1) != 1)
			_exit(1);
		child_serve(3);
	}
	c->fd = sv[0];
	close(sv[1]);
	if (c->watch &&
	    (r = c->watch->watch(c->pid, dhcp_child_exited, c)) < 0) {
		log_err_errno(r, "dhcp: watching the parser process");
		kill(c->pid, SIGKILL); /* not watched: reaped here */
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		close(c->fd);
		c->fd = -1;
		c->pid = -1;
		rmdir(dir);
		return r;
	}
	/* The child confines itself before it says it is ready. */
	r = recv(c->fd, &ready, 1, 0) == 1 ? 0 : -ECHILD;
	rmdir(dir); /* the child's root is now a removed, empty directory */
	if (r < 0) {
		log_err("dhcp: the parser process failed to drop its "
			"privileges");
		dhcp_child_stop(c);
		return r;
	}
	return 0;
}

/* Nothing the child says is trusted: PID 1 reads only what was checked. */
static int dhcp_child_check_reply(const struct dhcp_child_reply *rep, size_t n,
				  const struct dhcp_expect *exp,
				  struct dhcp_lease *out,
				  char why[DHCP_CHILD_WHY_MAX])
{
	const struct dhcp_lease *l = &rep->lease;
	const char *bad = NULL, *lease_why;

	if (n != sizeof(*rep))
		bad = "an answer of the wrong size";
	else if (rep->r > 0 || rep->r < -4095)
		bad = "a result that is neither 0 nor an errno";
	else if (rep->r < 0 && !memchr(rep->why, 0, sizeof(rep->why)))
		bad = "an unterminated reason";
	else if (rep->r == 0 && dhcp_lease_check(l, &lease_why) < 0)
		bad = lease_why;
	else if (rep->r == 0 && l->xid != exp->xid)
		bad = "a lease for another xid";
	else if (rep->r == 0 && l->type != DHCPNAK &&
		 exp->server_id.s_addr != 0 &&
		 l->server_id.s_addr != exp->server_id.s_addr)
		bad = "a lease from another server";
	if (bad) {
		log_err("dhcp: the parser process answered with %s; it is "
			"not trusted any more",
			bad);
		return -EBADE;
	}
	if (rep->r < 0) {
		memcpy(why, rep->why, DHCP_CHILD_WHY_MAX);
		return rep->r;
	}
	*out = *l;
	return 0;
}

void dhcp_child_stop(struct dhcp_child *c)
{
	pid_t pid = c->pid;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->pid = -1;
	if (pid <= 0)
		return;
	/* Still ours: its exit has not been seen (the watch clears pid). */
	kill(pid, SIGKILL);
	if (c->watch)
		c->watch->forget(pid); /* init's reaper collects it, silently */
	else
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

int dhcp_child_parse(struct dhcp_child *c, const uint8_t *frame, size_t len,
		     const struct dhcp_expect *exp, struct dhcp_lease *out,
		     char why[DHCP_CHILD_WHY_MAX])
{
	struct child_req req;
	struct dhcp_child_reply rep;
	struct iovec iov[2];
	struct msghdr mh;
	struct pollfd pfd;
	ssize_t n;

	if (c->fd < 0)
		return -EPIPE;
	if (len > DHCP_FRAME_MAX)
		return -EMSGSIZE;
	memset(&req, 0, sizeof(req));
	req.exp = *exp;
	req.len = (uint32_t)len;
	iov[0].iov_base = &req;
	iov[0].iov_len = sizeof(req);
	iov[1].iov_base = (void *)(uintptr_t)frame;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	if (sendmsg(c->fd, &mh, MSG_NOSIGNAL) < 0)
		return -EPIPE;
	/* Parsing takes microseconds; a child silent for a second is broken. */
	pfd.fd = c->fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 1000) != 1)
		return -EPIPE;
	n = recv(c->fd, &rep, sizeof(rep), MSG_TRUNC);
	if (n <= 0)
		return -EPIPE;
	return dhcp_child_check_reply(&rep, (size_t)n, exp, out, why);
}
