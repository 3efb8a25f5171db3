/* sys: /init's side effects behind one table of function pointers, so tests run
 * without root. */
#ifndef SESAME_INIT_SYS_H
#define SESAME_INIT_SYS_H

#include <sys/types.h>

/* sys_spawn flags */
#define SYS_SPAWN_CONSOLE 0x1 /* new session, /dev/console as its tty */
#define SYS_SPAWN_SETSID 0x2  /* a new session (no tty) */
#define SYS_SPAWN_STDIO 0x4   /* fds 0-2 from stdio[] */
#define SYS_SPAWN_IDS 0x8     /* runs as uid:gid, no supplementary groups */

/*
 * How a program is started. Zeroed: as PID 1's child with its fds 0-2,
 * its environment, root. Every child gets an empty signal mask and
 * default handlers (PID 1 blocks the signals its signalfd reads).
 */
struct sys_spawn_opts {
	unsigned flags;
	/* With SYS_SPAWN_STDIO: our fd for the child's 0, 1, 2 (it may be
	 * close-on-exec); -1: /dev/null. */
	int stdio[3];
	char *const *envp; /* NULL: ours */
	uid_t uid;	   /* with SYS_SPAWN_IDS */
	gid_t gid;
};

/* Every operation returns 0 or a negative errno (spawn: the child's pid). */
struct sys_ops {
	int (*mount)(const char *src, const char *target, const char *type,
		     unsigned long flags, const void *data);
	int (*umount)(const char *target, int flags);
	int (*mkdir)(const char *path, mode_t mode);
	int (*chdir)(const char *path);
	int (*chroot)(const char *path);
	/* Only returns on failure. */
	int (*execv)(const char *path, char *const argv[]);
	/* fork + exec as o says (init/child.h's child_spawn_opts). */
	int (*spawn)(char *const argv[], const struct sys_spawn_opts *o,
		     pid_t *pidp);
	int (*kill)(pid_t pid, int sig);
	/* reboot(2) after sync(2); cmd is RB_AUTOBOOT or RB_POWER_OFF. */
	int (*reboot)(int cmd);
	/* Empties the old initramfs root through its directory fd. */
	int (*wipe_rootfs)(int rootfd);
};

/* The real system calls. */
extern const struct sys_ops sys_real_ops;
/* Replaces the table (tests); NULL restores the real one. */
void sys_set_ops(const struct sys_ops *ops);
const struct sys_ops *sys_ops(void);

int sys_mount(const char *src, const char *target, const char *type,
	      unsigned long flags, const void *data);
int sys_umount(const char *target, int flags);
int sys_move_mount(const char *from, const char *to);
int sys_mkdir(const char *path, mode_t mode);
int sys_chdir(const char *path);
int sys_chroot(const char *path);
int sys_execv(const char *path, char *const argv[]);
int sys_spawn(char *const argv[], const struct sys_spawn_opts *o, pid_t *pidp);
int sys_kill(pid_t pid, int sig);
int sys_reboot(int cmd);

#endif
