/* test_audit_checks: each check triggered by one defect and silent on a clean
 * image and host (a scratch host root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "common/log.h"
#include "image/cpio.h"
#include "image/list.h"
#include "keys/testkeys.h"

#define UNLOCK_OPTS                                                            \
	"command=\"/bin/unlock\",no-port-forwarding,no-agent-forwarding,"      \
	"no-X11-forwarding "

struct fx {
	char root[64];
	struct audit_image img;
	struct audit_report rep;
	struct audit_inputs in;
};

static void put(struct fx *f, const char *name, uint32_t mode, const char *data)
{
	assert_int_equal(audit_image_put(&f->img, name, strlen(name), mode, 0,
					 0, data, data ? strlen(data) : 0),
			 0);
}

/* Writes a file below the host root, parents made 0755. */
static void host_file(struct fx *f, const char *rel, const char *data,
		      mode_t mode)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	assert_non_null(fp = fopen(path, "w"));
	fputs(data, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void host_symlink(struct fx *f, const char *rel, const char *target)
{
	char path[PATH_MAX], cmd[PATH_MAX * 3];

	snprintf(path, sizeof(path), "%s%s", f->root, rel);
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p \"$(dirname '%s')\" && ln -s '%s' '%s'", path,
		 target, path);
	assert_int_equal(system(cmd), 0);
}

/* A sesame image with nothing to find. */
static void clean_image(struct fx *f)
{
	put(f, "/init", S_IFREG | 0755, "init");
	put(f, "/usr/sbin/dropbear", S_IFREG | 0755,
	    "ELF...SSH-2.0-dropbear_2024.84\r\n...");
	put(f, "/etc/dropbear", S_IFDIR | 0700, NULL);
	put(f, "/etc/dropbear/dropbear_ed25519_host_key", S_IFREG | 0600,
	    "image-key-bytes");
	put(f, "/etc/sesame/host_keys.pub", S_IFREG | 0644,
	    KEY_ECDSA256 " sesame\n");
	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600,
	    "# sesame\n" UNLOCK_OPTS KEY_ED25519 " admin\n");
	put(f, "/etc/passwd", S_IFREG | 0644,
	    "root:x:0:0:root:/root:/bin/sh\n");
	put(f, "/etc/sesame/boot.conf", S_IFREG | 0644, "ip=dhcp\n");
	put(f, "/tmp", S_IFDIR | 01777, NULL);
	put(f, "/dev/null", S_IFCHR | 0666, NULL);
	put(f, "/lib/modules/6.1.0-test/kernel/drivers/net/e1000e.ko",
	    S_IFREG | 0644, "module");
}

