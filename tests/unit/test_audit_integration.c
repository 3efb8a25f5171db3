/* test_audit_integration: `sesame build` from a deliberately bad configuration
 * (20+ problems) and from a clean one; `sesame audit --json` must report each
 * problem once under its own ID and nothing else, and nothing for the clean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <libcryptsetup.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/dropbear_cve.h"
#include "common/fileio.h"
#include "keys/testkeys.h"

#define UUID "0b7e4b36-95b6-4b43-8d3c-1f1e1a0f4c21"

struct fx {
	char dir[64];
	char bin[PATH_MAX];
};

static char sesame[PATH_MAX];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(r > 0 && r < (int)sizeof(cmd));
	r = system(cmd);
	return WIFEXITED(r) ? WEXITSTATUS(r) : 255;
}

static void write_file(const char *dir, const char *rel, const char *text,
		       mode_t mode)
{
	char path[PATH_MAX];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(sh("mkdir -p \"$(dirname '%s')\"", path), 0);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static bool have(const char *prog)
{
	return sh("command -v %s >/dev/null 2>&1", prog) == 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char self[PATH_MAX];
	ssize_t n;

	if (!f)
		return -1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = '\0';
	/* build/tests/x -> build/bin/sesame (build/san/... under SAN=1) */
	snprintf(sesame, sizeof(sesame), "%s/../bin/sesame", dirname(self));
	if (access(sesame, X_OK) < 0) {
		fprintf(stderr, "missing %s\n", sesame);
		return -1;
	}
	strcpy(f->dir, "/tmp/test_audit_integration.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int r = sh("rm -rf '%s'", f->dir);

	free(f);
	return r == 0 ? 0 : -1;
}

static void make_luks(const char *path, const char *type, uint32_t mem_kib)
{
	struct crypt_device *cd = NULL;
	struct crypt_pbkdf_type pb = {
	    .type = mem_kib ? CRYPT_KDF_ARGON2ID : CRYPT_KDF_PBKDF2,
	    .hash = "sha256",
	    .iterations = mem_kib ? 4 : 1000,
	    .max_memory_kb = mem_kib,
	    .parallel_threads = mem_kib ? 1 : 0,
	    .flags = CRYPT_PBKDF_NO_BENCHMARK,
	};
	struct crypt_params_luks1 p1 = {.hash = "sha256"};
	struct crypt_params_luks2 p2 = {.pbkdf = &pb, .sector_size = 512};
	int fd;

	fd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 20 << 20), 0);
	close(fd);
	assert_int_equal(crypt_init(&cd, path), 0);
	assert_int_equal(crypt_set_pbkdf_type(cd, &pb), 0);
	assert_int_equal(
	    crypt_format(cd, type, "aes", "xts-plain64", UUID, NULL, 64,
			 strcmp(type, CRYPT_LUKS1) ? (void *)&p2 : (void *)&p1),
	    0);
	assert_true(crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0,
						    "pass", 4) >= 0);
	crypt_free(cd);
}

/* The host's dropbear predates the Terrapin fix (then the audit says so). */
static bool dropbear_before_terrapin(void)
{
	struct dropbear_version v, fixed = {2024, 84};
	char *buf;
	size_t len;
	bool before = false;

	if (file_read_all("/usr/sbin/dropbear", 16u << 20, &buf, &len) < 0)
		return false;
	if (dropbear_find_version((const uint8_t *)buf, len, &v) == 0)
		before = dropbear_version_cmp(&v, &fixed) < 0;
	free(buf);
	return before;
}

/* The ids of a JSON report, in order, as "id1 id2 ...". */
static void json_ids(const char *json, char *out, size_t size)
{
	static const char key[] = "{\"id\":\"";
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = json; (p = strstr(p, key)); p++) {
		const char *s = p + sizeof(key) - 1, *e = strchr(s, '"');
		assert_non_null(e);
		n += (size_t)snprintf(out + n, size - n, "%.*s ", (int)(e - s),
				      s);
		assert_true(n < size);
	}
}

static size_t count_word(const char *ids, const char *id)
{
	size_t n = 0, k = strlen(id);

	for (const char *p = ids; (p = strstr(p, id)); p += k)
		if ((p == ids || p[-1] == ' ') && p[k] == ' ')
			n++;
	return n;
}

static char *audit_json(struct fx *f, const char *args, int *status)
{
	char out[PATH_MAX];
	char *buf;
	size_t len;

	snprintf(out, sizeof(out), "%s/report.json", f->dir);
	*status = sh("'%s' audit --json %s >'%s'", sesame, args, out);
	assert_int_equal(file_read_all(out, 1u << 20, &buf, &len), 0);
	return buf;
}

