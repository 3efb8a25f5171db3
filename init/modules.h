/* modules: kernel modules through libkmod: the image's list, coldplug by
 * modalias, modprobe. */
#ifndef SESAME_INIT_MODULES_H
#define SESAME_INIT_MODULES_H

#include <stddef.h>

struct kmod_ctx;

/* A libkmod context on /lib/modules/$(uname -r), indexes loaded. */
int modules_open(struct kmod_ctx **ctxp);
void modules_close(struct kmod_ctx *ctx);

/*
 * Loads the module(s) a name or alias resolves to, with dependencies and
 * softdeps. Already loaded is success; -ENOENT when nothing matches.
 */
int modules_load(struct kmod_ctx *ctx, const char *name_or_alias);

/*
 * Loads each module named in the text buf (one per line, '#' comments);
 * failures are logged and do not stop the rest. Returns how many failed.
 */
int modules_load_list(struct kmod_ctx *ctx, const char *buf, size_t len);

/*
 * Walks sys_devices (normally /sys/devices) without following symlinks and
 * loads what each "modalias" file names. Returns the count of modaliases
 * seen, or a negative errno if the walk could not start.
 */
int modules_coldplug(struct kmod_ctx *ctx, const char *sys_devices);

/*
 * The /sbin/modprobe the kernel runs for request_module():
 * "modprobe -q -- NAME". Returns the exit status: 0 loaded, 1 failed.
 */
int modprobe_main(int argc, char **argv);

#endif
