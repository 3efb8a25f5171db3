/* test_audit_luks: LUKS header checks on headers in plain files (read only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <libcryptsetup.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "common/log.h"

#define UUID "6ed4b0a1-5c3a-4f39-9d47-2b1e8f0c7a11"

struct fx {
	char root[64];
	char dev[128];
	struct audit_report rep;
	struct audit_inputs in;
};

struct luks_spec {
	const char *type; /* CRYPT_LUKS1 or CRYPT_LUKS2 */
	const char *cipher, *mode;
	size_t key_bytes;
	const char *pbkdf, *hash;
	uint32_t iterations, memory_kib;
	const char *token_json;
};

static void make_luks(const char *path, const struct luks_spec *s)
{
	struct crypt_device *cd = NULL;
	struct crypt_pbkdf_type pb = {
	    .type = s->pbkdf,
	    .hash = s->hash,
	    .iterations = s->iterations,
	    .max_memory_kb = s->memory_kib,
	    .parallel_threads = s->memory_kib ? 1 : 0,
	    .flags = CRYPT_PBKDF_NO_BENCHMARK,
	};
	struct crypt_params_luks1 p1 = {.hash = s->hash};
	struct crypt_params_luks2 p2 = {.pbkdf = &pb, .sector_size = 512};
	int fd;

	fd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 20 << 20), 0);
	close(fd);
	assert_int_equal(crypt_init(&cd, path), 0);
	assert_int_equal(crypt_set_pbkdf_type(cd, &pb), 0);
	assert_int_equal(
	    crypt_format(
		cd, s->type, s->cipher, s->mode, UUID, NULL, s->key_bytes,
		strcmp(s->type, CRYPT_LUKS1) ? (void *)&p2 : (void *)&p1),
	    0);
	assert_true(crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0,
						    "pass", 4) >= 0);
	if (s->token_json)
		assert_true(crypt_token_json_set(cd, CRYPT_ANY_TOKEN,
						 s->token_json) >= 0);
	crypt_free(cd);
}

/* Argon2id with 8 MiB, AES-XTS with a 512-bit key: nothing to find. */
static const struct luks_spec good = {
    CRYPT_LUKS2, "aes", "xts-plain64", 64,   CRYPT_KDF_ARGON2ID,
    "sha256",	 4,	8192,	       NULL,
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->root, "/tmp/test_audit_luks.XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->dev, sizeof(f->dev), "%s/disk.img", f->root);
	audit_report_init(&f->rep);
	f->in.host_root = f->root;
	f->in.cmdline = "";
	f->in.target_mem_kib = 1024 * 1024;
	f->in.pbkdf2_min = 1000;
	f->in.devices[0] = f->dev;
	f->in.n_devices = 1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	audit_report_free(&f->rep);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

static void run(struct fx *f)
{
	assert_int_equal(audit_run(&f->in, &f->rep), 0);
	for (size_t i = 0; i < f->rep.n; i++)
		fprintf(stderr, "  finding %s %s: %s\n", f->rep.v[i].check->id,
			f->rep.v[i].subject, f->rep.v[i].message);
}

static void test_clean(void **state)
{
	struct fx *f = *state;

	make_luks(f->dev, &good);
	run(f);
	assert_int_equal(f->rep.n, 0);
}

static void test_argon2_memory(void **state)
{
	struct fx *f = *state;

	make_luks(f->dev, &good);
	f->in.target_mem_kib = 4096; /* a 4 MiB target: 8 MiB do not fit */
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks-argon2-memory"), 1);
	assert_int_equal(f->rep.n, 1);
}

static void test_argon2_memory_from_meminfo(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];
	FILE *fp;

	make_luks(f->dev, &good);
	f->in.target_mem_kib = 0;
	snprintf(path, sizeof(path), "%s/proc", f->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/meminfo", f->root);
	assert_non_null(fp = fopen(path, "w"));
	fputs("MemTotal:           4000 kB\nMemFree:   100 kB\n", fp);
	fclose(fp);
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks-argon2-memory"), 1);
}

static void test_luks1_pbkdf2(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = {
	    CRYPT_LUKS1, "aes", "xts-plain64", 64, CRYPT_KDF_PBKDF2, "sha256",
	    1000,	 0,	NULL};

	make_luks(f->dev, &s);
	f->in.pbkdf2_min = 100000;
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks1"), 1);
	assert_int_equal(audit_count_id(&f->rep, "luks-pbkdf2-weak"), 1);
	assert_int_equal(f->rep.n, 2);
}

static void test_pbkdf2_enough(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = {
	    CRYPT_LUKS2, "aes", "xts-plain64", 64, CRYPT_KDF_PBKDF2, "sha256",
	    5000,	 0,	NULL};

	make_luks(f->dev, &s);
	f->in.pbkdf2_min = 5000;
	run(f);
	assert_int_equal(f->rep.n, 0);
}

/* cryptsetup's own benchmark (2 s of PBKDF2) is far above 1000. */
static void test_pbkdf2_benchmark(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = {
	    CRYPT_LUKS2, "aes", "xts-plain64", 64, CRYPT_KDF_PBKDF2, "sha256",
	    1000,	 0,	NULL};

	make_luks(f->dev, &s);
	f->in.pbkdf2_min = 0;
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks-pbkdf2-weak"), 1);
	assert_int_equal(f->rep.n, 1);
}

static void test_weak_cipher_cbc(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = good;

	s.mode = "cbc-plain";
	s.key_bytes = 32;
	make_luks(f->dev, &s);
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks-weak-cipher"), 1);
	assert_int_equal(f->rep.n, 1);
}

static void test_weak_cipher_xts128(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = good;

	s.key_bytes = 32;
	make_luks(f->dev, &s);
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks-weak-cipher"), 1);
	assert_int_equal(f->rep.n, 1);
}

static void test_weak_hash(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = {
	    CRYPT_LUKS2, "aes", "xts-plain64", 64, CRYPT_KDF_PBKDF2, "sha1",
	    1000,	 0,	NULL};

	make_luks(f->dev, &s);
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks-weak-cipher"), 1);
	assert_int_equal(f->rep.n, 1);
}

static void test_token(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = good;

	s.token_json = "{\"type\":\"clevis\",\"keyslots\":[\"0\"]}";
	make_luks(f->dev, &s);
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks-token"), 1);
	assert_non_null(strstr(f->rep.v[0].message, "clevis"));
	assert_int_equal(f->rep.n, 1);
}

/* Devices named by rd.luks.uuid= and by crypttab, below the host root. */
static void by_uuid_link(struct fx *f)
{
	char path[PATH_MAX], cmd[PATH_MAX * 3];

	snprintf(path, sizeof(path), "%s/dev/disk/by-uuid", f->root);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && ln -s '%s' '%s/" UUID "'",
		 path, f->dev, path);
	assert_int_equal(system(cmd), 0);
	f->in.n_devices = 0;
}

