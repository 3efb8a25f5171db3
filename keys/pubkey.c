/* pubkey: checks SSH public key blobs and their base64 through a bounded
 * cursor. */
#include "keys/pubkey.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/ecp.h>

#include "common/cursor.h"

enum pubkey_kind {
	KIND_ED25519,
	KIND_ECDSA,
	KIND_RSA,
};

struct pubkey_type {
	const char *name;
	const char *label;
	enum pubkey_kind kind;
	unsigned bits; /* fixed size; RSA is measured */
	bool sk;       /* FIDO: an application string follows */
	/* ECDSA: the curve inside the blob, the uncompressed point's length
	 * (0x04 || X || Y) and the mbedtls group */
	const char *curve;
	size_t point_len;
	int group;
};

/* What dropbear 2022.83 accepts in authorized_keys (signkey.c), minus DSS. */
static const struct pubkey_type pubkey_types[] = {
    {.name = "ssh-ed25519",
     .label = "ED25519",
     .kind = KIND_ED25519,
     .bits = 256},
    {.name = "sk-ssh-ed25519@openssh.com",
     .label = "ED25519-SK",
     .kind = KIND_ED25519,
     .bits = 256,
     .sk = true},
    {.name = "ecdsa-sha2-nistp256",
     .label = "ECDSA",
     .kind = KIND_ECDSA,
     .bits = 256,
     .curve = "nistp256",
     .point_len = 65,
     .group = MBEDTLS_ECP_DP_SECP256R1},
    {.name = "ecdsa-sha2-nistp384",
     .label = "ECDSA",
     .kind = KIND_ECDSA,
     .bits = 384,
     .curve = "nistp384",
     .point_len = 97,
     .group = MBEDTLS_ECP_DP_SECP384R1},
    {.name = "ecdsa-sha2-nistp521",
     .label = "ECDSA",
     .kind = KIND_ECDSA,
     .bits = 521,
     .curve = "nistp521",
     .point_len = 133,
     .group = MBEDTLS_ECP_DP_SECP521R1},
    {.name = "sk-ecdsa-sha2-nistp256@openssh.com",
     .label = "ECDSA-SK",
     .kind = KIND_ECDSA,
     .bits = 256,
     .sk = true,
     .curve = "nistp256",
     .point_len = 65,
     .group = MBEDTLS_ECP_DP_SECP256R1},
    {.name = "ssh-rsa", .label = "RSA", .kind = KIND_RSA},
};

#define ED25519_KEY_LEN 32
#define CERT_SUFFIX "-cert-v01@openssh.com"

static const struct pubkey_type *pubkey_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(pubkey_types) / sizeof(pubkey_types[0]);
	     i++)
		if (strlen(pubkey_types[i].name) == len &&
		    memcmp(pubkey_types[i].name, name, len) == 0)
			return &pubkey_types[i];
	return NULL;
}

int pubkey_lookup_type(const char *name, size_t len, const char **typep,
		       const char **labelp)
{
	const struct pubkey_type *t = pubkey_find(name, len);
	size_t slen = strlen(CERT_SUFFIX);

	if (t) {
		*typep = t->name;
		*labelp = t->label;
		return 0;
	}
	/* DSA is 1024-bit only and gone from OpenSSH; dropbear has no certs. */
	if ((len == 7 && memcmp(name, "ssh-dss", 7) == 0) ||
	    (len > slen && memcmp(name + len - slen, CERT_SUFFIX, slen) == 0))
		return -EPROTONOSUPPORT;
	return -ENOENT;
}

/* An SSH "string" (RFC 4251 5): uint32 length, then that many bytes. */
static int pubkey_read_string(struct cursor *c, struct cursor *s)
{
	struct cursor save = *c;
	uint32_t n;
	int r;

	if ((r = cursor_be32(c, &n)) < 0)
		return r;
	if ((r = cursor_take(c, n, s)) < 0) {
		*c = save; /* a failed read consumes nothing */
		return r;
	}
	return 0;
}

static bool cursor_equals(const struct cursor *s, const char *str)
{
	return s->left == strlen(str) && memcmp(s->p, str, s->left) == 0;
}

