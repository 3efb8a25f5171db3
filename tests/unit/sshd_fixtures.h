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
/* A TCP port on 127.0.0.1 that was free a moment ago, or -1. */
int fixture_free_port(void);

#endif
