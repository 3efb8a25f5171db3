/* sshd_fixtures: LUKS headers in plain files and loopback ports, shared by
 * the sshd test suites. */
#ifndef SESAME_SSHD_FIXTURES_H
#define SESAME_SSHD_FIXTURES_H

/*
 * A 20 MiB file holding a LUKS header (type CRYPT_LUKS1 or CRYPT_LUKS2) of
 * the given UUID with one keyslot for pass; pbkdf CRYPT_KDF_PBKDF2 (1000
 * iterations) or Argon2 (4 iterations, 64 KiB) keeps it fast. No
 * device-mapper is needed. Fails the test on any error.
 */
void fixture_luks_image(const char *path, const char *type, const char *pbkdf,
			const char *uuid, const char *pass);
/*
 * A LUKS2 header like fixture_luks_image()'s with one Argon2id key slot (4
 * iterations, one thread) wanting memory_kb of memory.
 */
void fixture_luks_argon2(const char *path, const char *uuid, const char *pass,
			 unsigned memory_kb);
/* Adds an Argon2id key slot (memory_kb) for new_pass, unlocked by pass;
 * returns its number. */
int fixture_luks_add_argon2(const char *path, const char *pass,
			    const char *new_pass, unsigned memory_kb);
/* A TCP port on 127.0.0.1 that was free a moment ago, or -1. */
int fixture_free_port(void);

#endif