/* A host with keys of its own, a NIC whose driver the image has. */
static void clean_host(struct fx *f)
{
	host_file(f, "/etc/ssh/ssh_host_ed25519_key.pub",
		  KEY_ED25519 " root@h\n", 0644);
	host_file(f, "/etc/dropbear/dropbear_ed25519_host_key",
		  "system-key-bytes", 0600);
	host_file(f, "/sys/class/net/eth0/operstate", "up\n", 0644);
	host_symlink(f, "/sys/class/net/eth0/device/driver/module",
		     "../../../../module/e1000e");
	host_file(f, "/sys/class/net/lo/operstate", "unknown\n", 0644);
	host_file(f, "/proc/meminfo", "MemTotal:        4000000 kB\n", 0644);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->root, "/tmp/test_audit_checks.XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	audit_image_init(&f->img);
	audit_report_init(&f->rep);
	f->in.img = &f->img;
	f->in.host_root = f->root;
	f->in.cmdline = "";
	clean_image(f);
	clean_host(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	audit_image_free(&f->img);
	audit_report_free(&f->rep);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

static void dump(const struct audit_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		fprintf(stderr, "  finding %s %s: %s\n", r->v[i].check->id,
			r->v[i].subject, r->v[i].message);
}

/* Runs every check; exactly n findings, all of id. */
static void expect(struct fx *f, const char *id, size_t n)
{
	assert_int_equal(audit_run(&f->in, &f->rep), 0);
	if (audit_count_id(&f->rep, id) != n || f->rep.n != n)
		dump(&f->rep);
	assert_int_equal(audit_count_id(&f->rep, id), n);
	assert_int_equal(f->rep.n, n);
}

static void test_clean(void **state)
{
	struct fx *f = *state;

	assert_int_equal(audit_run(&f->in, &f->rep), 0);
	dump(&f->rep);
	assert_int_equal(f->rep.n, 0);
}

/* ---- host ---- */

static void image_file(struct fx *f, mode_t mode)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/images/initrd.img", f->root);
	host_file(f, "/images/initrd.img", "x", mode);
	assert_int_equal(chmod(f->root, 0700), 0);
	snprintf(path, sizeof(path), "%s/images", f->root);
	assert_int_equal(chmod(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/images/initrd.img", f->root);
	f->in.image_path = path;
}

static void test_image_mode(void **state)
{
	struct fx *f = *state;

	image_file(f, 0640);
	expect(f, "image-mode", 1);
}

static void test_image_mode_clean(void **state)
{
	struct fx *f = *state;

	image_file(f, 0600);
	expect(f, "image-mode", 0);
}

static void test_image_owner(void **state)
{
	struct fx *f = *state;

	if (geteuid() != 0)
		skip();
	image_file(f, 0600);
	assert_int_equal(chown(f->in.image_path, 65534, 65534), 0);
	expect(f, "image-owner", 1);
}

static void test_image_dir(void **state)
{
	struct fx *f = *state;
	char dir[PATH_MAX];

	image_file(f, 0600);
	snprintf(dir, sizeof(dir), "%s/images", f->root);
	assert_int_equal(chmod(dir, 0777), 0);
	expect(f, "image-dir", 1);
	/* A sticky directory (like /tmp) keeps others from replacing it. */
	audit_report_free(&f->rep);
	assert_int_equal(chmod(dir, 01777), 0);
	expect(f, "image-dir", 0);
}

static void test_image_dir_build(void **state)
{
	struct fx *f = *state;
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/out", f->root);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0770), 0);
	f->in.output_dir = dir;
	expect(f, "image-dir", 1);
	audit_report_free(&f->rep);
	assert_int_equal(chmod(dir, 0755), 0);
	expect(f, "image-dir", 0);
}

static const char mountinfo_fmt[] =
    "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
    "36 22 8:1 / /boot/efi rw,relatime shared:2 - vfat /dev/sda1 "
    "rw,fmask=%s,dmask=%s,codepage=437,errors=remount-ro\n";

static void test_boot_fs_mode(void **state)
{
	struct fx *f = *state;
	char mi[512];

	snprintf(mi, sizeof(mi), mountinfo_fmt, "0022", "0022");
	host_file(f, "/proc/self/mountinfo", mi, 0644);
	expect(f, "boot-fs-mode", 1);
}

static void test_boot_fs_mode_clean(void **state)
{
	struct fx *f = *state;
	char mi[512];

	snprintf(mi, sizeof(mi), mountinfo_fmt, "0077", "0077");
	host_file(f, "/proc/self/mountinfo", mi, 0644);
	expect(f, "boot-fs-mode", 0);
}

/* A real (tiny) sesame image in /boot, then its mode. */
static void boot_copy(struct fx *f, mode_t mode, const char *member)
{
	struct image_list l;
	struct cpio_opts o = {.compress = CPIO_GZIP};
	struct cpio_stats st;
	char path[PATH_MAX];

	list_init(&l);
	assert_int_equal(list_add_data(&l, member, "x", 1, 0644), 0);
	assert_int_equal(list_finish(&l), 0);
	snprintf(path, sizeof(path), "%s/boot", f->root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/boot/initrd.img-6.1.0", f->root);
	assert_int_equal(cpio_write_image(&l, path, &o, &st), 0);
	assert_int_equal(chmod(path, mode), 0);
	list_free(&l);
}

static void test_boot_image_readable(void **state)
{
	struct fx *f = *state;

	boot_copy(f, 0644, "/etc/sesame/boot.conf");
	expect(f, "boot-image-readable", 1);
}

static void test_boot_image_readable_clean(void **state)
{
	struct fx *f = *state;

	boot_copy(f, 0600, "/etc/sesame/boot.conf");
	expect(f, "boot-image-readable", 0);
	/* Someone else's initrd, readable as Debian makes it: not ours. */
	boot_copy(f, 0644, "/etc/other.conf");
	expect(f, "boot-image-readable", 0);
}

/* ---- image ---- */

static void test_image_setuid(void **state)
{
	struct fx *f = *state;

	put(f, "/bin/su", S_IFREG | 04755, "x");
	expect(f, "image-setuid", 1);
}

static void test_image_world_writable(void **state)
{
	struct fx *f = *state;

	put(f, "/etc/motd", S_IFREG | 0666, "x");
	put(f, "/run", S_IFDIR | 0777, NULL);
	expect(f, "image-world-writable", 2);
}

static void test_hostkey_mode(void **state)
{
	struct fx *f = *state;

	put(f, "/etc/dropbear/dropbear_ed25519_host_key", S_IFREG | 0644,
	    "image-key-bytes");
	expect(f, "hostkey-mode", 1);
}

/* An empty shadow file (no data at all) has no accounts. */
static void test_password_login_empty(void **state)
{
	struct fx *f = *state;

	put(f, "/etc/shadow", S_IFREG | 0600, NULL);
	expect(f, "password-login", 0);
}

static void test_password_login(void **state)
{
	struct fx *f = *state;

	put(f, "/etc/shadow", S_IFREG | 0600,
	    "root:$6$salt$hash:19000:0:99999:7:::\nnobody:*:19000::::::\n"
	    "daemon:!:19000::::::\n");
	put(f, "/etc/passwd", S_IFREG | 0644,
	    "root:x:0:0:root:/root:/bin/sh\nguest::1000:1000::/:/bin/sh\n");
	expect(f, "password-login", 2);
}

/* ---- keys ---- */

static void test_hostkey_system_openssh(void **state)
{
	struct fx *f = *state;

	host_file(f, "/etc/ssh/ssh_host_ecdsa_key.pub",
		  KEY_ECDSA256 " root@host\n", 0644);
	expect(f, "hostkey-system", 1);
}

static void test_hostkey_system_dropbear(void **state)
{
	struct fx *f = *state;

	host_file(f, "/etc/dropbear/dropbear_ed25519_host_key",
		  "image-key-bytes", 0600);
	expect(f, "hostkey-system", 1);
}

static void test_hostkey_weak_type(void **state)
{
	struct fx *f = *state;

	put(f, "/etc/dropbear/dropbear_dss_host_key", S_IFREG | 0600, "k");
	put(f, "/etc/sesame/host_keys.pub", S_IFREG | 0644,
	    KEY_ECDSA256 " sesame\n" KEY_RSA2048 " sesame\n");
	expect(f, "hostkey-weak-type", 2);
}

static void test_hostkey_host_mode(void **state)
{
	struct fx *f = *state;

	host_file(f, "/etc/sesame/keys/dropbear_ed25519_host_key", "k", 0644);
	host_file(f, "/etc/sesame/keys/dropbear_ed25519_host_key.pub", "k",
		  0644);
	expect(f, "hostkey-host-mode", 1);
	audit_report_free(&f->rep);
	host_file(f, "/etc/sesame/keys/dropbear_ed25519_host_key", "k", 0600);
	expect(f, "hostkey-host-mode", 0);
}

static void test_authkeys_none(void **state)
{
	struct fx *f = *state;

	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600, "# nothing\n");
	expect(f, "authkeys-none", 1);
}

static void test_authkeys_none_missing(void **state)
{
	struct fx *f = *state;
	struct audit_image img2;

	audit_image_init(&img2);
	for (size_t i = 0; i < f->img.n; i++)
		if (strcmp(f->img.v[i].name, "/root/.ssh/authorized_keys"))
			assert_int_equal(
			    audit_image_put(&img2, f->img.v[i].name,
					    strlen(f->img.v[i].name),
					    f->img.v[i].mode, 0, 0,
					    f->img.v[i].data, f->img.v[i].len),
			    0);
	f->in.img = &img2;
	expect(f, "authkeys-none", 1);
	f->in.img = &f->img;
	audit_image_free(&img2);
}

static void test_authkey_rescue(void **state)
{
	struct fx *f = *state;

	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600,
	    "no-agent-forwarding " KEY_ED25519 " rescuer\n");
	assert_int_equal(audit_run(&f->in, &f->rep), 0);
	assert_int_equal(audit_count_id(&f->rep, "authkey-rescue"), 1);
	/* A shell key reachable from anywhere: the info finding too. */
	assert_int_equal(audit_count_id(&f->rep, "authkey-no-from"), 1);
	assert_int_equal(f->rep.n, 2);
}

static void test_authkey_no_from_clean(void **state)
{
	struct fx *f = *state;

	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600,
	    "from=\"10.0.0.0/8\",no-agent-forwarding " KEY_ED25519 " r\n");
	expect(f, "authkey-rescue", 1); /* and no authkey-no-from */
}

static void test_authkey_rsa_short(void **state)
{
	struct fx *f = *state;

	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600,
	    UNLOCK_OPTS KEY_RSA2048 " a\n" UNLOCK_OPTS KEY_RSA1024
				    " b\n" UNLOCK_OPTS KEY_RSA3072 " c\n");
	expect(f, "authkey-rsa-short", 2);
}

