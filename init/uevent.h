/* uevent: the kernel's device events (NETLINK_KOBJECT_UEVENT), parsed with
 * bounds. */
#ifndef SESAME_INIT_UEVENT_H
#define SESAME_INIT_UEVENT_H

#include <stddef.h>
#include <stdint.h>

#define UEVENT_BUF_MAX 8192

/*
 * One event. The strings point into the buffer given to uevent_parse() and
 * live as long as it does; fields the event did not carry are NULL.
 */
struct uevent {
	const char *action; /* "add", "remove", "change", "bind", ... */
	const char *devpath;
	const char *subsystem;
	const char *devname; /* relative to /dev: "vda1" */
	const char *devtype; /* "disk", "partition" */
	const char *modalias;
	uint64_t seqnum;
	unsigned major, minor;
	int has_devnum;
};

/*
 * Parses "ACTION@DEVPATH\0KEY=VALUE\0...". Every field must end in a NUL
 * inside buf[0, len); the header must hold an '@'; ACTION and DEVPATH must
 * be present. Messages from udev ("libudev" magic) are refused with
 * -EPROTO, anything malformed with -EBADMSG. *ev is written only on
 * success.
 */
int uevent_parse(const void *buf, size_t len, struct uevent *ev);

/*
 * True when devname is safe to append to "/dev/": not empty, not absolute,
 * no "." or ".." components, no control characters, under 48 bytes.
 */
int uevent_devname_ok(const char *devname);

/* Opens the netlink socket (group 1: the kernel's events), non-blocking. */
int uevent_open(int *fdp);
/*
 * Reads one datagram from the kernel into buf (UEVENT_BUF_MAX bytes);
 * datagrams from anyone but the kernel (nl_pid != 0) are dropped with
 * -EPERM. Returns the length, -EAGAIN when none is left, or -errno.
 */
int uevent_recv(int fd, char *buf, size_t size);

#endif