static void skip_without_tools(void)
{
	if (!have("dropbear") && access("/usr/sbin/dropbear", X_OK) < 0)
		skip();
	if (!have("dropbearkey") || !have("gzip"))
		skip();
}

static void test_bad_configuration(void **state)
{
	static const char *const expected[] = {
	    "image-mode",	   "image-dir",
	    "image-setuid",	   "image-world-writable",
	    "hostkey-mode",	   "hostkey-system",
	    "hostkey-weak-type",   "authkey-rescue",
	    "authkey-no-from",	   "authkey-forwarding",
	    "authkey-rsa-short",   "password-login",
	    "keyfile-embedded",	   "keyfile-host-readable",
	    "boot-shell",	   "boot-break",
	    "unlock-attempts",	   "ssh-listen-all",
	    "net-driver-missing",  "boot-fs-mode",
	    "bootloader-unlocked", "luks1",
	};
	struct fx *f = *state;
	const char *d = f->dir;
	char ak[8192], ids[4096], args[4096];
	bool terrapin = dropbear_before_terrapin();
	size_t want = sizeof(expected) / sizeof(expected[0]) + terrapin;
	char *json;
	int status;

	skip_without_tools();
	/* The admin's side: a rescue key without restrictions, a short RSA. */
	snprintf(ak, sizeof(ak), "sesame-role=rescue %s rescuer\n%s short\n",
		 KEY_ED25519, KEY_RSA2048);
	write_file(d, "ak", ak, 0644);
	write_file(d, "su", "#!/bin/sh\n", 0755);
	write_file(d, "motd", "hello\n", 0644);
	write_file(d, "rsakey", "not really a key\n", 0600);
	write_file(d, "shadow", "root:$6$x$y:19000:0:99999:7:::\n", 0600);
	write_file(d, "root.key", "secret\n", 0600);
	assert_int_equal(mkdir(strcat(strcpy(args, d), "/out"), 0700), 0);
	assert_int_equal(
	    sh("'%s' build -q --no-modules --authorized-keys %s/ak "
	       "--keydir %s/keys -o %s/out/bad.img "
	       "-f %s/su:/bin/su2:4755 -f %s/motd:/etc/motd:0666 "
	       "-f %s/keys/dropbear_ed25519_host_key:/etc/dropbear/"
	       "dropbear_ed25519_host_key:0644 "
	       "-f %s/rsakey:/etc/dropbear/dropbear_rsa_host_key:0600 "
	       "-f %s/shadow:/etc/shadow:0600 "
	       "-f %s/root.key:/etc/keys/root.key:0600 "
	       "--set rd.luks.key=/etc/keys/root.key --set rd.shell=1 "
	       "--set rd.break=pre-mount --set sesame.luks_tries=100 "
	       "--set ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none "
	       "2>%s/build.log",
	       sesame, d, d, d, d, d, d, d, d, d, d),
	    0);
	assert_int_equal(
	    sh("chmod 0644 %s/out/bad.img && chmod 0777 %s/out", d, d), 0);
	/* The host's side, below a scratch root. */
	assert_int_equal(
	    sh("mkdir -p %s/root/etc/ssh && dropbearkey -y -f "
	       "%s/keys/dropbear_ed25519_host_key | grep '^ssh-ed25519' "
	       ">%s/root/etc/ssh/ssh_host_ed25519_key.pub",
	       d, d, d),
	    0);
	write_file(d, "root/sys/class/net/eth0/operstate", "up\n", 0644);
	assert_int_equal(sh("mkdir -p %s/root/sys/class/net/eth0/device/driver "
			    "&& ln -s ../../../../module/e1000e "
			    "%s/root/sys/class/net/eth0/device/driver/module",
			    d, d),
			 0);
	write_file(d, "root/etc/crypttab",
		   "root UUID=" UUID " /etc/keys/root.key luks\n", 0644);
	write_file(d, "root/etc/keys/root.key", "secret\n", 0644);
	write_file(d, "root/proc/self/mountinfo",
		   "40 1 8:1 / /boot rw - vfat /dev/sda1 "
		   "rw,fmask=0022,dmask=0022\n",
		   0644);
	write_file(d, "root/boot/grub/grub.cfg", "menuentry 'x' {\n}\n", 0644);
	write_file(d, "root/usr/share/doc/dropbear-bin/changelog.Debian",
		   "dropbear (2022.83-1) unstable\n  * New upstream.\n", 0644);
	assert_int_equal(sh("gzip -n %s/root/usr/share/doc/dropbear-bin/"
			    "changelog.Debian",
			    d),
			 0);
	snprintf(args, sizeof(args), "%s/luks1.img", d);
	make_luks(args, CRYPT_LUKS1, 0);

	snprintf(args, sizeof(args),
		 "--host-root %s/root --cmdline= --device %s/luks1.img "
		 "--pbkdf2-min 1000 --target-memory 1024 %s/out/bad.img",
		 d, d, d);
	json = audit_json(f, args, &status);
	json_ids(json, ids, sizeof(ids));
	fprintf(stderr, "ids: %s\n", ids);
	assert_int_equal(status, 1); /* errors among them */
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		if (count_word(ids, expected[i]) != 1)
			fail_msg("%s: %zu findings, want 1", expected[i],
				 count_word(ids, expected[i]));
	assert_int_equal(count_word(ids, "dropbear-cve"), terrapin);
	/* Nothing else: as many findings as expected ids. */
	{
		size_t n = 0;
		for (const char *p = ids; *p; p++)
			n += *p == ' ';
		assert_int_equal(n, want);
	}
	free(json);

	/* build --strict refuses the same configuration and writes nothing. */
	assert_int_equal(
	    sh("'%s' build -q --strict --no-modules --authorized-keys %s/ak "
	       "--keydir %s/keys -o %s/out/strict.img --set rd.shell=1 "
	       "2>%s/strict.log",
	       sesame, d, d, d, d),
	    1);
	assert_int_equal(sh("test ! -e %s/out/strict.img", d), 0);
	assert_int_equal(
	    sh("grep -q 'warning\\[boot-shell\\]' %s/strict.log", d), 0);
	assert_int_equal(sh("grep -q 'no image written' %s/strict.log", d), 0);
}