static void test_authkey_dsa(void **state)
{
	struct fx *f = *state;

	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600,
	    UNLOCK_OPTS KEY_ED25519 " a\n" UNLOCK_OPTS KEY_DSA " b\n");
	expect(f, "authkey-dsa", 1);
}

static void test_authkey_duplicate(void **state)
{
	struct fx *f = *state;

	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600,
	    UNLOCK_OPTS KEY_ED25519 " a\n" UNLOCK_OPTS KEY_ECDSA256
				    " b\n" UNLOCK_OPTS KEY_ED25519 " again\n");
	expect(f, "authkey-duplicate", 1);
}

static void test_authkey_unknown(void **state)
{
	struct fx *f = *state;

	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600,
	    UNLOCK_OPTS KEY_ED25519 " a\n"
				    "ssh-ed25519 AAAA+broken\n"
				    "garbage\n"
				    "command=\"unterminated " KEY_ED25519 "\n"
				    "ssh-foo AAAAB3Nz x\n");
	expect(f, "authkey-unknown", 4);
}

static void test_authkey_forwarding(void **state)
{
	struct fx *f = *state;

	put(f, "/root/.ssh/authorized_keys", S_IFREG | 0600,
	    "command=\"/bin/unlock\",no-port-forwarding " KEY_ED25519 " a\n"
	    "restrict,command=\"/bin/unlock\" " KEY_ECDSA256 " b\n");
	expect(f, "authkey-forwarding", 1);
}

