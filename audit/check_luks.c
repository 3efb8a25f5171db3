/* check_luks: keyfiles, and the LUKS headers the image will unlock, read
 * with libcryptsetup (read-only: crypt_load, never an activation). */
#include <errno.h>
#include <libcryptsetup.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/params.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"

#define LUKS_TOKENS_MAX 32
/* cryptsetup's default --iter-time (ms) for new keyslots. */
#define LUKS_ITER_TIME_MS 2000

/*
 * crypttab(5): "NAME DEVICE KEYFILE OPTIONS" per line, '#' comments. fn gets
 * the device and key fields (copied, at most 255 bytes each).
 */
static void crypttab_each(const char *buf, size_t len,
			  void (*fn)(const char *dev, const char *key,
				     void *arg),
			  void *arg)
{
	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t l = nl ? (size_t)(nl - buf) : len;
		char line[1024], f[4][256] = {{0}};
		int n;

		if (l < sizeof(line)) {
			memcpy(line, buf, l);
			line[l] = '\0';
			n = sscanf(line, "%255s %255s %255s %255s", f[0], f[1],
				   f[2], f[3]);
			if (n >= 2 && f[0][0] != '#')
				fn(f[1], n >= 3 ? f[2] : "", arg);
		}
		buf += l + (nl != NULL);
		len -= l + (nl != NULL);
	}
}

static bool crypttab_no_key(const char *key)
{
	return !key[0] || !strcmp(key, "none") || !strcmp(key, "-");
}

/* ---- keyfiles ------------------------------------------------------------ */

struct keyfile_state {
	const struct audit_inputs *in;
	struct audit_report *r;
	const char *origin;
};

static void keyfile_in_image(const char *dev, const char *key, void *arg)
{
	struct keyfile_state *s = arg;
	const struct audit_entry *e;

	(void)dev;
	if (crypttab_no_key(key) || key[0] != '/')
		return;
	if ((e = audit_image_get(s->in->img, key)) && S_ISREG(e->mode))
		audit_add(s->r, "keyfile-embedded", key,
			  "named as a keyfile in the image's %s", s->origin);
}

static void keyfile_on_host(const char *dev, const char *key, void *arg)
{
	struct keyfile_state *s = arg;
	char path[PATH_MAX];
	struct stat st;

	(void)dev;
	if (crypttab_no_key(key) || key[0] != '/' ||
	    audit_host_path(s->in, key, path, sizeof(path)) < 0 ||
	    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	if (st.st_mode & 0044)
		audit_add(s->r, "keyfile-host-readable", key,
			  "mode %04o, named in /etc/crypttab",
			  (unsigned)(st.st_mode & 07777));
}

static void luks_check_keyfiles(const struct audit_inputs *in,
				const struct audit_params *p,
				struct audit_report *r)
{
	struct keyfile_state s = {in, r, "/etc/crypttab"};
	const struct audit_entry *ct;
	char path[PATH_MAX];
	char *buf;
	size_t len;

	if (in->img) {
		if ((ct = audit_image_get(in->img, "/etc/crypttab")) &&
		    ct->data)
			crypttab_each((const char *)ct->data, ct->len,
				      keyfile_in_image, &s);
		if (p->luks_key) {
			/* rd.luks.key=PATH[:DEVICE] (systemd-cryptsetup-
			 * generator(8)) */
			char key[256];
			snprintf(key, sizeof(key), "%s", p->luks_key_path);
			char *c = strchr(key, ':');
			if (c)
				*c = '\0';
			s.origin = "rd.luks.key";
			keyfile_in_image(NULL, key, &s);
		}
		for (size_t i = 0; i < in->img->n; i++) {
			const struct audit_entry *e = &in->img->v[i];
			if (S_ISREG(e->mode) &&
			    str_startswith(e->name, "/etc/cryptsetup-keys.d/"))
				audit_add(r, "keyfile-embedded", e->name,
					  "in the image's "
					  "/etc/cryptsetup-keys.d");
		}
	}
	if (audit_host_path(in, "/etc/crypttab", path, sizeof(path)) == 0 &&
	    file_read_all(path, 1u << 20, &buf, &len) == 0) {
		crypttab_each(buf, len, keyfile_on_host, &s);
		free(buf);
	}
}

/* ---- LUKS headers -------------------------------------------------------- */

struct luks_state {
	const struct audit_inputs *in;
	struct audit_report *r;
	uint64_t target_kib;
	char devs[AUDIT_MAX_DEVICES * 2][PATH_MAX];
	size_t n;
};

static void luks_add_device(struct luks_state *s, const char *spec)
{
	char rel[PATH_MAX];

	if (s->n == sizeof(s->devs) / sizeof(s->devs[0]))
		return;
	if (str_startswith(spec, "UUID="))
		snprintf(rel, sizeof(rel), "/dev/disk/by-uuid/%s", spec + 5);
	else if (spec[0] == '/')
		snprintf(rel, sizeof(rel), "%s", spec);
	else
		return;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->devs[i], rel))
			return;
	if (audit_host_path(s->in, rel, s->devs[s->n], PATH_MAX) == 0)
		s->n++;
}

