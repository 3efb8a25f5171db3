/* luks_config: rd.luks.* boot parameters and crypttab(5) lines into a list of
 * wanted devices. */
#include "sshd/luks.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "common/strutil.h"

#define CRYPTTAB_MAX (64u << 10)
#define CRYPTTAB_LINE_MAX 1024
#define LUKS_TRIES_MAX 1000

void luks_config_init(struct luks_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

/* A LUKS UUID: the header field holds up to 40 characters of [0-9a-zA-Z-]. */
static int luks_check_uuid(const char *s, size_t len)
{
	if (len == 0 || len >= LUKS_UUID_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return -EINVAL;
	return 0;
}

/*
 * For rd.luks.options=UUID=OPTS: hex digits and dashes only, so option names
 * with '=' (tries=, keyfile-size=) are never taken for a UUID.
 */
static int luks_looks_like_uuid(const char *s, size_t len)
{
	size_t hex = 0;

	if (len == 0 || len >= LUKS_UUID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (isxdigit((unsigned char)s[i]))
			hex++;
		else if (s[i] != '-')
			return 0;
	}
	return hex >= 8;
}

/* A device-mapper name: printable, no '/', no blanks, not "." or "..". */
static int luks_check_name(const char *s, size_t len)
{
	if (len == 0 || len >= LUKS_NAME_MAX)
		return -EINVAL;
	if ((len == 1 && s[0] == '.') || (len == 2 && !memcmp(s, "..", 2)))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 0x20 || ch >= 0x7f || ch == '/' || ch == '\\' ||
		    ch == '"' || ch == '\'')
			return -EINVAL;
	}
	return 0;
}

/* A path we would hand to libcryptsetup: absolute, printable, bounded. */
static int luks_check_path(const char *s, size_t len)
{
	if (len < 2 || len >= LUKS_PATH_MAX || s[0] != '/')
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch <= 0x20 || ch >= 0x7f)
			return -EINVAL;
	}
	return 0;
}

static int luks_word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !memcmp(s, word, len);
}

static const struct {
	const char *word;
	unsigned flag;
} luks_flag_words[] = {
    {"discard", LUKS_OPT_DISCARD},
    {"allow-discards", LUKS_OPT_DISCARD},
    {"readonly", LUKS_OPT_READONLY},
    {"read-only", LUKS_OPT_READONLY},
    {"noauto", LUKS_OPT_NOAUTO},
    {"no-read-workqueue", LUKS_OPT_NO_READ_WORKQUEUE},
    {"no-write-workqueue", LUKS_OPT_NO_WRITE_WORKQUEUE},
    {"same-cpu-crypt", LUKS_OPT_SAME_CPU_CRYPT},
    {"submit-from-crypt-cpus", LUKS_OPT_SUBMIT_FROM_CRYPT_CPUS},
};

/* Accepted and meaningless at boot, or handled elsewhere. */
static const char *const luks_quiet_words[] = {
    "luks", "nofail", "initramfs", "_netdev", "force", "headless",
};

/* Other kinds of crypttab entry, which sesame does not open. */
static const char *const luks_other_kinds[] = {
    "plain", "tcrypt",	     "bitlk",	    "swap",
    "tmp",   "fido2-device", "tpm2-device", "pkcs11-uri",
};

static int luks_option_one(const char *s, size_t len, const char *origin,
			   struct luks_options *opt)
{
	const char *eq = memchr(s, '=', len);
	size_t klen = eq ? (size_t)(eq - s) : len;
	const char *v = eq ? eq + 1 : NULL;
	size_t vlen = eq ? len - klen - 1 : 0;
	uint64_t n;

