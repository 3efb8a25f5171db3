/* check_keys: host keys, authorized keys and the dropbear in the image. */
#include <archive.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "audit/authscan.h"
#include "audit/dropbear_cve.h"
#include "common/fileio.h"
#include "common/strutil.h"
#include "keys/authkeys.h"
#include "keys/keys.h"

/* The system sshd's own host keys. */
#define AUDIT_SYSTEM_SSH_DIR "/etc/ssh"
#include "keys/pubkey.h"

bool audit_is_host_key(const char *name);

#define KEYFILE_MAX (64u << 10)

/* ---- host keys ---------------------------------------------------------- */

/* The public key lines of host_root/etc/ssh/ssh_host_*_key.pub, joined. */
static int keys_system_pub(const struct audit_inputs *in, char **textp,
			   size_t *lenp)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *d;
	char *text = NULL;
	size_t len = 0;
	DIR *dh;

	*textp = NULL;
	*lenp = 0;
	if (audit_host_path(in, AUDIT_SYSTEM_SSH_DIR, dir, sizeof(dir)) < 0 ||
	    !(dh = opendir(dir)))
		return 0;
	while ((d = readdir(dh))) {
		char *buf;
		size_t n;
		void *t;
		if (!str_startswith(d->d_name, "ssh_host_") ||
		    !strstr(d->d_name, "_key.pub"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (file_read_all(path, KEYFILE_MAX, &buf, &n) < 0)
			continue;
		if (!(t = realloc(text, len + n + 2))) {
			free(buf);
			break;
		}
		text = t;
		memcpy(text + len, buf, n);
		len += n;
		text[len++] = '\n';
		text[len] = '\0';
		free(buf);
	}
	closedir(dh);
	*textp = text;
	*lenp = len;
	return 0;
}

/* Calls fn with each decodable public key line of text. */
static void keys_each_pub(const char *text, size_t len,
			  void (*fn)(const uint8_t *blob, size_t n,
				     const struct pubkey_info *pi,
				     const char *line, void *arg),
			  void *arg)
{
	while (text && len) {
		const char *nl = memchr(text, '\n', len);
		size_t l = nl ? (size_t)(nl - text) : len;
		struct pubkey_info pi;
		uint8_t *blob;
		size_t n;
		if (pubkey_decode_line(text, l, &blob, &n, &pi) == 0) {
			fn(blob, n, &pi, text, arg);
			free(blob);
		}
		text += l + (nl != NULL);
		len -= l + (nl != NULL);
	}
}

struct keys_cmp {
	const uint8_t *blob;
	size_t n;
	bool same;
};

static void keys_cmp_one(const uint8_t *blob, size_t n,
			 const struct pubkey_info *pi, const char *line,
			 void *arg)
{
	struct keys_cmp *c = arg;

	(void)pi;
	(void)line;
	if (n == c->n && !memcmp(blob, c->blob, n))
		c->same = true;
}

struct keys_img {
	struct audit_report *r;
	const char *sys;
	size_t sys_len;
};

static void keys_img_one(const uint8_t *blob, size_t n,
			 const struct pubkey_info *pi, const char *line,
			 void *arg)
{
	struct keys_img *k = arg;
	struct keys_cmp c = {blob, n, false};

	(void)line;
	keys_each_pub(k->sys, k->sys_len, keys_cmp_one, &c);
	if (c.same)
		audit_add(k->r, "hostkey-system", KEYS_PUBLIC_IMAGE_PATH,
			  "the %s host key is also a host key of the system "
			  "(%s)",
			  pi->label, AUDIT_SYSTEM_SSH_DIR);
	if (!strcmp(pi->type, "ssh-rsa") && pi->bits < PUBKEY_RSA_GOOD_BITS)
		audit_add(k->r, "hostkey-weak-type", KEYS_PUBLIC_IMAGE_PATH,
			  "RSA host key of %u bits", pi->bits);
}

/* A private key file in the image equal, byte for byte, to one of the
 * system's dropbear keys. */
static void keys_check_dropbear_same(const struct audit_inputs *in,
				     const struct audit_entry *e,
				     struct audit_report *r)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *d;
	DIR *dh;

	if (audit_host_path(in, "/etc/dropbear", dir, sizeof(dir)) < 0 ||
	    !(dh = opendir(dir)))
		return;
	while ((d = readdir(dh))) {
		char *buf;
		size_t n;
		if (!strstr(d->d_name, "_host_key"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (file_read_all(path, KEYFILE_MAX, &buf, &n) < 0)
			continue;
		if (n == e->len && n && !memcmp(buf, e->data, n))
			audit_add(r, "hostkey-system", e->name,
				  "the same key as the system's dropbear "
				  "key /etc/dropbear/%s",
				  d->d_name);
		explicit_bzero(buf, n);
		free(buf);
	}
	closedir(dh);
}

static void keys_check_host_keys(const struct audit_inputs *in,
				 struct audit_report *r)
{
	struct audit_image *img = in->img;
	const struct audit_entry *pub;
	struct keys_img k = {.r = r};
	char *sys = NULL;

	for (size_t i = 0; i < img->n; i++) {
		const struct audit_entry *e = &img->v[i];
		const char *base = strrchr(e->name, '/') + 1;
		if (!S_ISREG(e->mode) || !audit_is_host_key(e->name))
			continue;
		if (strstr(base, "_dss_") || strstr(base, "_dsa_"))
			audit_add(r, "hostkey-weak-type", e->name,
				  "a DSA host key");
		else if (strstr(base, "_rsa_"))
			audit_add(r, "hostkey-weak-type", e->name,
				  "an RSA host key (prefer Ed25519)");
		keys_check_dropbear_same(in, e, r);
	}
	pub = audit_image_get(img, KEYS_PUBLIC_IMAGE_PATH);
	if (!pub || !pub->data)
		return;
	keys_system_pub(in, &sys, &k.sys_len);
	k.sys = sys;
	keys_each_pub((const char *)pub->data, pub->len, keys_img_one, &k);
	free(sys);
}

/* The build host's copy of the image keys (keydir). */
static void keys_check_keydir(const struct audit_inputs *in,
			      struct audit_report *r)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct dirent *d;
	struct stat st;
	DIR *dh;

	if (in->keydir)
		snprintf(dir, sizeof(dir), "%s", in->keydir);
	else if (audit_host_path(in, KEYS_DEFAULT_DIR, dir, sizeof(dir)) < 0)
		return;
	if (stat(dir, &st) < 0)
		return;
	if (st.st_mode & 0022)
		audit_add(r, "hostkey-host-mode", dir,
			  "mode %04o: writable by group or others",
			  (unsigned)(st.st_mode & 07777));
	if (!(dh = opendir(dir)))
		return;
	while ((d = readdir(dh))) {
		if (!strstr(d->d_name, "_host_key") ||
		    strstr(d->d_name, ".pub"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0077))
			audit_add(r, "hostkey-host-mode", path,
				  "mode %04o: readable by group or others",
				  (unsigned)(st.st_mode & 07777));
	}
	closedir(dh);
}

/* ---- authorized keys ------------------------------------------------------
 */

struct auth_state {
	struct audit_report *r;
	size_t keys;
	uint8_t *blobs[AUTHKEYS_KEYS_MAX];
	size_t lens[AUTHKEYS_KEYS_MAX];
	size_t n;
};

static int auth_line(const struct authscan_line *l, void *arg)
{
	struct auth_state *s = arg;
	struct authscan_opts o = {0};
	struct pubkey_info pi;
	const char *t, *label;
	uint8_t *blob = NULL;
	size_t n;
	char subj[64];
	int r;

	snprintf(subj, sizeof(subj), "%s:%u", AUTHKEYS_IMAGE_PATH, l->line);
	if (!l->type ||
	    (l->opts && authscan_options(l->opts, l->opts_len, &o) < 0)) {
		audit_add(s->r, "authkey-unknown", subj, "not a key line");
		return 0;
	}
	r = pubkey_lookup_type(l->type, l->type_len, &t, &label);
	if (r == -EPROTONOSUPPORT && l->type_len == 7 &&
	    !memcmp(l->type, "ssh-dss", 7)) {
		audit_add(s->r, "authkey-dsa", subj, "ssh-dss key");
		s->keys++;
		return 0;
	}
	if (r < 0) {
		audit_add(s->r, "authkey-unknown", subj,
			  "key type '%.*s' not accepted",
			  (int)(l->type_len > 40 ? 40 : l->type_len), l->type);
		return 0;
	}
	if (pubkey_decode_base64(l->b64, l->b64_len, &blob, &n) < 0) {
		audit_add(s->r, "authkey-unknown", subj, "bad base64");
		return 0;
	}
	r = pubkey_check_blob(blob, n, &pi);
	if (r == -EKEYREJECTED && !strcmp(t, "ssh-rsa")) {
		pi.type = t;
		pi.bits = 0;
	} else if (r < 0 || strcmp(pi.type, t)) {
		audit_add(s->r, "authkey-unknown", subj,
			  "the key does not decode as %s", t);
		free(blob);
		return 0;
	}
	s->keys++;
	if (!strcmp(pi.type, "ssh-rsa") && pi.bits < PUBKEY_RSA_GOOD_BITS) {
		if (pi.bits)
			audit_add(s->r, "authkey-rsa-short", subj,
				  "RSA key of %u bits", pi.bits);
		else
			audit_add(s->r, "authkey-rsa-short", subj,
				  "RSA key under %u bits", PUBKEY_RSA_MIN_BITS);
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->lens[i] == n && !memcmp(s->blobs[i], blob, n)) {
			audit_add(s->r, "authkey-duplicate", subj,
				  "the same key as an earlier line");
			break;
		}
	if (s->n < AUTHKEYS_KEYS_MAX) {
		s->blobs[s->n] = blob;
		s->lens[s->n++] = n;
		blob = NULL;
	}
	free(blob);
	if (!o.command) {
		audit_add(s->r, "authkey-rescue", subj,
			  "no command=: this key gets a shell");
		if (!o.from)
			audit_add(s->r, "authkey-no-from", subj,
				  "a shell key usable from any address");
	}
	if (!o.no_agent_forwarding && !o.restrict_)
		audit_add(s->r, "authkey-forwarding", subj,
			  "no no-agent-forwarding or restrict");
	return 0;
}

static void keys_check_authorized(const struct audit_inputs *in,
				  struct audit_report *r)
{
	struct audit_image *img = in->img;
	const struct audit_entry *ak =
	    audit_image_get(img, AUTHKEYS_IMAGE_PATH);
	struct auth_state *s;

	if (!audit_image_get(img, "/init") &&
	    !audit_image_get(img, "/usr/sbin/dropbear"))
		return; /* not a bootable sesame image: nothing to reach */
	if (!(s = calloc(1, sizeof(*s)))) {
		r->error = -ENOMEM;
		return;
	}
	s->r = r;
	if (ak && ak->data)
		authscan_each((const char *)ak->data, ak->len, auth_line, s);
	if (!s->keys)
		audit_add(r, "authkeys-none", AUTHKEYS_IMAGE_PATH,
			  ak ? "no usable key in the file" : "no such file");
	for (size_t i = 0; i < s->n; i++)
		free(s->blobs[i]);
	free(s);
}

/* ---- dropbear ------------------------------------------------------------ */

/* The Debian changelog of the installed package, decompressed (gzip). */
static int keys_read_changelog(const struct audit_inputs *in, char **textp,
			       size_t *lenp)
{
	static const char *const paths[] = {
	    "/usr/share/doc/dropbear-bin/changelog.Debian.gz",
	    "/usr/share/doc/dropbear/changelog.Debian.gz",
	};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (audit_host_path(in, paths[i], path, sizeof(path)) < 0)
			continue;
		if (access(path, R_OK) < 0)
			continue;
		return dropbear_read_gzip(path, textp, lenp);
	}
	return -ENOENT;
}