/*
 * An mpint (RFC 4251 5) that must be positive and minimally encoded;
 * *bitsp gets its bit length.
 */
static int pubkey_read_mpint(struct cursor *c, unsigned *bitsp)
{
	struct cursor m;
	unsigned bits;
	uint8_t top;
	int r;

	if ((r = pubkey_read_string(c, &m)) < 0)
		return r;
	if (m.left == 0 || m.p[0] & 0x80)
		return -EBADMSG; /* zero or negative */
	if (m.p[0] == 0) {
		if (m.left == 1 || !(m.p[1] & 0x80))
			return -EBADMSG; /* a superfluous leading zero */
		m.p++;
		m.left--;
	}
	if (m.left > PUBKEY_RSA_MAX_BITS / 8 + 1)
		return -EKEYREJECTED;
	bits = (unsigned)m.left * 8;
	for (top = m.p[0]; !(top & 0x80); top <<= 1)
		bits--;
	if (!(m.p[m.left - 1] & 1))
		return -EBADMSG; /* RSA's e and n are odd */
	*bitsp = bits;
	return 0;
}

/* SEC1 3.2.2.1: the point lies on the curve (dropbear could not load it). */
static int pubkey_check_point(int group, const struct cursor *q)
{
	mbedtls_ecp_group grp;
	mbedtls_ecp_point pt;
	int r = 0;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&pt);
	if (mbedtls_ecp_group_load(&grp, (mbedtls_ecp_group_id)group) != 0)
		r = -EPROTONOSUPPORT;
	else if (mbedtls_ecp_point_read_binary(&grp, &pt, q->p, q->left) != 0 ||
		 mbedtls_ecp_check_pubkey(&grp, &pt) != 0)
		r = -EBADMSG;
	mbedtls_ecp_point_free(&pt);
	mbedtls_ecp_group_free(&grp);
	return r;
}

static int pubkey_check_rsa(struct cursor *c, unsigned *bitsp)
{
	unsigned ebits, nbits;
	int r;

	/* RFC 4253 6.6: string "ssh-rsa", mpint e, mpint n. */
	if ((r = pubkey_read_mpint(c, &ebits)) < 0)
		return r;
	if (ebits < 2 || ebits > 64)
		return -EBADMSG; /* e = 1, or wider than dropbear takes */
	if ((r = pubkey_read_mpint(c, &nbits)) < 0)
		return r;
	if (nbits < PUBKEY_RSA_MIN_BITS || nbits > PUBKEY_RSA_MAX_BITS)
		return -EKEYREJECTED;
	*bitsp = nbits;
	return 0;
}

int pubkey_check_blob(const uint8_t *blob, size_t len, struct pubkey_info *info)
{
	struct cursor c = cursor_make(blob, len), name, s;
	const struct pubkey_type *t;
	unsigned bits;
	int r;

	if (len > PUBKEY_BLOB_MAX)
		return -EBADMSG;
	if ((r = pubkey_read_string(&c, &name)) < 0)
		return r;
	t = pubkey_find((const char *)name.p, name.left);
	if (!t) {
		const char *tn, *tl;
		r = pubkey_lookup_type((const char *)name.p, name.left, &tn,
				       &tl);
		return r == -EPROTONOSUPPORT ? r : -EBADMSG;
	}
	bits = t->bits;
	switch (t->kind) {
	case KIND_ED25519:
		/* RFC 8709 4: string key, exactly 32 bytes. */
		if ((r = pubkey_read_string(&c, &s)) < 0)
			return r;
		if (s.left != ED25519_KEY_LEN)
			return -EBADMSG;
		break;
	case KIND_ECDSA:
		/* RFC 5656 3.1: string curve, string Q (SEC1 2.3.3). */
		if ((r = pubkey_read_string(&c, &s)) < 0)
			return r;
		if (!cursor_equals(&s, t->curve))
			return -EBADMSG;
		if ((r = pubkey_read_string(&c, &s)) < 0)
			return r;
		if (s.left != t->point_len || s.p[0] != 0x04)
			return -EBADMSG;
		if ((r = pubkey_check_point(t->group, &s)) < 0)
			return r;
		break;
	case KIND_RSA:
		if ((r = pubkey_check_rsa(&c, &bits)) < 0)
			return r;
		break;
	}
	/* PROTOCOL.u2f: FIDO keys end with the application string. */
	if (t->sk && (r = pubkey_read_string(&c, &s)) < 0)
		return r;
	if (c.left != 0)
		return -EBADMSG;
	info->type = t->name;
	info->label = t->label;
	info->bits = bits;
	info->security_key = t->sk;
	return 0;
}