	for (size_t i = 0;
	     i < sizeof(luks_flag_words) / sizeof(luks_flag_words[0]); i++)
		if (!eq && luks_word_is(s, len, luks_flag_words[i].word)) {
			opt->flags |= luks_flag_words[i].flag;
			return 0;
		}
	for (size_t i = 0;
	     i < sizeof(luks_quiet_words) / sizeof(luks_quiet_words[0]); i++)
		if (luks_word_is(s, klen, luks_quiet_words[i]))
			return 0;
	for (size_t i = 0;
	     i < sizeof(luks_other_kinds) / sizeof(luks_other_kinds[0]); i++)
		if (luks_word_is(s, klen, luks_other_kinds[i])) {
			log_warn("%s: option %.*s: only LUKS devices are "
				 "opened at boot",
				 origin, (int)klen, s);
			return -EOPNOTSUPP;
		}
	if (luks_word_is(s, klen, "header")) {
		if (!v || luks_check_path(v, vlen) < 0) {
			log_err("%s: header= needs an absolute path", origin);
			return -EINVAL;
		}
		memcpy(opt->header, v, vlen);
		opt->header[vlen] = '\0';
		return 0;
	}
	if (luks_word_is(s, klen, "tries")) {
		/* crypttab(5): tries=0 means no limit of its own. */
		if (!v || strn_to_u64(v, vlen, 10, LUKS_TRIES_MAX, &n) < 0) {
			log_err("%s: tries= needs a number up to %u", origin,
				LUKS_TRIES_MAX);
			return -EINVAL;
		}
		opt->tries = (unsigned)n;
		return 0;
	}
	if (luks_word_is(s, klen, "keyscript")) {
		log_warn("%s: keyscript= is not supported; the passphrase is "
			 "asked for instead",
			 origin);
		return 0;
	}
	/* Unknown options are ignored, as crypttab(5) readers do. */
	log_warn("%s: option %.*s ignored at boot", origin,
		 (int)(len > 64 ? 64 : len), s);
	return 0;
}

int luks_options_parse(const char *s, size_t len, const char *origin,
		       struct luks_options *optp)
{
	struct luks_options opt;
	size_t i = 0;
	int r;

	memset(&opt, 0, sizeof(opt));
	opt.flags = LUKS_OPT_SET;
	while (i < len) {
		const char *comma = memchr(s + i, ',', len - i);
		size_t end = comma ? (size_t)(comma - s) : len;

		if (end == i) {
			log_err("%s: empty option in list", origin);
			return -EINVAL;
		}
		if ((r = luks_option_one(s + i, end - i, origin, &opt)) < 0)
			return r;
		i = end + 1;
		if (comma && i == len) {
			log_err("%s: option list ends with ','", origin);
			return -EINVAL;
		}
	}
	*optp = opt;
	return 0;
}

static struct luks_want *luks_find_uuid(struct luks_config *cfg,
					const char *uuid, size_t len)
{
	for (unsigned i = 0; i < cfg->n; i++)
		if (cfg->want[i].kind == LUKS_SRC_UUID &&
		    strlen(cfg->want[i].source) == len &&
		    !strncasecmp(cfg->want[i].source, uuid, len))
			return &cfg->want[i];
	return NULL;
}

/* Takes "luks-" off a dracut-style UUID. */
static void luks_strip_prefix(const char **s, size_t *len)
{
	if (*len > 5 && !strncasecmp(*s, "luks-", 5)) {
		*s += 5;
		*len -= 5;
	}
}

/* Adds (or finds) the want for a UUID from the command line. */
static int luks_want_uuid(struct luks_config *cfg, const char *param,
			  const char *uuid, size_t ulen, const char *name,
			  size_t nlen, struct luks_want **wp)
{
	struct luks_want *w;

	luks_strip_prefix(&uuid, &ulen);
	if (luks_check_uuid(uuid, ulen) < 0) {
		log_err("%s: '%.*s' is not a LUKS UUID", param,
			(int)(ulen > 64 ? 64 : ulen), uuid);
		return -EINVAL;
	}
	if (name && luks_check_name(name, nlen) < 0) {
		log_err("%s: '%.*s' is not a valid mapping name", param,
			(int)(nlen > 64 ? 64 : nlen), name);
		return -EINVAL;
	}
	w = luks_find_uuid(cfg, uuid, ulen);
	if (!w) {
		if (cfg->n >= LUKS_MAX_DEVICES) {
			log_err("%s: more than %d LUKS devices", param,
				LUKS_MAX_DEVICES);
			return -ENOSPC;
		}
		w = &cfg->want[cfg->n++];
		memset(w, 0, sizeof(*w));
		w->kind = LUKS_SRC_UUID;
		memcpy(w->source, uuid, ulen);
		memcpy(w->name, "luks-", 5);
		memcpy(w->name + 5, uuid, ulen); /* ulen < LUKS_UUID_MAX */
		snprintf(w->origin, sizeof(w->origin), "%s", param);
	}
	if (name) {
		memcpy(w->name, name, nlen);
		w->name[nlen] = '\0';
	}
	*wp = w;
	return 0;
}

