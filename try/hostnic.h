/* hostnic: the host's NICs that are up, their drivers, and whether an
 * image holds them (QEMU cannot test the real NIC). */
#ifndef SESAME_TRY_HOSTNIC_H
#define SESAME_TRY_HOSTNIC_H

#include <stdbool.h>
#include <stddef.h>

#include "try/inventory.h"

#define TRY_HOSTNIC_MAX 32

struct try_hostnic {
	char ifname[32];
	char driver[64]; /* device/driver's name */
	char module[64]; /* device/driver/module's name, "" when built in */
};

/*
 * The NICs under sysfs_net (/sys/class/net) that are up and have a device
 * with a driver (virtual ones have none). At most max; *n is the count.
 */
int try_hostnics_list(const char *sysfs_net, struct try_hostnic *out,
		      size_t max, size_t *n);

/*
 * Checks each NIC against the image: its module is in the image (or built
 * into the kernel), and of the firmware files the module names (looked up
 * with libkmod for the running kernel) at least one is. Writes one line
 * per NIC into buf ("eth0: e1000e in the image; ...") and returns the
 * number of NICs whose driver or firmware is missing, or a negative errno.
 */
int try_hostnics_check(const struct try_hostnic *nics, size_t n,
		       const struct try_inventory *inv, char *buf, size_t size);

#endif
