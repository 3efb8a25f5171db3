/* linkchild: start, close and kill a helper process with a socketpair link. */
#include "init/linkchild.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "init/sys.h"

void link_child_init(struct link_child *c, struct loop *l)
{
	c->loop = l;
	c->pid = 0;
	c->fd = -1;
}

int link_child_start(struct link_child *c, char *const argv[],
		     child_exit_fn on_exit, loop_fd_fn on_read, void *data)
{
	struct sys_spawn_opts o = {.flags = SYS_SPAWN_STDIO};
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	o.stdio[0] = sv[1];
	o.stdio[1] = -1;
	o.stdio[2] = STDERR_FILENO;
	r = child_spawn_opts(argv, &o, on_exit, data, &c->pid);
	close(sv[1]);
	if (r < 0) {
		close(sv[0]);
		c->pid = 0;
		return r;
	}
	(void)fcntl(sv[0], F_SETFL, O_NONBLOCK);
	c->fd = sv[0];
	if ((r = loop_add_fd(c->loop, c->fd, EPOLLIN, on_read, data)) < 0) {
		(void)sys_kill(c->pid, SIGKILL);
		close(c->fd);
		c->fd = -1;
		return r;
	}
	return 0;
}

void link_child_close(struct link_child *c)
{
	if (c->fd < 0)
		return;
	loop_del_fd(c->loop, c->fd);
	close(c->fd);
	c->fd = -1;
}

void link_child_kill(struct link_child *c)
{
	if (c->pid > 0)
		(void)sys_kill(c->pid, SIGKILL);
	link_child_close(c);
}
