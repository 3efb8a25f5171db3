/* test_storage_detect: --hostonly's reading of mountinfo and /sys/dev/block,
 * on fake trees (a plain disk, LVM on md RAID1 on partitions, LUKS). */
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

#include "image/storage.h"

static char base[256];

static void put(const char *rel, const char *text)
{
	char path[512], cmd[700];

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_(const char *target, const char *rel)
{
	char path[512], cmd[700];

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/test_storage_detect.XXXXXX");
	assert_non_null(mkdtemp(base));
	/* devices: vda1, vdb1 partitions -> md0 -> dm-0 (LVM) ; dm-1 CRYPT
	 * on vdc ; vdd plain */
	put("devices/virtual/block/vda/vda1/partition", "1\n");
	put("devices/virtual/block/vdb/vdb1/partition", "1\n");
	put("devices/virtual/block/md0/md/level", "raid1\n");
	link_("../../vda/vda1", "devices/virtual/block/md0/slaves/vda1");
	link_("../../vdb/vdb1", "devices/virtual/block/md0/slaves/vdb1");
	put("devices/virtual/block/dm-0/dm/uuid", "LVM-abcdef\n");
	link_("../../md0", "devices/virtual/block/dm-0/slaves/md0");
	put("devices/virtual/block/dm-1/dm/uuid", "CRYPT-LUKS2-x\n");
	link_("../../vdc", "devices/virtual/block/dm-1/slaves/vdc");
	put("devices/virtual/block/vdc/size", "1\n");
	put("devices/virtual/block/vdd/size", "1\n");
	link_("../../../devices/virtual/block/dm-0", "sys/dev/block/253:0");
	link_("../../../devices/virtual/block/dm-1", "sys/dev/block/253:1");
	link_("../../../devices/virtual/block/vdd", "sys/dev/block/254:48");
	link_("../../../devices/virtual/block/md0", "sys/dev/block/9:0");
	/* a loop of slaves must end */
	put("devices/virtual/block/dm-9/dm/uuid", "LVM-loop\n");
	link_("../../dm-9", "devices/virtual/block/dm-9/slaves/dm-9");
	link_("../../../devices/virtual/block/dm-9", "sys/dev/block/253:9");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static unsigned detect(const char *mountinfo)
{
	char mi[300], sys[300];
	unsigned needs = 0xdead;

	snprintf(mi, sizeof(mi), "%s/mountinfo", base);
	snprintf(sys, sizeof(sys), "%s/sys/dev/block", base);
	put("mountinfo", mountinfo);
	assert_int_equal(storage_detect(mi, sys, &needs), 0);
	return needs;
}

static void layers(void **state)
{
	(void)state;
	assert_int_equal(
	    detect("22 1 254:48 / / ro,relatime shared:1 - ext4 /dev/vdd ro\n"),
	    0);
	assert_int_equal(
	    detect("22 1 253:0 / / ro - ext4 /dev/mapper/vg-root ro\n"),
	    STORAGE_NEEDS_LVM | STORAGE_NEEDS_MD);
	assert_int_equal(detect("22 1 254:48 / / ro - ext4 /dev/vdd ro\n"
				"23 22 253:1 / /usr ro - ext4 /dev/dm-1 ro\n"),
			 STORAGE_NEEDS_CRYPT);
	assert_int_equal(detect("22 1 9:0 / / ro - ext4 /dev/md0 ro\n"),
			 STORAGE_NEEDS_MD);
	/* the last mount on / wins (over-mounts) */
	assert_int_equal(detect("22 1 9:0 / / ro - ext4 /dev/md0 ro\n"
				"30 22 254:48 / / ro - ext4 /dev/vdd ro\n"),
			 0);
	assert_int_equal(detect("22 1 253:9 / / ro - ext4 /dev/dm-9 ro\n"),
			 STORAGE_NEEDS_LVM);
	/* junk and missing devices: nothing */
	assert_int_equal(detect("garbage\n\n22 1 99:99 / / ro\n"), 0);
}

/* / or /usr on NFS: the kernel's client goes in (an NFS-root host). */
static void nfs_roots(void **state)
{
	const char *mods[STORAGE_MODULES_MAX];
	char mi[300], sys[300];
	struct storage_build_opts o = {.mode = STORAGE_BUILD_HOSTONLY,
				       .mdadm = "/nonexistent/mdadm",
				       .lvm = "/nonexistent/lvm"};
	size_t n;

	(void)state;
	assert_int_equal(detect("22 1 0:21 / / rw,relatime shared:1 - nfs4 "
				"192.0.2.1:/root rw,vers=4.2,addr=192.0.2.1\n"),
			 STORAGE_NEEDS_NFS);
	assert_int_equal(detect("22 1 254:48 / / ro - ext4 /dev/vdd ro\n"
				"23 22 0:40 / /usr ro master:3 - nfs "
				"192.0.2.1:/usr ro,vers=3\n"),
			 STORAGE_NEEDS_NFS);
	/* a mount elsewhere, or a type that only starts with nfs: not it */
	assert_int_equal(detect("22 1 254:48 / / ro - ext4 /dev/vdd ro\n"
				"24 22 0:41 / /home rw - nfs4 s:/home rw\n"
				"25 22 0:42 / /usr rw - nfsd nfsd rw\n"),
			 0);
	/* no " - " separator: no type */
	assert_int_equal(detect("22 1 0:21 / / rw nfs4 192.0.2.1:/root\n"), 0);

	/* the build then asks for the NFS client's modules */
	snprintf(mi, sizeof(mi), "%s/mountinfo", base);
	snprintf(sys, sizeof(sys), "%s/sys/dev/block", base);
	put("mountinfo", "22 1 0:21 / / rw - nfs4 192.0.2.1:/root rw\n");
	o.mountinfo = mi;
	o.sys_dev_block = sys;
	n = storage_build_modules(&o, mods);
	assert_int_equal(n, 3);
	assert_string_equal(mods[0], "nfs");
	assert_string_equal(mods[1], "nfsv3");
	assert_string_equal(mods[2], "nfsv4");
}

static void no_mountinfo(void **state)
{
	unsigned needs = 7;

	(void)state;
	assert_int_equal(
	    storage_detect("/nonexistent/mountinfo", "/sys/dev/block", &needs),
	    -ENOENT);
	assert_int_equal(needs, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(layers),
	    cmocka_unit_test(nfs_roots),
	    cmocka_unit_test(no_mountinfo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