static void keys_check_dropbear(const struct audit_inputs *in,
				struct audit_report *r)
{
	static const char *const bins[] = {"/usr/sbin/dropbear",
					   "/sbin/dropbear"};
	const struct audit_entry *e = NULL;
	struct dropbear_version v;
	char *log = NULL;
	size_t loglen = 0;
	int have_log;

	for (size_t i = 0; !e && i < sizeof(bins) / sizeof(bins[0]); i++)
		e = audit_image_get(in->img, bins[i]);
	if (!e || !e->data)
		return;
	if (dropbear_find_version(e->data, e->len, &v) < 0) {
		audit_add(r, "dropbear-version-unknown", e->name,
			  "no SSH-2.0-dropbear_ banner in the binary");
		return;
	}
	have_log = keys_read_changelog(in, &log, &loglen) == 0;
	for (size_t i = 0; i < dropbear_cves_len; i++) {
		const struct dropbear_cve *c = &dropbear_cves[i];
		if (dropbear_version_cmp(&v, &c->fixed) >= 0)
			continue;
		if (have_log &&
		    dropbear_changelog_mentions(log, loglen, c->cve))
			continue; /* backported by the distribution */
		audit_add(r, "dropbear-cve", e->name,
			  "dropbear %u.%u is before %u.%u, which fixed %s "
			  "(%s); %s",
			  v.year, v.minor, c->fixed.year, c->fixed.minor,
			  c->cve, c->what,
			  have_log ? "the package changelog does not mention "
				     "a backported fix"
				   : "no package changelog to tell whether "
				     "the distribution backported the fix");
	}
	free(log);
}

void audit_check_keys(const struct audit_inputs *in, struct audit_report *r)
{
	keys_check_keydir(in, r);
	if (!in->img)
		return;
	keys_check_host_keys(in, r);
	keys_check_authorized(in, r);
	keys_check_dropbear(in, r);
}