static void test_clean_configuration(void **state)
{
	struct fx *f = *state;
	const char *d = f->dir;
	char ak[4096], ids[4096], args[4096];
	char *json;
	int status;

	skip_without_tools();
	snprintf(ak, sizeof(ak), "%s admin\n", KEY_ED25519);
	write_file(d, "ak", ak, 0644);
	assert_int_equal(mkdir(strcat(strcpy(args, d), "/out"), 0700), 0);
	assert_int_equal(
	    sh("'%s' build -q --no-modules --authorized-keys %s/ak "
	       "--keydir %s/keys -o %s/out/clean.img "
	       "--set ip=192.0.2.10::192.0.2.1:255.255.255.0::eth0:none "
	       "--set sesame.ssh_listen=192.0.2.10:22 2>%s/build.log",
	       sesame, d, d, d, d),
	    0);
	write_file(d, "root/etc/ssh/ssh_host_ecdsa_key.pub",
		   KEY_ECDSA384 " root@host\n", 0644);
	write_file(d, "root/sys/class/net/lo/operstate", "unknown\n", 0644);
	write_file(d, "root/etc/crypttab", "root UUID=" UUID " none luks\n",
		   0644);
	write_file(d, "root/proc/self/mountinfo",
		   "40 1 8:1 / /boot/efi rw - vfat /dev/sda1 "
		   "rw,fmask=0077,dmask=0077\n",
		   0644);
	write_file(d, "root/boot/grub/grub.cfg",
		   "set superusers=\"root\"\npassword_pbkdf2 root grub.pbkdf2."
		   "sha512.10000.AA\n",
		   0644);
	write_file(d, "root/usr/share/doc/dropbear-bin/changelog.Debian",
		   "dropbear (2022.83-1+deb12u1) bookworm\n"
		   "  * Fix CVE-2023-48795: (terrapin attack)\n",
		   0644);
	assert_int_equal(sh("gzip -n %s/root/usr/share/doc/dropbear-bin/"
			    "changelog.Debian",
			    d),
			 0);
	snprintf(args, sizeof(args), "%s/luks2.img", d);
	make_luks(args, CRYPT_LUKS2, 8192);
	assert_int_equal(sh("mkdir -p %s/root/dev/disk/by-uuid && ln -s "
			    "%s/luks2.img %s/root/dev/disk/by-uuid/" UUID,
			    d, d, d),
			 0);

	snprintf(args, sizeof(args),
		 "--strict --host-root %s/root --cmdline= --target-memory 1024 "
		 "%s/out/clean.img",
		 d, d);
	json = audit_json(f, args, &status);
	json_ids(json, ids, sizeof(ids));
	if (ids[0])
		fprintf(stderr, "%s", json);
	assert_string_equal(ids, "");
	assert_int_equal(status, 0);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bad_configuration, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_clean_configuration, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