/* ---- dropbear ---- */

static void old_dropbear(struct fx *f)
{
	put(f, "/usr/sbin/dropbear", S_IFREG | 0755,
	    "\x7f"
	    "ELF SSH-2.0-dropbear_ SSH-2.0-dropbear_2022.83\r\n");
}

static void changelog(struct fx *f, const char *text)
{
	char cmd[PATH_MAX * 2];

	host_file(f, "/usr/share/doc/dropbear-bin/changelog.Debian", text,
		  0644);
	snprintf(cmd, sizeof(cmd),
		 "gzip -9n '%s/usr/share/doc/dropbear-bin/changelog.Debian'",
		 f->root);
	assert_int_equal(system(cmd), 0);
}

static void test_dropbear_cve_no_changelog(void **state)
{
	struct fx *f = *state;

	old_dropbear(f);
	expect(f, "dropbear-cve", 1);
	assert_non_null(strstr(f->rep.v[0].message, "CVE-2023-48795"));
	assert_non_null(strstr(f->rep.v[0].message, "no package changelog"));
}

static void test_dropbear_cve_not_backported(void **state)
{
	struct fx *f = *state;

	old_dropbear(f);
	/* A similar number is not the CVE. */
	changelog(f, "dropbear (2022.83-1+deb12u9) bookworm\n"
		     "  * Fix CVE-2023-487950, CVE-2023-4879 and "
		     "XCVE-2023-487951CVE-2023-48795.\n");
	expect(f, "dropbear-cve", 1);
	assert_non_null(strstr(f->rep.v[0].message, "does not mention"));
}

