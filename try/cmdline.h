/* cmdline: the kernel command line for a QEMU try, minus what QEMU cannot
 * honour. */
#ifndef SESAME_TRY_CMDLINE_H
#define SESAME_TRY_CMDLINE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#define TRY_CMDLINE_MAX 4096
#define TRY_DROPPED_MAX 32

/* One parameter left out (or replaced), and why. */
struct try_dropped {
	char param[128]; /* as given, cut to fit */
	const char *why; /* static text */
};

/*
 * A static IPv4 ip= (nfsroot.txt's client:server:gw:netmask:host:dev:...)
 * that QEMU's user network can mirror: QEMU gets net= the client's subnet,
 * host= the gateway, and the SSH forward goes to the client address, so
 * that the try tests the real static configuration.
 */
struct try_static_ip {
	bool set;
	char param[128]; /* the ip= word, for the report */
	struct in_addr client, gw, net, dns;
	unsigned prefix;
	bool from_conf; /* found in the image's boot.conf */
};

/*
 * Parses VALUE (after "ip=") as a static address QEMU can mirror: an IPv4
 * client, a netmask giving a prefix of 8 to 29 (default 24 when empty),
 * the device empty or "eth0" (the name QEMU's NIC gets). The gateway, when
 * empty or not in the subnet, and a DNS address are picked in the subnet,
 * distinct from the client. -EINVAL when it is not such a form.
 */
int try_ip_parse_static(const char *value, struct try_static_ip *s);

struct try_cmdline {
	char text[TRY_CMDLINE_MAX]; /* what QEMU's -append gets */
	struct try_static_ip ip;    /* a static ip= kept and mirrored */
	struct try_dropped dropped[TRY_DROPPED_MAX];
	size_t ndropped;
};

/*
 * Filters the bootloader's command line (len bytes, e.g. /proc/cmdline)
 * for a boot under QEMU with user networking and a serial console: drops
 * what names the real machine's hardware or network (console=, ifname=,
 * BOOTIF=, crashkernel=, mem=, ...), each named with its reason in
 * out->dropped; keeps the first static ip= QEMU can mirror (out->ip) and
 * replaces any other static or interface-bound ip= by ip=dhcp; adds
 * console=ttyS0 last. Parameters are split at spaces
 * outside double quotes, as the kernel does. -E2BIG when the result does
 * not fit, -EINVAL for a NUL or an unterminated quote.
 */
int try_cmdline_filter(const char *in, size_t len, struct try_cmdline *out);

/*
 * The image's boot config (/etc/sesame/boot.conf: words as on the command
 * line, '#' to the end of the line a comment) is read by /init before the
 * command line; ip= words of both apply (one per NIC). A static ip= there
 * that QEMU can mirror is recorded in c->ip when the command line set
 * none. Another static or interface-bound one, when the filtered command
 * line has no ip= of its own, gets "ip=dhcp" put first in c->text, and the
 * boot.conf word is named in c->dropped. Returns 0, or -E2BIG when it
 * does not fit.
 */
int try_cmdline_override_config(struct try_cmdline *c, const char *conf,
				size_t len);

#endif