static int luks_parse_bool(const char *value, int *b)
{
	if (!value || !strcmp(value, "1") || !strcasecmp(value, "yes") ||
	    !strcasecmp(value, "true") || !strcasecmp(value, "on"))
		*b = 1;
	else if (!strcmp(value, "0") || !strcasecmp(value, "no") ||
		 !strcasecmp(value, "false") || !strcasecmp(value, "off"))
		*b = 0;
	else
		return -EINVAL;
	return 0;
}

int luks_config_parse_param(struct luks_config *cfg, const char *name,
			    const char *value)
{
	struct luks_want *w;
	const char *eq;
	int b, r;

	if (!strcmp(name, "rd.luks") || !strcmp(name, "rd.luks.crypttab")) {
		if (luks_parse_bool(value, &b) < 0) {
			log_err("%s=%s: expected 0 or 1", name, value);
			return -EINVAL;
		}
		if (!strcmp(name, "rd.luks"))
			cfg->disabled = !b;
		else
			cfg->crypttab_off = !b;
		return 0;
	}
	if (!strcmp(name, "rd.luks.key")) {
		log_warn("rd.luks.key: key files are not supported; the "
			 "passphrase is asked for on the console and over SSH");
		return 0;
	}
	if (!strcmp(name, "rd.luks.uuid") || !strcmp(name, "rd.luks.name") ||
	    !strcmp(name, "rd.luks.options")) {
		if (!value || !*value) {
			log_err("%s: needs a value", name);
			return -EINVAL;
		}
	} else {
		return -ENOENT;
	}
	if (!strcmp(name, "rd.luks.uuid"))
		return luks_want_uuid(cfg, name, value, strlen(value), NULL, 0,
				      &w);
	eq = strchr(value, '=');
	if (!strcmp(name, "rd.luks.name")) {
		/* systemd-cryptsetup-generator(8): rd.luks.name=UUID=NAME */
		if (!eq) {
			log_err("rd.luks.name=%s: expected UUID=NAME", value);
			return -EINVAL;
		}
		return luks_want_uuid(cfg, name, value, (size_t)(eq - value),
				      eq + 1, strlen(eq + 1), &w);
	}
	/* rd.luks.options=OPTS or rd.luks.options=UUID=OPTS */
	if (eq && luks_looks_like_uuid(value, (size_t)(eq - value))) {
		struct luks_options opt;
		struct luks_config saved = *cfg;

		if ((r = luks_options_parse(eq + 1, strlen(eq + 1), name,
					    &opt)) < 0)
			return r;
		if ((r = luks_want_uuid(cfg, name, value, (size_t)(eq - value),
					NULL, 0, &w)) < 0) {
			*cfg = saved;
			return r;
		}
		w->opt = opt;
		return 0;
	}
	{
		struct luks_options opt;
		if ((r = luks_options_parse(value, strlen(value), name, &opt)) <
		    0)
			return r;
		cfg->global = opt;
		cfg->has_global_options = 1;
	}
	return 0;
}

/* The source column: UUID=, PARTUUID=, LABEL=, PARTLABEL=, or a path. */
static int luks_parse_source(const char *s, size_t len, struct luks_want *w)
{
	static const struct {
		const char *prefix;
		enum luks_source_kind kind;
	} kinds[] = {
	    {"UUID=", LUKS_SRC_UUID},
	    {"/dev/disk/by-uuid/", LUKS_SRC_UUID},
	    {"PARTUUID=", LUKS_SRC_PARTUUID},
	    {"/dev/disk/by-partuuid/", LUKS_SRC_PARTUUID},
	    {"LABEL=", LUKS_SRC_LABEL},
	    {"PARTLABEL=", LUKS_SRC_PARTLABEL},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t plen = strlen(kinds[i].prefix);
		if (len <= plen || memcmp(s, kinds[i].prefix, plen))
			continue;
		s += plen;
		len -= plen;
		if (len >= LUKS_PATH_MAX)
			return -EINVAL;
		if (kinds[i].kind == LUKS_SRC_UUID &&
		    luks_check_uuid(s, len) < 0)
			return -EINVAL;
		for (size_t j = 0; j < len; j++)
			if ((unsigned char)s[j] <= 0x20 ||
			    (unsigned char)s[j] >= 0x7f)
				return -EINVAL;
		w->kind = kinds[i].kind;
		memcpy(w->source, s, len);
		w->source[len] = '\0';
		return 0;
	}
	if (luks_check_path(s, len) < 0)
		return -EINVAL;
	w->kind = LUKS_SRC_PATH;
	memcpy(w->source, s, len);
	w->source[len] = '\0';
	return 0;
}