static void luks_crypttab_dev(const char *dev, const char *key, void *arg)
{
	(void)key;
	luks_add_device(arg, dev);
}

/* MemTotal of host_root/proc/meminfo (proc(5)), in KiB; 0 if unknown. */
static uint64_t luks_mem_total(const struct audit_inputs *in)
{
	char path[PATH_MAX];
	char *buf = NULL, *m;
	size_t len;
	uint64_t kib = 0;

	if (audit_host_path(in, "/proc/meminfo", path, sizeof(path)) < 0 ||
	    file_read_all(path, 1u << 20, &buf, &len) < 0)
		return 0;
	if ((m = strstr(buf, "MemTotal:")))
		kib = strtoull(m + 9, NULL, 10);
	free(buf);
	return kib;
}

static bool luks_weak_hash(const char *h)
{
	static const char *const weak[] = {"sha1", "md5", "ripemd160"};

	for (size_t i = 0; h && i < sizeof(weak) / sizeof(weak[0]); i++)
		if (!strcmp(h, weak[i]))
			return true;
	return false;
}

/* cryptsetup's choice today for this hash: the benchmark, or --pbkdf2-min. */
static uint32_t luks_pbkdf2_target(const struct audit_inputs *in,
				   struct crypt_device *cd, const char *hash)
{
	struct crypt_pbkdf_type pb = {
	    .type = CRYPT_KDF_PBKDF2,
	    .hash = hash,
	    .time_ms = LUKS_ITER_TIME_MS,
	};

	if (in->pbkdf2_min)
		return (uint32_t)in->pbkdf2_min;
	if (crypt_benchmark_pbkdf(cd, &pb, "sesame-audit", 12,
				  "0123456789abcdef0123456789abcdef", 32, 64,
				  NULL, NULL) < 0)
		return 0;
	return pb.iterations;
}

static void luks_check_cipher(struct crypt_device *cd, const char *dev,
			      struct audit_report *r)
{
	const char *c = crypt_get_cipher(cd), *m = crypt_get_cipher_mode(cd);
	int ks = crypt_get_volume_key_size(cd);

	if (!c || !m)
		return;
	if (!strcmp(c, "cipher_null") || str_startswith(m, "ecb") ||
	    !strcmp(m, "cbc-plain") || !strcmp(m, "cbc-plain64"))
		audit_add(r, "luks-weak-cipher", dev, "cipher %s-%s", c, m);
	else if (str_startswith(m, "xts") && ks > 0 && ks < 64)
		audit_add(r, "luks-weak-cipher", dev,
			  "%s-%s with a %d-bit key: %d-bit %s", c, m, ks * 8,
			  ks * 4, c);
}

