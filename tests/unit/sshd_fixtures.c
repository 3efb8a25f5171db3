/* sshd_fixtures: LUKS headers in plain files and loopback ports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libcryptsetup.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tests/unit/sshd_fixtures.h"

/* A header in a 20 MiB file: type, pb's PBKDF, one key slot for pass. */
static void fixture_format(const char *path, const char *type,
			   struct crypt_pbkdf_type *pb, const char *uuid,
			   const char *pass)
{
	struct crypt_device *cd = NULL;
	struct crypt_params_luks1 p1 = {.hash = "sha256"};
	struct crypt_params_luks2 p2 = {.pbkdf = pb, .sector_size = 512};
	int luks1 = !strcmp(type, CRYPT_LUKS1);
	int fd;

	fd = open(path, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 20 << 20), 0);
	close(fd);
	assert_int_equal(crypt_init(&cd, path), 0);
	assert_int_equal(crypt_set_pbkdf_type(cd, pb), 0);
	assert_int_equal(crypt_format(cd, luks1 ? CRYPT_LUKS1 : CRYPT_LUKS2,
				      "aes", "xts-plain64", uuid, NULL, 64,
				      luks1 ? (void *)&p1 : (void *)&p2),
			 0);
	assert_true(crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0,
						    pass, strlen(pass)) >= 0);
	crypt_free(cd);
}

/* An Argon2id PBKDF of memory_kb, 4 passes, 1 thread, no benchmark. */
static struct crypt_pbkdf_type fixture_argon2_pbkdf(unsigned memory_kb)
{
	struct crypt_pbkdf_type pb = {
	    .type = CRYPT_KDF_ARGON2ID,
	    .hash = "sha256",
	    .iterations = 4,
	    .max_memory_kb = memory_kb,
	    .parallel_threads = 1,
	    .flags = CRYPT_PBKDF_NO_BENCHMARK,
	};

	return pb;
}

void fixture_luks_image(const char *path, const char *type, const char *pbkdf,
			const char *uuid, const char *pass)
{
	struct crypt_pbkdf_type pb = {
	    .type = pbkdf,
	    .hash = "sha256",
	    .iterations = 1000,
	    .flags = CRYPT_PBKDF_NO_BENCHMARK,
	};

	if (strcmp(pbkdf, CRYPT_KDF_PBKDF2))
		pb = fixture_argon2_pbkdf(64);
	fixture_format(path, type, &pb, uuid, pass);
}

void fixture_luks_argon2(const char *path, const char *uuid, const char *pass,
			 unsigned memory_kb)
{
	struct crypt_pbkdf_type pb = fixture_argon2_pbkdf(memory_kb);

	fixture_format(path, CRYPT_LUKS2, &pb, uuid, pass);
}

int fixture_luks_add_argon2(const char *path, const char *pass,
			    const char *new_pass, unsigned memory_kb)
{
	struct crypt_device *cd = NULL;
	struct crypt_pbkdf_type pb = fixture_argon2_pbkdf(memory_kb);
	int k;

	assert_int_equal(crypt_init(&cd, path), 0);
	assert_int_equal(crypt_load(cd, CRYPT_LUKS2, NULL), 0);
	assert_int_equal(crypt_set_pbkdf_type(cd, &pb), 0);
	k = crypt_keyslot_add_by_passphrase(
	    cd, CRYPT_ANY_SLOT, pass, strlen(pass), new_pass, strlen(new_pass));
	assert_true(k >= 0);
	crypt_free(cd);
	return k;
}

int fixture_free_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), p;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	p = ntohs(sa.sin_port);
	close(fd);
	return p;
}
