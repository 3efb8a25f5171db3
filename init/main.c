/* main: sesame-init is /init (PID 1) and, by argv[0], the image's
 * /sbin/modprobe. */
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "init/boot.h"
#include "init/modules.h"

struct applet {
	const char *name;
	int (*main)(int argc, char **argv);
};

static const struct applet applets[] = {
    {"modprobe", modprobe_main},
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
			"runs only as PID 1 (or as modprobe)\n",
			SESAME_VERSION);
		return 2;
	}
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