static void luks_check_device(struct luks_state *s, const char *dev)
{
	struct crypt_device *cd = NULL;
	const char *type;
	int r;

	if ((r = crypt_init(&cd, dev)) < 0 ||
	    (r = crypt_load(cd, CRYPT_LUKS, NULL)) < 0) {
		log_debug("audit: %s: not a LUKS device (%s)", dev,
			  strerror(-r));
		goto out;
	}
	type = crypt_get_type(cd);
	if (type && !strcmp(type, CRYPT_LUKS1))
		audit_add(s->r, "luks1", dev, "LUKS1 header");
	luks_check_cipher(cd, dev, s->r);
	for (int i = 0; type && i < crypt_keyslot_max(type); i++) {
		struct crypt_pbkdf_type pb;
		crypt_keyslot_info ki = crypt_keyslot_status(cd, i);
		char subj[PATH_MAX + 32];
		if (ki != CRYPT_SLOT_ACTIVE && ki != CRYPT_SLOT_ACTIVE_LAST)
			continue;
		if (crypt_keyslot_get_pbkdf(cd, i, &pb) < 0)
			continue;
		snprintf(subj, sizeof(subj), "%s keyslot %d", dev, i);
		if (!strcmp(pb.type, CRYPT_KDF_PBKDF2)) {
			uint32_t want = luks_pbkdf2_target(s->in, cd, pb.hash);
			if (want && pb.iterations < want)
				audit_add(s->r, "luks-pbkdf2-weak", subj,
					  "PBKDF2-%s with %u iterations; "
					  "cryptsetup would choose %u",
					  pb.hash, pb.iterations, want);
			if (luks_weak_hash(pb.hash))
				audit_add(s->r, "luks-weak-cipher", subj,
					  "PBKDF2 hash %s", pb.hash);
		} else if (s->target_kib && pb.max_memory_kb > s->target_kib) {
			audit_add(s->r, "luks-argon2-memory", subj,
				  "%s asks for %u KiB; the target has %llu "
				  "KiB",
				  pb.type, pb.max_memory_kb,
				  (unsigned long long)s->target_kib);
		}
	}
	for (int t = 0;
	     type && !strcmp(type, CRYPT_LUKS2) && t < LUKS_TOKENS_MAX; t++) {
		const char *tt = NULL;
		crypt_token_info ti = crypt_token_status(cd, t, &tt);
		char subj[PATH_MAX + 32];
		if (ti == CRYPT_TOKEN_INVALID || ti == CRYPT_TOKEN_INACTIVE)
			continue;
		snprintf(subj, sizeof(subj), "%s token %d", dev, t);
		audit_add(s->r, "luks-token", subj, "token of type %.60s",
			  tt ? tt : "?");
	}
out:
	crypt_free(cd);
}

/* A header that does not load is not a finding; libcryptsetup stays quiet. */
static void luks_quiet(int level, const char *msg, void *arg)
{
	(void)level;
	(void)arg;
	log_debug("libcryptsetup: %s", msg);
}

void audit_check_luks(const struct audit_inputs *in, struct audit_report *r)
{
	struct audit_params p;
	struct luks_state *s;
	char path[PATH_MAX];
	char *buf;
	size_t len;

	params_collect(in, &p);
	luks_check_keyfiles(in, &p, r);
	if (!(s = calloc(1, sizeof(*s)))) {
		r->error = -ENOMEM;
		return;
	}
	s->in = in;
	s->r = r;
	s->target_kib =
	    in->target_mem_kib ? in->target_mem_kib : luks_mem_total(in);
	for (size_t i = 0; i < in->n_devices; i++) {
		/* --device paths are the caller's, not below host_root. */
		if (s->n < sizeof(s->devs) / sizeof(s->devs[0]))
			snprintf(s->devs[s->n++], PATH_MAX, "%s",
				 in->devices[i]);
	}
	for (size_t i = 0; i < p.n_luks_uuids; i++) {
		char spec[80];
		snprintf(spec, sizeof(spec), "UUID=%s", p.luks_uuids[i]);
		luks_add_device(s, spec);
	}
	if (audit_host_path(in, "/etc/crypttab", path, sizeof(path)) == 0 &&
	    file_read_all(path, 1u << 20, &buf, &len) == 0) {
		crypttab_each(buf, len, luks_crypttab_dev, s);
		free(buf);
	}
	crypt_set_log_callback(NULL, luks_quiet, NULL);
	for (size_t i = 0; i < s->n; i++)
		if (access(s->devs[i], R_OK) == 0)
			luks_check_device(s, s->devs[i]);
	free(s);
}