static void test_dropbear_cve_backported(void **state)
{
	struct fx *f = *state;

	old_dropbear(f);
	changelog(f, "dropbear (2022.83-1+deb12u1) bookworm; urgency=medium\n\n"
		     "  * Fix CVE-2023-48795: (terrapin attack)\n");
	expect(f, "dropbear-cve", 0);
}

static void test_dropbear_cve_ancient(void **state)
{
	struct fx *f = *state;

	put(f, "/usr/sbin/dropbear", S_IFREG | 0755,
	    "SSH-2.0-dropbear_2016.73");
	expect(f, "dropbear-cve", 3);
}

static void test_dropbear_version_unknown(void **state)
{
	struct fx *f = *state;

	put(f, "/usr/sbin/dropbear", S_IFREG | 0755, "ELF no banner here");
	expect(f, "dropbear-version-unknown", 1);
}

/* ---- keyfiles ---- */

static void test_keyfile_embedded(void **state)
{
	struct fx *f = *state;

	put(f, "/etc/crypttab", S_IFREG | 0644,
	    "# name dev key opts\n"
	    "root UUID=1234 /etc/keys/root.key luks\n"
	    "data UUID=5678 none luks\n"
	    "swap /dev/sdb2 /dev/urandom swap\n");
	put(f, "/etc/keys/root.key", S_IFREG | 0600, "secret");
	put(f, "/etc/cryptsetup-keys.d/data.key", S_IFREG | 0600, "secret");
	expect(f, "keyfile-embedded", 2);
}

static void test_keyfile_embedded_luks_key(void **state)
{
	struct fx *f = *state;

	put(f, "/k.bin", S_IFREG | 0600, "secret");
	f->in.cmdline = "rd.luks.key=/k.bin:UUID=1234";
	expect(f, "keyfile-embedded", 1);
}

static void test_keyfile_host_readable(void **state)
{
	struct fx *f = *state;

	host_file(f, "/etc/crypttab",
		  "a UUID=1 /etc/keys/a.key luks\nb UUID=2 /etc/keys/b.key "
		  "luks\nc UUID=3 none luks\nd UUID=4 /etc/keys/d.key luks\n",
		  0644);
	host_file(f, "/etc/keys/a.key", "s", 0644);
	host_file(f, "/etc/keys/b.key", "s", 0400);
	host_file(f, "/etc/keys/d.key", "s", 0640); /* group-readable too */
	expect(f, "keyfile-host-readable", 2);
}

/* ---- boot ---- */

static void test_boot_shell(void **state)
{
	struct fx *f = *state;

	f->in.cmdline = "quiet rd.shell";
	expect(f, "boot-shell", 1);
	audit_report_free(&f->rep);
	f->in.cmdline = "rd.shell rd.shell=0";
	expect(f, "boot-shell", 0);
	audit_report_free(&f->rep);
	put(f, "/etc/sesame/boot.conf", S_IFREG | 0644,
	    "# comment rd.shell\nsesame.emergency=shell\n");
	f->in.cmdline = "";
	expect(f, "boot-shell", 1);
}

