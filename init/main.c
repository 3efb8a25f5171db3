/* main: sesame-init is /init (PID 1) and, by argv[0], the image's
 * /sbin/nfs-mount. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "init/boot.h"
#include "init/hooks.h"
#include "nfs/mount.h"

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
};

/* The nfs-mount child (init/boot_nfs.c): logs to kmsg and the console. */
static int nfs_mount_applet(int argc, char **argv)
{
	log_set_ident("sesame-init");
	log_set_sinks_kmsg(LOG_SINK_STDERR, -1);
	return nfs_mount_main(argc, argv, NULL);
}

static const struct applet applets[] = {
    {NFS_MOUNT_APPLET, nfs_mount_applet},
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? base_name(argv[0]) : "init";
	sigset_t chld;

	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++)
		if (strcmp(name, applets[i].name) == 0)
			return applets[i].main(argc, argv);
	if (getpid() != 1) {
		fprintf(stderr,
			"sesame-init %s: the initramfs's /init; it "
			"runs only as PID 1 (or as nfs-mount)\n",
			SESAME_VERSION);
		return 2;
	}
	for (const struct init_hook *const *h = init_hook_table; *h; h++)
		if (init_hook_register(*h) < 0)
			log_err("hook %s: too many hooks", (*h)->name);
	boot_main(argc, argv);
	/* PID 1 never exits (the kernel would panic): just reap, forever. */
	log_err("the event loop broke; only reaping children from now on");
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	for (;;) {
		sigwaitinfo(&chld, NULL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}
