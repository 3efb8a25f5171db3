/* runconf: what the initramfs leaves for the real system about the network
 * it configured (initramfs-tools' /run/net-IFACE.conf, a /proc/net/pnp-style
 * resolver file). */
#ifndef SESAME_NET_RUNCONF_H
#define SESAME_NET_RUNCONF_H

#include <stddef.h>

#include "net/net.h"

#define NET_RUNCONF_DIR "/run"
#define NET_PNP_PATH "/run/sesame/net-pnp"

/*
 * /run/net-IFACE.conf in the format of initramfs-tools (klibc ipconfig's
 * shell variables: DEVICE, PROTO, IPV4ADDR, IPV4BROADCAST, IPV4NETMASK,
 * IPV4GATEWAY, IPV4DNS0/1, HOSTNAME, DNSDOMAIN, ROOTSERVER, ROOTPATH,
 * DHCPLEASETIME, ...), every value single-quoted; a value holding a quote
 * or a control byte is written empty. Returns the length, or -ENOSPC.
 */
int net_runconf_format(const struct net_lease *l, char *buf, size_t size);

/*
 * The kernel's /proc/net/pnp format ("#PROTO: DHCP", "domain",
 * "nameserver", "bootserver" lines), which a system whose /etc/resolv.conf
 * links to it can read. Returns the length, or -ENOSPC.
 */
int net_pnp_format(const struct net_lease *l, char *buf, size_t size);

#endif
