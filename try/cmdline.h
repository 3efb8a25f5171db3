/* cmdline: the kernel command line for a QEMU try, minus what QEMU cannot
 * honour. */
#ifndef SESAME_TRY_CMDLINE_H
#define SESAME_TRY_CMDLINE_H

#include <stddef.h>

#define TRY_CMDLINE_MAX 4096
#define TRY_DROPPED_MAX 32

/* One parameter left out (or replaced), and why. */
struct try_dropped {
	char param[128]; /* as given, cut to fit */
	const char *why; /* static text */
};

struct try_cmdline {
	char text[TRY_CMDLINE_MAX]; /* what QEMU's -append gets */
	struct try_dropped dropped[TRY_DROPPED_MAX];
	size_t ndropped;
};

/*
 * Filters the bootloader's command line (len bytes, e.g. /proc/cmdline)
 * for a boot under QEMU with user networking and a serial console: drops
 * what names the real machine's hardware or network (console=, static
 * ip=, ifname=, BOOTIF=, crashkernel=, mem=, ...), each named with its
 * reason in out->dropped; replaces a static or interface-bound ip= by
 * ip=dhcp; adds console=ttyS0 last. Parameters are split at spaces
 * outside double quotes, as the kernel does. -E2BIG when the result does
 * not fit, -EINVAL for a NUL or an unterminated quote.
 */
int try_cmdline_filter(const char *in, size_t len, struct try_cmdline *out);

/*
 * The image's boot config (/etc/sesame/boot.conf: words as on the command
 * line, '#' to the end of the line a comment) is read by /init before the
 * command line, which overrides it. When it sets a static or
 * interface-bound ip= and the filtered command line has no ip= of its
 * own, "ip=dhcp" is put first in c->text and the boot.conf word named in
 * c->dropped. Returns 0, or -E2BIG when it does not fit.
 */
int try_cmdline_override_config(struct try_cmdline *c, const char *conf,
				size_t len);

#endif
