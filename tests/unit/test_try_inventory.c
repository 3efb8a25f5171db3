/* test_try_inventory: what `sesame try` reads from an image's entries, the
 * NIC it picks for QEMU, and the host NIC check on a fake sysfs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "try/hostnic.h"
#include "try/inventory.h"

static void add(struct try_inventory *inv, const char *name, const char *data)
{
	assert_int_equal(try_inventory_add(inv, name, strlen(name), data,
					   data ? strlen(data) : 0),
			 0);
}

static void modules_firmware_keys(void **state)
{
	struct try_inventory inv;
	const char *drv;

	(void)state;
	memset(&inv, 0, sizeof(inv));
	add(&inv,
	    "lib/modules/6.1.0-56-amd64/kernel/drivers/net/e1000e/"
	    "e1000e.ko.xz",
	    NULL);
	add(&inv, "lib/modules/6.1.0-56-amd64/kernel/x/dm-crypt.ko", NULL);
	add(&inv, "lib/modules/6.1.0-56-amd64/modules.dep", NULL);
	add(&inv, "lib/modules/6.1.0-56-amd64/kernel/x/.ko", NULL);
	add(&inv, "lib/firmware/rtl_nic/rtl8168h-2.fw.zst", NULL);
	add(&inv, "root/.ssh/authorized_keys",
	    "command=\"/bin/unlock\",no-port-forwarding ssh-ed25519 AAAA u\n"
	    "\n# comment\n"
	    "no-pty ssh-ed25519 AAAA rescue\n"
	    "ssh-ed25519 AAAA bare-rescue");
	add(&inv, "etc/sesame/host_keys.pub", "ssh-ed25519 AAAA sesame\n");
	assert_string_equal(inv.kver, "6.1.0-56-amd64");
	assert_int_equal(inv.nmodules, 2);
	assert_true(try_inventory_has_module(&inv, "dm_crypt"));
	assert_true(try_inventory_has_module(&inv, "dm-crypt"));
	assert_true(try_inventory_has_module(&inv, "e1000e"));
	assert_false(try_inventory_has_module(&inv, "e1000"));
	assert_false(try_inventory_has_module(&inv, "modules.dep"));
	assert_true(try_inventory_has_firmware(&inv, "rtl_nic/rtl8168h-2.fw"));
	assert_false(try_inventory_has_firmware(&inv, "rtl_nic/rtl8168h-2"));
	assert_false(try_inventory_has_firmware(&inv, "rtl_nic/rtl8168g-1.fw"));
	assert_int_equal(try_inventory_rescue_keys(&inv), 2);
	assert_string_equal(inv.host_keys, "ssh-ed25519 AAAA sesame\n");
	add(&inv, "etc/sesame/boot.conf", "ip=192.0.2.5:::::eth0:none\n");
	assert_string_equal(inv.boot_conf, "ip=192.0.2.5:::::eth0:none\n");
	/* no virtio_net: QEMU gets the e1000e the image can drive */
	assert_string_equal(try_nic_model(&inv, &drv), "e1000e");
	assert_string_equal(drv, "e1000e");
	add(&inv, "lib/modules/6.1.0-56-amd64/kernel/virtio_net.ko", NULL);
	assert_string_equal(try_nic_model(&inv, &drv), "virtio-net-pci");
	try_inventory_free(&inv);
	try_inventory_free(NULL);
	/* an image without NIC drivers: virtio, and no driver named */
	assert_string_equal(try_nic_model(&inv, &drv), "virtio-net-pci");
	assert_null(drv);
}

static char dir[64];

static void mk(const char *arg, const char *link)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, arg);
	if (link)
		assert_int_equal(symlink(link, p), 0);
	else
		assert_int_equal(mkdir(p, 0755), 0);
}

static void put(const char *nic, const char *flags)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s/flags", dir, nic);
	assert_non_null(f = fopen(p, "w"));
	fputs(flags, f);
	fclose(f);
}

static void host_nics_on_a_fake_sysfs(void **state)
{
	struct try_hostnic nics[TRY_HOSTNIC_MAX];
	struct try_inventory inv;
	char buf[400];
	size_t n;

	(void)state;
	strcpy(dir, "/tmp/test_try_sysfs.XXXXXX");
	assert_non_null(mkdtemp(dir));
	/* enp3s0: up, e1000e module; eno1: up, built in; wlan0: down;
	 * br0: up, no device (virtual) */
	mk("enp3s0", NULL);
	mk("enp3s0/device", NULL);
	mk("enp3s0/device/driver", "/sys/bus/pci/drivers/e1000e");
	put("enp3s0", "0x1003\n");
	mk("eno1", NULL);
	mk("eno1/device", NULL);
	mk("eno1/device/driver", "/sys/bus/virtio/drivers/virtio_net");
	put("eno1", "0x1003\n");
	mk("wlan0", NULL);
	mk("wlan0/device", NULL);
	mk("wlan0/device/driver", "/sys/bus/pci/drivers/iwlwifi");
	put("wlan0", "0x1002\n");
	mk("br0", NULL);
	put("br0", "0x1003\n");
	/* the module link of enp3s0 sits inside the driver's dir in sysfs;
	 * here the driver link points nowhere, so give a real dir instead */
	{
		char p[256];
		snprintf(p, sizeof(p), "%s/enp3s0/device/driver", dir);
		assert_int_equal(unlink(p), 0);
		mk("e1000e", NULL);
		mk("e1000e/module", "/sys/module/e1000e");
		snprintf(p, sizeof(p), "%s/e1000e", dir);
		mk("enp3s0/device/driver", p);
	}
	assert_int_equal(try_hostnics_list(dir, nics, TRY_HOSTNIC_MAX, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(nics[0].ifname, "eno1"); /* sorted */
	assert_string_equal(nics[0].driver, "virtio_net");
	assert_string_equal(nics[0].module, "");
	assert_string_equal(nics[1].ifname, "enp3s0");
	assert_string_equal(nics[1].driver, "e1000e");
	assert_string_equal(nics[1].module, "e1000e");
	memset(&inv, 0, sizeof(inv));
	assert_int_equal(try_hostnics_check(nics, n, &inv, buf, sizeof(buf)),
			 1);
	assert_string_equal(buf, "eno1: virtio_net built into the kernel; "
				 "enp3s0: driver e1000e MISSING from the "
				 "image");
	add(&inv, "lib/modules/k/e1000e.ko", NULL);
	assert_int_equal(try_hostnics_check(nics, n, &inv, buf, sizeof(buf)),
			 0);
	assert_non_null(strstr(buf, "enp3s0: e1000e in the image"));
	/* a small buffer is cut, not overrun */
	assert_int_equal(try_hostnics_check(nics, n, &inv, buf, 8), 0);
	assert_int_equal(strlen(buf), 7);
	try_inventory_free(&inv);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
	}
	assert_int_equal(try_hostnics_list("/nonexistent", nics, 1, &n),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(modules_firmware_keys),
	    cmocka_unit_test(host_nics_on_a_fake_sysfs),
	};
	return cmocka_run_group_tests_name("try_inventory", tests, NULL, NULL);
}