static void test_boot_break(void **state)
{
	struct fx *f = *state;

	f->in.cmdline = "root=/dev/sda1 rd.break=pre-mount";
	expect(f, "boot-break", 1);
}

static void test_boot_init_override(void **state)
{
	struct fx *f = *state;

	f->in.cmdline = "init=/bin/sh";
	expect(f, "boot-init-override", 1);
	audit_report_free(&f->rep);
	/* After "--" the words are init's arguments, not parameters. */
	f->in.cmdline = "quiet -- init=/bin/sh";
	expect(f, "boot-init-override", 0);
}

static void test_boot_cmdline_from_proc(void **state)
{
	struct fx *f = *state;

	f->in.cmdline = NULL;
	host_file(f, "/proc/cmdline", "BOOT_IMAGE=/vmlinuz rd.break\n", 0444);
	expect(f, "boot-break", 1);
}

static void test_bootloader_unlocked(void **state)
{
	struct fx *f = *state;

	host_file(f, "/boot/grub/grub.cfg", "menuentry 'Debian' {\n}\n", 0600);
	expect(f, "bootloader-unlocked", 1);
	audit_report_free(&f->rep);
	host_file(f, "/boot/grub/grub.cfg",
		  "set superusers=\"root\"\npassword_pbkdf2 root grub.pbkdf2."
		  "sha512.10000.AB\nmenuentry 'Debian' {\n}\n",
		  0600);
	expect(f, "bootloader-unlocked", 0);
}

#define SB_VAR                                                                 \
	"/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-"        \
	"00e098032b8c"

static void secureboot(struct fx *f, char value)
{
	char path[PATH_MAX], cmd[PATH_MAX * 3];

	snprintf(path, sizeof(path), "%s" SB_VAR, f->root);
	snprintf(
	    cmd, sizeof(cmd),
	    "mkdir -p \"$(dirname '%s')\" && printf '\\006\\0\\0\\0\\%03o' "
	    ">'%s'",
	    path, value, path);
	assert_int_equal(system(cmd), 0);
}

static void test_secureboot_initrd(void **state)
{
	struct fx *f = *state;

	image_file(f, 0600);
	secureboot(f, 1);
	expect(f, "secureboot-initrd-unsigned", 1);
	audit_report_free(&f->rep);
	secureboot(f, 0);
	expect(f, "secureboot-initrd-unsigned", 0);
}

static void test_unlock_attempts(void **state)
{
	struct fx *f = *state;

	f->in.cmdline = "sesame.luks_tries=11";
	expect(f, "unlock-attempts", 1);
	audit_report_free(&f->rep);
	f->in.cmdline = "sesame.luks_tries=10";
	expect(f, "unlock-attempts", 0);
}

/* ---- net ---- */

static void test_ssh_listen_all(void **state)
{
	struct fx *f = *state;

	f->in.cmdline = "ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none";
	expect(f, "ssh-listen-all", 1);
	audit_report_free(&f->rep);
	f->in.cmdline = "ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none "
			"sesame.ssh_listen=192.0.2.10:22";
	expect(f, "ssh-listen-all", 0);
	audit_report_free(&f->rep);
	f->in.cmdline = "ip=[2001:db8::10]::[2001:db8::1]:64::eth0:none "
			"sesame.ssh_listen=0.0.0.0:22";
	expect(f, "ssh-listen-all", 1);
}

static void test_net_dhcp_hostname(void **state)
{
	struct fx *f = *state;

	f->in.cmdline = "sesame.hostname=vault";
	expect(f, "net-dhcp-hostname", 1);
	audit_report_free(&f->rep);
	f->in.cmdline = "ip=:::::eth0:dhcp";
	expect(f, "net-dhcp-hostname", 0);
	audit_report_free(&f->rep);
	f->in.cmdline = "ip=::::vault:eth0:dhcp";
	expect(f, "net-dhcp-hostname", 1);
	audit_report_free(&f->rep);
	/* A static address: no DHCP request to carry the name. */
	f->in.cmdline =
	    "ip=192.0.2.10::192.0.2.1:255.255.255.0:vault:eth0:none "
	    "sesame.ssh_listen=192.0.2.10:22";
	expect(f, "net-dhcp-hostname", 0);
}

