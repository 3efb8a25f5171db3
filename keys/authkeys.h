/* authkeys: the admin's authorized_keys, checked, given roles, and rendered for
 * the image's dropbear. */
#ifndef SESAME_KEYS_AUTHKEYS_H
#define SESAME_KEYS_AUTHKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The program unlock keys are forced into (the sshd area installs it). */
#define AUTHKEYS_UNLOCK_COMMAND "/bin/unlock"
/* The admin's file when `sesame build` is given none. */
#define AUTHKEYS_DEFAULT_PATH "/etc/sesame/authorized_keys"
/* Where the builder writes authkeys_render()'s text in the image, 0600. */
#define AUTHKEYS_IMAGE_PATH "/root/.ssh/authorized_keys"
/* Input limits: a bigger file or more keys is an error. */
#define AUTHKEYS_FILE_MAX (1u << 20)
#define AUTHKEYS_KEYS_MAX 1024
/*
 * dropbear 2022.83 reads authorized_keys lines into a 4200-byte buffer and
 * reads the rest of a longer line as a new line; every rendered line stays
 * below this.
 */
#define AUTHKEYS_RENDER_LINE_MAX 4096

/*
 * A key's role, chosen by the sesame-specific option "sesame-role=unlock"
 * or "sesame-role=rescue" (quoted or not) in the options field. Never by
 * the comment: comments are often written by whoever generated the key.
 */
enum authkeys_role {
	AUTHKEYS_ROLE_UNLOCK, /* the default: forced into the unlock program */
	AUTHKEYS_ROLE_RESCUE, /* a shell; the user's dropbear options kept */
};

struct authkeys_config {
	/* Absolute path without quotes, backslashes or control characters;
	 * NULL for AUTHKEYS_UNLOCK_COMMAND. */
	const char *unlock_command;
	/*
	 * Add no-pty to unlock keys. Off by default (a zeroed or NULL config):
	 * OpenSSH's client closes a -t/-tt session whose pty is refused, so
	 * a no-pty unlock key cannot unlock interactively with ssh -tt; the
	 * pty such a key gets holds only the forced command (docs/unlock.md,
	 * "The pty question"). `sesame build --unlock-no-pty` sets it.
	 */
	bool unlock_no_pty;
};

/* One accepted key; read-only for callers. */
struct authkeys_key {
	unsigned line; /* in the source file */
	enum authkeys_role role;
	const char *type;  /* static: "ssh-ed25519" */
	const char *label; /* static: "ED25519" */
	unsigned bits;
	uint8_t *blob;
	size_t blob_len;
	char *base64;  /* canonical base64 of blob */
	char *options; /* as rendered for dropbear; "" for none */
	char *comment; /* control characters replaced by '?'; "" for none */
};

struct authkeys;

/*
 * Parses an authorized_keys text (sshd(8), AUTHORIZED_KEYS FILE FORMAT) of
 * len bytes; it need not be NUL-terminated and may hold NUL bytes.
 * filename only names the source in messages. Every refused line is
 * logged as "filename:line: reason" and parsing goes on, so one run lists
 * every problem; then the call fails with -EBADMSG. A text without any key
 * fails with -ENOKEY ("no authorized keys"); an unusable config with
 * -EINVAL. Warnings (an option dropped or replaced, a short RSA key, a
 * duplicate) are logged and do not fail. cfg may be NULL.
 *
 * Unlock keys are rendered with exactly: command="<unlock>", no-pty
 * (only with cfg->unlock_no_pty), no-port-forwarding, no-agent-forwarding,
 * no-X11-forwarding (plus the
 * FIDO options verify-required / no-touch-required when given). A user's
 * command= or permitopen= on an unlock key is replaced, with a warning.
 * Options dropbear cannot enforce (from=, expiry-time=, principals=,
 * cert-authority; for rescue keys also permitlisten= and tunnel=) refuse the
 * key, since dropping them would widen access.
 */
int authkeys_parse(const char *buf, size_t len, const char *filename,
		   const struct authkeys_config *cfg, struct authkeys **akp);

/* Reads path (at most AUTHKEYS_FILE_MAX bytes) and parses it. */
int authkeys_parse_file(const char *path, const struct authkeys_config *cfg,
			struct authkeys **akp);

size_t authkeys_count(const struct authkeys *ak);
/* Keys with the given role. */
size_t authkeys_count_role(const struct authkeys *ak, enum authkeys_role role);
/* The i-th key in file order, or NULL past the end. */
const struct authkeys_key *authkeys_get(const struct authkeys *ak, size_t i);

/*
 * The authorized_keys text for the image: a header comment, then one line
 * per key ("OPTIONS TYPE BASE64 COMMENT\n"), malloc'd, NUL-terminated
 * (*lenp without the NUL). Same input, same bytes.
 */
int authkeys_render(const struct authkeys *ak, char **textp, size_t *lenp);

void authkeys_free(struct authkeys *ak);

#endif