/* Splits a line into at most max blank-separated fields. */
static int luks_split_fields(const char *s, size_t len, const char **f,
			     size_t *flen, unsigned max, unsigned *np)
{
	unsigned n = 0;
	size_t i = 0;

	while (i < len) {
		size_t start;
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (n == max)
			return -E2BIG;
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		f[n] = s + start;
		flen[n] = i - start;
		n++;
	}
	*np = n;
	return 0;
}

/* One non-blank, non-comment crypttab line. */
static int luks_crypttab_line(struct luks_config *cfg, const char *where,
			      const char *line, size_t len)
{
	const char *f[4];
	size_t fl[4];
	unsigned n;
	struct luks_want w;
	int r;

	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t') {
			log_err("%s: control character in line", where);
			return -EINVAL;
		}
	if (luks_split_fields(line, len, f, fl, 4, &n) < 0 || n < 2) {
		log_err("%s: expected: name device [keyfile [options]]", where);
		return -EINVAL;
	}
	memset(&w, 0, sizeof(w));
	snprintf(w.origin, sizeof(w.origin), "%s", where);
	if (luks_check_name(f[0], fl[0]) < 0) {
		log_err("%s: '%.*s' is not a valid mapping name", where,
			(int)(fl[0] > 64 ? 64 : fl[0]), f[0]);
		return -EINVAL;
	}
	memcpy(w.name, f[0], fl[0]);
	if (luks_parse_source(f[1], fl[1], &w) < 0) {
		log_err("%s: '%.*s' is not a device (UUID=, PARTUUID=, LABEL=, "
			"PARTLABEL= or /dev/...)",
			where, (int)(fl[1] > 64 ? 64 : fl[1]), f[1]);
		return -EINVAL;
	}
	if (n >= 4 && (r = luks_options_parse(f[3], fl[3], where, &w.opt)) < 0)
		return r == -EOPNOTSUPP ? 0 : r; /* other kinds: skipped */
	if (w.opt.flags & LUKS_OPT_NOAUTO) {
		log_info("%s: %s is noauto: not opened at boot", where, w.name);
		return 0;
	}
	if (n >= 3 && !luks_word_is(f[2], fl[2], "none") &&
	    !luks_word_is(f[2], fl[2], "-"))
		log_warn("%s: %s names the key file '%.*s': KEY FILES ARE NOT "
			 "USED AT BOOT (they would sit in the image); the "
			 "passphrase is asked for instead",
			 where, w.name, (int)(fl[2] > 64 ? 64 : fl[2]), f[2]);
	if (w.kind == LUKS_SRC_UUID &&
	    luks_find_uuid(cfg, w.source, strlen(w.source))) {
		log_debug("%s: UUID %s is already named on the command line",
			  where, w.source);
		return 0;
	}
	for (unsigned i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->want[i].name, w.name)) {
			log_err("%s: the name %s is used twice", where, w.name);
			return -EINVAL;
		}
	if (cfg->n >= LUKS_MAX_DEVICES) {
		log_err("%s: more than %d LUKS devices", where,
			LUKS_MAX_DEVICES);
		return -ENOSPC;
	}
	cfg->want[cfg->n++] = w;
	return 0;
}

int luks_config_parse_crypttab(struct luks_config *cfg, const char *origin,
			       const char *buf, size_t len)
{
	char where[LUKS_ORIGIN_MAX];
	unsigned lineno = 0;
	size_t i = 0;
	int r = 0;

	if (len > CRYPTTAB_MAX) {
		log_err("%s: larger than %u bytes", origin, CRYPTTAB_MAX);
		return -EFBIG;
	}
	if (cfg->crypttab_off)
		return 0;
	while (i < len) {
		const char *line = buf + i, *nl = memchr(line, '\n', len - i);
		size_t llen = nl ? (size_t)(nl - line) : len - i;
		size_t a = 0, b = llen;

		i += llen + (nl ? 1 : 0);
		lineno++;
		snprintf(where, sizeof(where), "%.32s:%u", origin, lineno);
		if (llen > CRYPTTAB_LINE_MAX) {
			log_err("%s: line longer than %d bytes", where,
				CRYPTTAB_LINE_MAX);
			r = -EINVAL;
			continue;
		}
		while (a < b && (line[a] == ' ' || line[a] == '\t'))
			a++;
		while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t' ||
				 line[b - 1] == '\r'))
			b--;
		if (a == b || line[a] == '#')
			continue;
		if (luks_crypttab_line(cfg, where, line + a, b - a) < 0)
			r = -EINVAL;
	}
	return r;
}