static void test_net_driver_missing(void **state)
{
	struct fx *f = *state;

	host_file(f, "/sys/class/net/eth1/operstate", "up\n", 0644);
	host_symlink(f, "/sys/class/net/eth1/device/driver/module",
		     "../../../../module/igb");
	/* Down, or virtual: not asked for. */
	host_file(f, "/sys/class/net/eth2/operstate", "down\n", 0644);
	host_symlink(f, "/sys/class/net/eth2/device/driver/module",
		     "../../../../module/ixgbe");
	expect(f, "net-driver-missing", 1);
	assert_string_equal(f->rep.v[0].subject, "eth1");
}

static void test_net_driver_builtin(void **state)
{
	struct fx *f = *state;

	host_file(f, "/sys/class/net/eth1/operstate", "up\n", 0644);
	host_symlink(f, "/sys/class/net/eth1/device/driver/module",
		     "../../../../module/virtio_net");
	host_file(f, "/lib/modules/6.1.0-test/modules.builtin",
		  "kernel/drivers/net/virtio-net.ko\n", 0644);
	expect(f, "net-driver-missing", 0);
}

/* ---- modules and firmware ---- */

/* Bytes compressed by a command (xz, zstd) into the image under name. */
static void put_compressed(struct fx *f, const char *name, const char *cmd,
			   const char *data)
{
	char path[PATH_MAX], sh[PATH_MAX * 2];
	FILE *fp;
	char buf[4096];
	size_t n;

	snprintf(path, sizeof(path), "%s/compressed", f->root);
	snprintf(sh, sizeof(sh), "printf '%%s' '%s' | %s > '%s'", data, cmd,
		 path);
	assert_int_equal(system(sh), 0);
	assert_non_null(fp = fopen(path, "rb"));
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_int_equal(audit_image_put(&f->img, name, strlen(name),
					 S_IFREG | 0644, 0, 0, buf, n),
			 0);
}

#define SIGNED "elf~Module signature appended~\n"

static void test_modules_unsigned(void **state)
{
	struct fx *f = *state;

	put(f, "/lib/modules/6.1.0-test/kernel/signed.ko", S_IFREG | 0644,
	    SIGNED);
	put_compressed(f, "/lib/modules/6.1.0-test/kernel/signed2.ko.xz",
		       "xz -c", SIGNED);
	put_compressed(f, "/lib/modules/6.1.0-test/kernel/unsigned.ko.xz",
		       "xz -c", "elf, no signature");
	/* e1000e.ko of the clean image is unsigned too. */
	f->in.cmdline = "module.sig_enforce=1";
	expect(f, "modules-unsigned", 2);
	audit_report_free(&f->rep);
	/* The running kernel's parameter says the same. */
	f->in.cmdline = "";
	host_file(f, "/sys/module/module/parameters/sig_enforce", "Y\n", 0444);
	expect(f, "modules-unsigned", 2);
	audit_report_free(&f->rep);
	host_file(f, "/sys/module/module/parameters/sig_enforce", "N\n", 0444);
	expect(f, "modules-unsigned", 0);
}

static void firmware_driver(struct fx *f)
{
	static const char ko[] = "elf\0license=GPL\0firmware=e1000e/"
				 "fw.bin\0firmware=e1000e/absent.bin\0x";

	assert_int_equal(
	    audit_image_put(
		&f->img, "/lib/modules/6.1.0-test/kernel/drivers/net/e1000e.ko",
		52, S_IFREG | 0644, 0, 0, ko, sizeof(ko)),
	    0);
}

