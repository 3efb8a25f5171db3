/* sys: the real system calls behind the seam; the child side of spawn. */
#include "init/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/spawn_child.h"
#include "init/switchroot.h"

static int real_mount(const char *src, const char *target, const char *type,
		      unsigned long flags, const void *data)
{
	return mount(src, target, type, flags, data) < 0 ? -errno : 0;
}

static int real_umount(const char *target, int flags)
{
	return umount2(target, flags) < 0 ? -errno : 0;
}

static int real_mkdir(const char *path, mode_t mode)
{
	return mkdir(path, mode) < 0 ? -errno : 0;
}

static int real_chdir(const char *path)
{
	return chdir(path) < 0 ? -errno : 0;
}

static int real_chroot(const char *path)
{
	return chroot(path) < 0 ? -errno : 0;
}

static int real_execv(const char *path, char *const argv[])
{
	execv(path, argv);
	return -errno;
}

/* In the child: what PID 1 blocked or set must not leak into programs.
 * -1 when the child must not run. */
static int spawn_child_setup(const struct sys_spawn_opts *o)
{
	unsigned flags = o->flags;

	spawn_child_reset_signals();
	if ((flags & SYS_SPAWN_SETSID) && !(flags & SYS_SPAWN_CONSOLE))
		setsid();
	if ((flags & SYS_SPAWN_STDIO) && spawn_child_stdio(o->stdio) < 0)
		return -1;
	if ((flags & SYS_SPAWN_IDS) &&
	    (setgroups(0, NULL) < 0 || setresgid(o->gid, o->gid, o->gid) < 0 ||
	     setresuid(o->uid, o->uid, o->uid) < 0))
		return -1;
	if (flags & SYS_SPAWN_CONSOLE) {
		int fd;
		setsid();
		fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			ioctl(fd, TIOCSCTTY, 1);
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
	return 0;
}

static int real_spawn(char *const argv[], const struct sys_spawn_opts *o,
		      pid_t *pidp)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (spawn_child_setup(o) < 0)
			_exit(127);
		if (o->envp)
			execve(argv[0], argv, o->envp);
		else
			execv(argv[0], argv);
		_exit(127);
	}
	*pidp = pid;
	return 0;
}

static int real_kill(pid_t pid, int sig)
{
	return kill(pid, sig) < 0 ? -errno : 0;
}

static int real_reboot(int cmd)
{
	sync();
	return reboot(cmd) < 0 ? -errno : 0;
}

const struct sys_ops sys_real_ops = {
    .mount = real_mount,
    .umount = real_umount,
    .mkdir = real_mkdir,
    .chdir = real_chdir,
    .chroot = real_chroot,
    .execv = real_execv,
    .spawn = real_spawn,
    .kill = real_kill,
    .reboot = real_reboot,
    .wipe_rootfs = switchroot_wipe_rootfs,
};

static const struct sys_ops *sys_current = &sys_real_ops;

void sys_set_ops(const struct sys_ops *ops)
{
	sys_current = ops ? ops : &sys_real_ops;
}

const struct sys_ops *sys_ops(void)
{
	return sys_current;
}

int sys_mount(const char *src, const char *target, const char *type,
	      unsigned long flags, const void *data)
{
	return sys_current->mount(src, target, type, flags, data);
}

int sys_umount(const char *target, int flags)
{
	return sys_current->umount(target, flags);
}

int sys_move_mount(const char *from, const char *to)
{
	return sys_current->mount(from, to, NULL, MS_MOVE, NULL);
}

int sys_mkdir(const char *path, mode_t mode)
{
	return sys_current->mkdir(path, mode);
}

int sys_chdir(const char *path)
{
	return sys_current->chdir(path);
}

int sys_chroot(const char *path)
{
	return sys_current->chroot(path);
}

int sys_execv(const char *path, char *const argv[])
{
	return sys_current->execv(path, argv);
}

int sys_spawn(char *const argv[], const struct sys_spawn_opts *o, pid_t *pidp)
{
	return sys_current->spawn(argv, o, pidp);
}

int sys_kill(pid_t pid, int sig)
{
	return sys_current->kill(pid, sig);
}

int sys_reboot(int cmd)
{
	return sys_current->reboot(cmd);
}