int pubkey_encode_base64(const uint8_t *blob, size_t len, char **b64p)
{
	size_t need = 0, olen;
	char *out;

	if (len > PUBKEY_BLOB_MAX)
		return -E2BIG;
	/* With no room, mbedtls reports the size needed (with the NUL). */
	mbedtls_base64_encode(NULL, 0, &need, blob, len);
	if (need == 0)
		return -EINVAL;
	out = malloc(need);
	if (!out)
		return -ENOMEM;
	if (mbedtls_base64_encode((unsigned char *)out, need, &olen, blob,
				  len) != 0) {
		free(out);
		return -EINVAL;
	}
	out[olen] = '\0';
	*b64p = out;
	return 0;
}

int pubkey_decode_base64(const char *b64, size_t len, uint8_t **blobp,
			 size_t *lenp)
{
	uint8_t *blob = NULL;
	char *again = NULL;
	size_t olen = 0;
	int r;

	/* 4 characters per 3 bytes; anything longer cannot be a key we take. */
	if (len == 0 || len % 4 != 0 || len / 4 * 3 > PUBKEY_BLOB_MAX + 2)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		char ch = b64[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '+' || ch == '/' ||
		      (ch == '=' && i + 2 >= len)))
			return -EBADMSG;
	}
	blob = malloc(len / 4 * 3);
	if (!blob)
		return -ENOMEM;
	if (mbedtls_base64_decode(blob, len / 4 * 3, &olen,
				  (const unsigned char *)b64, len) != 0 ||
	    olen == 0 || olen > PUBKEY_BLOB_MAX) {
		r = -EBADMSG;
		goto out;
	}
	/* Canonical form only: padding and trailing bits as an encoder makes.
	 */
	if ((r = pubkey_encode_base64(blob, olen, &again)) < 0)
		goto out;
	if (strlen(again) != len || memcmp(again, b64, len) != 0) {
		r = -EBADMSG;
		goto out;
	}
	*blobp = blob;
	*lenp = olen;
	blob = NULL;
	r = 0;
out:
	free(again);
	free(blob);
	return r;
}

int pubkey_decode_line(const char *line, size_t len, uint8_t **blobp,
		       size_t *lenp, struct pubkey_info *info)
{
	struct pubkey_info pi;
	const char *type, *label;
	size_t tlen = 0, b0, blen = 0, bloblen;
	uint8_t *blob = NULL;
	int r;

	while (tlen < len && line[tlen] != ' ' && line[tlen] != '\t')
		tlen++;
	if ((r = pubkey_lookup_type(line, tlen, &type, &label)) < 0)
		return r;
	b0 = tlen;
	while (b0 < len && (line[b0] == ' ' || line[b0] == '\t'))
		b0++;
	if (b0 == tlen)
		return -EBADMSG;
	while (b0 + blen < len && line[b0 + blen] != ' ' &&
	       line[b0 + blen] != '\t' && line[b0 + blen] != '\n')
		blen++;
	if ((r = pubkey_decode_base64(line + b0, blen, &blob, &bloblen)) < 0)
		goto out;
	if ((r = pubkey_check_blob(blob, bloblen, &pi)) < 0)
		goto out;
	if (strcmp(pi.type, type) != 0) {
		r = -EBADMSG; /* the line says one type, the blob another */
		goto out;
	}
	*blobp = blob;
	*lenp = bloblen;
	*info = pi;
	blob = NULL;
out:
	free(blob);
	return r;
}