static void test_device_from_cmdline(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = {
	    CRYPT_LUKS1, "aes", "xts-plain64", 64, CRYPT_KDF_PBKDF2, "sha256",
	    1000,	 0,	NULL};

	make_luks(f->dev, &s);
	by_uuid_link(f);
	f->in.cmdline = "rd.luks.uuid=luks-" UUID;
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks1"), 1);
	assert_int_equal(f->rep.n, 1);
}

static void test_device_from_crypttab(void **state)
{
	struct fx *f = *state;
	struct luks_spec s = {
	    CRYPT_LUKS1, "aes", "xts-plain64", 64, CRYPT_KDF_PBKDF2, "sha256",
	    1000,	 0,	NULL};
	char path[PATH_MAX];
	FILE *fp;

	make_luks(f->dev, &s);
	by_uuid_link(f);
	snprintf(path, sizeof(path), "%s/etc", f->root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/crypttab", f->root);
	assert_non_null(fp = fopen(path, "w"));
	fputs("# <target> <source> <key> <options>\n"
	      "root_crypt UUID=" UUID " none luks,discard\n",
	      fp);
	fclose(fp);
	run(f);
	assert_int_equal(audit_count_id(&f->rep, "luks1"), 1);
	assert_int_equal(f->rep.n, 1);
}

static void test_not_luks(void **state)
{
	struct fx *f = *state;
	FILE *fp;

	assert_non_null(fp = fopen(f->dev, "w"));
	fputs("LUKS\xba\xbe but not really", fp);
	fclose(fp);
	run(f);
	assert_int_equal(f->rep.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	    T(test_clean),
	    T(test_argon2_memory),
	    T(test_argon2_memory_from_meminfo),
	    T(test_luks1_pbkdf2),
	    T(test_pbkdf2_enough),
	    T(test_pbkdf2_benchmark),
	    T(test_weak_cipher_cbc),
	    T(test_weak_cipher_xts128),
	    T(test_weak_hash),
	    T(test_token),
	    T(test_device_from_cmdline),
	    T(test_device_from_crypttab),
	    T(test_not_luks),
#undef T
	};

	log_set_max_level(LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