static void test_net_firmware_missing(void **state)
{
	struct fx *f = *state;

	firmware_driver(f);
	host_file(f, "/lib/firmware/e1000e/fw.bin", "fw", 0644);
	expect(f, "net-firmware-missing", 1);
	assert_string_equal(f->rep.v[0].subject, "eth0");
	assert_non_null(strstr(f->rep.v[0].message, "e1000e/fw.bin"));
}

static void test_net_firmware_present(void **state)
{
	struct fx *f = *state;

	firmware_driver(f);
	host_file(f, "/lib/firmware/e1000e/fw.bin", "fw", 0644);
	put(f, "/lib/firmware/e1000e/fw.bin.xz", S_IFREG | 0644, "fw");
	expect(f, "net-firmware-missing", 0);
}

static void test_net_no_static_fallback(void **state)
{
	struct fx *f = *state;

	host_file(f, "/etc/network/interfaces",
		  "auto lo\niface lo inet loopback\n"
		  "iface eth0 inet static\n  address 192.0.2.10/24\n",
		  0644);
	expect(f, "net-no-static-fallback", 1);
	audit_report_free(&f->rep);
	f->in.cmdline = "ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none "
			"sesame.ssh_listen=192.0.2.10:22";
	expect(f, "net-no-static-fallback", 0);
}

static void test_net_no_static_fallback_networkd(void **state)
{
	struct fx *f = *state;

	host_file(f, "/etc/systemd/network/10-lan.network",
		  "[Match]\nName=eth0\n[Network]\nDHCP=yes\n", 0644);
	expect(f, "net-no-static-fallback", 0);
	host_file(f, "/etc/systemd/network/20-wan.network",
		  "[Match]\nName=eth1\n[Network]\n  Address=192.0.2.10/24\n",
		  0644);
	expect(f, "net-no-static-fallback", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_clean),
	    T(test_image_mode),
	    T(test_image_mode_clean),
	    T(test_image_owner),
	    T(test_image_dir),
	    T(test_image_dir_build),
	    T(test_boot_fs_mode),
	    T(test_boot_fs_mode_clean),
	    T(test_boot_image_readable),
	    T(test_boot_image_readable_clean),
	    T(test_image_setuid),
	    T(test_image_world_writable),
	    T(test_hostkey_mode),
	    T(test_password_login),
	    T(test_password_login_empty),
	    T(test_hostkey_system_openssh),
	    T(test_hostkey_system_dropbear),
	    T(test_hostkey_weak_type),
	    T(test_hostkey_host_mode),
	    T(test_authkeys_none),
	    T(test_authkeys_none_missing),
	    T(test_authkey_rescue),
	    T(test_authkey_no_from_clean),
	    T(test_authkey_rsa_short),
	    T(test_authkey_dsa),
	    T(test_authkey_duplicate),
	    T(test_authkey_unknown),
	    T(test_authkey_forwarding),
	    T(test_dropbear_cve_no_changelog),
	    T(test_dropbear_cve_not_backported),
	    T(test_dropbear_cve_backported),
	    T(test_dropbear_cve_ancient),
	    T(test_dropbear_version_unknown),
	    T(test_keyfile_embedded),
	    T(test_keyfile_embedded_luks_key),
	    T(test_keyfile_host_readable),
	    T(test_boot_shell),
	    T(test_boot_break),
	    T(test_boot_init_override),
	    T(test_boot_cmdline_from_proc),
	    T(test_bootloader_unlocked),
	    T(test_secureboot_initrd),
	    T(test_unlock_attempts),
	    T(test_ssh_listen_all),
	    T(test_net_dhcp_hostname),
	    T(test_net_driver_missing),
	    T(test_net_driver_builtin),
	    T(test_modules_unsigned),
	    T(test_net_firmware_missing),
	    T(test_net_firmware_present),
	    T(test_net_no_static_fallback),
	    T(test_net_no_static_fallback_networkd),
#undef T
	};

	log_set_max_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
