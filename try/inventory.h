/* inventory: what an image holds that `sesame try` checks (modules,
 * firmware, host keys, authorized keys) and the host's NICs. */
#ifndef SESAME_TRY_INVENTORY_H
#define SESAME_TRY_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

struct try_inventory {
	char kver[128]; /* the first lib/modules/KVER seen, or "" */
	char **modules; /* module names, '-' as '_', no .ko suffix */
	size_t nmodules;
	char **firmware; /* paths under lib/firmware/, suffix kept */
	size_t nfirmware;
	char *host_keys; /* /etc/sesame/host_keys.pub, or NULL */
	char *auth_keys; /* /root/.ssh/authorized_keys, or NULL */
	char *boot_conf; /* /etc/sesame/boot.conf, or NULL */
	bool has_dropbear;
};

/* Reads the image file at path. Logs and returns a negative errno. */
int try_inventory_read(const char *path, struct try_inventory *inv);
void try_inventory_free(struct try_inventory *inv);

/* Called with each archive entry's name (no leading "/" or "./") and its
 * data; exposed so that tests feed names without an image. */
int try_inventory_add(struct try_inventory *inv, const char *name,
		      size_t namelen, const char *data, size_t size);

/* True when the image holds module NAME ('-' and '_' alike). */
bool try_inventory_has_module(const struct try_inventory *inv,
			      const char *name);
/* True when the image holds lib/firmware/FW (or FW.xz, FW.zst). */
bool try_inventory_has_firmware(const struct try_inventory *inv,
				const char *fw);
/* Counts the rescue keys (a line without command="/bin/unlock") of the
 * image's authorized_keys. */
size_t try_inventory_rescue_keys(const struct try_inventory *inv);

/* The NIC model QEMU should emulate for an image: the first of its table
 * whose driver the image holds; "virtio-net-pci" and *driverp NULL when
 * none is (or when the image holds no modules: a kernel with it all built
 * in). *driverp is the driver module's name. */
const char *try_nic_model(const struct try_inventory *inv,
			  const char **driverp);
/* The driver names of that table, ", "-separated, for messages. */
const char *try_nic_drivers(void);

#endif
