/* authkeys: parses authorized_keys (line -> fields -> options -> key blob) and
 * renders it for dropbear. */
#include "keys/authkeys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cursor.h"
#include "common/fileio.h"
#include "common/log.h"
#include "keys/pubkey.h"

/* Longest input line considered at all; sshd reads lines of any length. */
#define LINE_MAX_INPUT 16384
#define OPTIONS_MAX 64
#define SHOW_MAX 40 /* bytes of hostile input quoted in a message */

struct authkeys {
	struct authkeys_key *keys;
	size_t n, cap;
};

/* What an option does to the key in the image (dropbear 2022.83's set). */
enum opt_action {
	OPT_FLAG,	/* a restriction dropbear knows; implied for unlock */
	OPT_SK_FLAG,	/* a FIDO option dropbear knows; kept for both roles */
	OPT_GRANT,	/* re-allows what restrict took; dropbear lacks it */
	OPT_DROP,	/* no effect in the image */
	OPT_ENV,	/* environment=: dropbear lacks it; dropped */
	OPT_COMMAND,	/* command= */
	OPT_PERMITOPEN, /* permitopen= */
	OPT_FWD_LIMIT,	/* limits forwarding dropbear cannot: moot for unlock */
	OPT_UNENFORCEABLE, /* a restriction dropbear cannot apply: refused */
	OPT_ROLE,	   /* sesame-role=: ours, never written to the image */
};

struct opt_rule {
	const char *name; /* canonical spelling; matched case-insensitively */
	bool has_value;
	enum opt_action action;
};

/* sshd(8) AUTHORIZED_KEYS FILE FORMAT, against svr-authpubkeyoptions.c. */
static const struct opt_rule opt_rules[] = {
    {"no-pty", false, OPT_FLAG},
    {"no-port-forwarding", false, OPT_FLAG},
    {"no-agent-forwarding", false, OPT_FLAG},
    {"no-X11-forwarding", false, OPT_FLAG},
    {"restrict", false, OPT_FLAG},
    {"no-touch-required", false, OPT_SK_FLAG},
    {"verify-required", false, OPT_SK_FLAG},
    {"pty", false, OPT_GRANT},
    {"port-forwarding", false, OPT_GRANT},
    {"agent-forwarding", false, OPT_GRANT},
    {"X11-forwarding", false, OPT_GRANT},
    {"user-rc", false, OPT_GRANT},
    {"no-user-rc", false, OPT_DROP},
    {"environment", true, OPT_ENV},
    {"command", true, OPT_COMMAND},
    {"permitopen", true, OPT_PERMITOPEN},
    {"permitlisten", true, OPT_FWD_LIMIT},
    {"tunnel", true, OPT_FWD_LIMIT},
    {"from", true, OPT_UNENFORCEABLE},
    {"expiry-time", true, OPT_UNENFORCEABLE},
    {"principals", true, OPT_UNENFORCEABLE},
    {"cert-authority", false, OPT_UNENFORCEABLE},
    {"sesame-role", true, OPT_ROLE},
};

/* One option as written: its rule and its value, dequoted (malloc'd). */
struct opt {
	const struct opt_rule *rule;
	char *value;
};

/* The line being parsed, for messages. */
struct line_ctx {
	const char *file;
	unsigned line;
	const char *unlock_command;
	bool unlock_no_pty;
	unsigned errors;
};

static void authkeys_line_log(const struct line_ctx *lc, enum log_level lvl,
			      const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void authkeys_line_log(const struct line_ctx *lc, enum log_level lvl,
			      const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(lvl, "%s:%u: %s", lc->file, lc->line, msg);
}

#define line_err(lc, ...) authkeys_line_log((lc), LOG_LVL_ERR, __VA_ARGS__)
#define line_warn(lc, ...) authkeys_line_log((lc), LOG_LVL_WARN, __VA_ARGS__)

static void authkeys_key_clear(struct authkeys_key *k)
{
	free(k->blob);
	free(k->base64);
	free(k->options);
	free(k->comment);
	memset(k, 0, sizeof(*k));
}

void authkeys_free(struct authkeys *ak)
{
	if (!ak)
		return;
	for (size_t i = 0; i < ak->n; i++)
		authkeys_key_clear(&ak->keys[i]);
	free(ak->keys);
	free(ak);
}

size_t authkeys_count(const struct authkeys *ak)
{
	return ak ? ak->n : 0;
}

size_t authkeys_count_role(const struct authkeys *ak, enum authkeys_role role)
{
	size_t n = 0;

	for (size_t i = 0; ak && i < ak->n; i++)
		if (ak->keys[i].role == role)
			n++;
	return n;
}

const struct authkeys_key *authkeys_get(const struct authkeys *ak, size_t i)
{
	return ak && i < ak->n ? &ak->keys[i] : NULL;
}

static bool is_blank(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

static void cursor_skip_blanks(struct cursor *c)
{
	while (c->left > 0 && is_blank(c->p[0]))
		cursor_skip(c, 1);
}

/*
 * The next whitespace-delimited field. With quotes, blanks inside double
 * quotes do not end it and \" neither opens nor closes them (the options
 * field, as sshd reads it); an unterminated quote is -EBADMSG, cursor
 * unchanged.
 */
static int line_take_field(struct cursor *c, bool quotes, struct cursor *f)
{
	bool quoted = false;
	size_t n = 0;

	while (n < c->left && (quoted || !is_blank(c->p[n]))) {
		/* as sshkey_advance_past_options(): \" never toggles */
		if (quotes && c->p[n] == '\\' && n + 1 < c->left &&
		    c->p[n + 1] == '"')
			n++;
		else if (quotes && c->p[n] == '"')
			quoted = !quoted;
		n++;
	}
	if (quoted)
		return -EBADMSG;
	return cursor_take(c, n, f);
}

static const struct opt_rule *opt_find(const uint8_t *name, size_t len)
{
	for (size_t i = 0; i < sizeof(opt_rules) / sizeof(opt_rules[0]); i++)
		if (strlen(opt_rules[i].name) == len &&
		    strncasecmp(opt_rules[i].name, (const char *)name, len) ==
			0)
			return &opt_rules[i];
	return NULL;
}

/*
 * One option from the options field: NAME or NAME="VALUE" (\" inside is a
 * quote; sesame-role may be unquoted). Consumes the comma after it.
 */
static int opt_parse_one(const struct line_ctx *lc, struct cursor *c,
			 struct opt *o)
{
	const struct opt_rule *rule;
	size_t n = 0, vlen = 0;
	char *value = NULL;

	while (n < c->left && c->p[n] != '=' && c->p[n] != ',' &&
	       c->p[n] != '"')
		n++;
	if (n == 0) {
		line_err(lc, "empty option");
		return -EBADMSG;
	}
	rule = opt_find(c->p, n);
	if (!rule) {
		line_err(lc, "unknown option '%.*s'",
			 (int)(n < SHOW_MAX ? n : SHOW_MAX),
			 (const char *)c->p);
		return -EBADMSG;
	}
	cursor_skip(c, n);
	if (c->left > 0 && c->p[0] == '=') {
		bool quoted;
		struct cursor v;

		if (!rule->has_value) {
			line_err(lc, "option %s takes no value", rule->name);
			return -EBADMSG;
		}
		cursor_skip(c, 1);
		quoted = c->left > 0 && c->p[0] == '"';
		if (quoted)
			cursor_skip(c, 1);
		v = *c;
		/* The raw value: up to the closing quote, or to a comma. */
		n = 0;
		while (n < c->left) {
			if (quoted && c->p[n] == '\\' && n + 1 < c->left &&
			    c->p[n + 1] == '"')
				n += 2;
			else if (quoted ? c->p[n] == '"'
					: (c->p[n] == ',' || c->p[n] == '"'))
				break;
			else
				n++;
		}
		if (quoted && n >= c->left) {
			line_err(lc, "option %s: unterminated quote",
				 rule->name);
			return -EBADMSG;
		}
		if (!quoted && rule->action != OPT_ROLE) {
			line_err(lc, "option %s: value must be in quotes",
				 rule->name);
			return -EBADMSG;
		}
		value = malloc(n + 1);
		if (!value)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++) {
			if (quoted && v.p[i] == '\\' && i + 1 < n &&
			    v.p[i + 1] == '"')
				i++;
			value[vlen++] = (char)v.p[i];
		}
		value[vlen] = '\0';
		cursor_skip(c, n + (quoted ? 1 : 0));
	} else if (rule->has_value) {
		line_err(lc, "option %s needs a value", rule->name);
		return -EBADMSG;
	}
	if (c->left > 0) {
		if (c->p[0] != ',' || c->left == 1) {
			line_err(lc,
				 "option %s: expected ',' and another "
				 "option",
				 rule->name);
			free(value);
			return -EBADMSG;
		}
		cursor_skip(c, 1);
	}
	o->rule = rule;
	o->value = value;
	return 0;
}

static void opts_free(struct opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(opts[i].value);
}

/* Appends to a bounded output; -E2BIG when it would not fit. */
struct outbuf {
	char *p;
	size_t len, cap;
};

static int out_add(struct outbuf *o, const char *s)
{
	size_t n = strlen(s);

	if (n >= o->cap - o->len)
		return -E2BIG;
	memcpy(o->p + o->len, s, n + 1);
	o->len += n;
	return 0;
}

/* A value dropbear reads back as written: it does not unescape \". */
static bool opt_value_portable(const char *v)
{
	if (*v == '\0')
		return false;
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f || *v == '"' ||
		    *v == '\\')
			return false;
	return true;
}

static int out_add_valued(struct outbuf *o, const char *name, const char *value)
{
	int r;

	if (o->len > 0 && (r = out_add(o, ",")) < 0)
		return r;
	if ((r = out_add(o, name)) < 0 || (r = out_add(o, "=\"")) < 0 ||
	    (r = out_add(o, value)) < 0 || (r = out_add(o, "\"")) < 0)
		return r;
	return 0;
}

static int out_add_flag(struct outbuf *o, const char *name)
{
	int r;

	if (o->len > 0 && (r = out_add(o, ",")) < 0)
		return r;
	return out_add(o, name);
}

/* The role named by sesame-role=, unlock when none. */
static int opts_find_role(const struct line_ctx *lc, const struct opt *opts,
			  size_t n, enum authkeys_role *rolep)
{
	enum authkeys_role role = AUTHKEYS_ROLE_UNLOCK;
	bool seen = false;

	for (size_t i = 0; i < n; i++) {
		if (opts[i].rule->action != OPT_ROLE)
			continue;
		if (seen) {
			line_err(lc, "sesame-role given twice");
			return -EBADMSG;
		}
		seen = true;
		if (!strcasecmp(opts[i].value, "unlock"))
			role = AUTHKEYS_ROLE_UNLOCK;
		else if (!strcasecmp(opts[i].value, "rescue"))
			role = AUTHKEYS_ROLE_RESCUE;
		else {
			line_err(lc,
				 "sesame-role must be unlock or rescue, "
				 "not '%.*s'",
				 SHOW_MAX, opts[i].value);
			return -EBADMSG;
		}
	}
	*rolep = role;
	return 0;
}

/*
 * Turns the parsed options into dropbear's for the role. Unlock keys get
 * the fixed set whatever the user wrote; rescue keys keep what dropbear
 * can enforce. Anything that would widen access refuses the key.
 */
static int opts_render(const struct line_ctx *lc, const struct opt *opts,
		       size_t n, enum authkeys_role role, struct outbuf *o)
{
	bool unlock = role == AUTHKEYS_ROLE_UNLOCK, restricted = false;
	bool have_command = false;
	int r;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(opts[i].rule->name, "restrict"))
			restricted = true;

	if (unlock) {
		/* no-pty first, so it can be left out */
		static const char *const unlock_flags[] = {
		    "no-pty",
		    "no-port-forwarding",
		    "no-agent-forwarding",
		    "no-X11-forwarding",
		};
		if ((r = out_add_valued(o, "command", lc->unlock_command)) < 0)
			return r;
		for (size_t i = lc->unlock_no_pty ? 0 : 1;
		     i < sizeof(unlock_flags) / sizeof(unlock_flags[0]); i++)
			if ((r = out_add_flag(o, unlock_flags[i])) < 0)
				return r;
	}
	for (size_t i = 0; i < n; i++) {
		const struct opt_rule *rule = opts[i].rule;
		const char *v = opts[i].value;

		switch (rule->action) {
		case OPT_FLAG:
			if (unlock)
				break;
			/* dropbear before 2022.82 lacks restrict: spell it */
			if (!strcmp(rule->name, "restrict"))
				r = out_add_flag(o, "no-pty,no-port-forwarding,"
						    "no-agent-forwarding,"
						    "no-X11-forwarding");
			else
				r = out_add_flag(o, rule->name);
			if (r < 0)
				return r;
			break;
		case OPT_SK_FLAG:
			if ((r = out_add_flag(o, rule->name)) < 0)
				return r;
			break;
		case OPT_GRANT:
			if (unlock || restricted)
				line_warn(lc, "option %s dropped: %s",
					  rule->name,
					  unlock ? "an unlock key gets no more "
						   "than the unlock command"
						 : "dropbear cannot re-allow "
						   "what restrict took");
			break;
		case OPT_DROP:
			break;
		case OPT_ENV:
			line_warn(lc, "option environment= dropped: dropbear "
				      "does not support it");
			break;
		case OPT_COMMAND:
			if (unlock) {
				if (strcmp(v, lc->unlock_command) != 0)
					line_warn(lc,
						  "command=\"%.*s\" replaced "
						  "by command=\"%s\" on an "
						  "unlock key",
						  SHOW_MAX, v,
						  lc->unlock_command);
				break;
			}
			if (have_command) {
				line_err(lc, "command= given twice");
				return -EBADMSG;
			}
			have_command = true;
			/* fall through */
		case OPT_PERMITOPEN:
			if (unlock) {
				line_warn(lc,
					  "permitopen= dropped on an unlock "
					  "key (no forwarding at all)");
				break;
			}
			if (!opt_value_portable(v) ||
			    (rule->action == OPT_PERMITOPEN &&
			     !strchr(v, ':'))) {
				line_err(lc,
					 "option %s: value is empty or holds "
					 "quotes, backslashes or control "
					 "characters dropbear would misread",
					 rule->name);
				return -EBADMSG;
			}
			if ((r = out_add_valued(o, rule->name, v)) < 0)
				return r;
			break;
		case OPT_FWD_LIMIT:
			if (unlock)
				break; /* no forwarding at all */
				       /* fall through */
		case OPT_UNENFORCEABLE:
			line_err(lc,
				 "option %s%s cannot be enforced by dropbear; "
				 "remove it or the key",
				 rule->name, rule->has_value ? "=" : "");
			return -EBADMSG;
		case OPT_ROLE:
			break;
		}
	}
	return 0;
}

/* Options field -> rendered dropbear options and the role. */
static int line_parse_options(const struct line_ctx *lc, struct cursor field,
			      enum authkeys_role *rolep, struct outbuf *o)
{
	struct opt opts[OPTIONS_MAX];
	enum authkeys_role role = AUTHKEYS_ROLE_UNLOCK;
	size_t n = 0;
	int r = 0;

	while (field.left > 0) {
		if (n == OPTIONS_MAX) {
			line_err(lc, "more than %d options", OPTIONS_MAX);
			r = -EBADMSG;
			goto out;
		}
		if ((r = opt_parse_one(lc, &field, &opts[n])) < 0)
			goto out;
		n++;
	}
	if ((r = opts_find_role(lc, opts, n, &role)) < 0)
		goto out;
	if ((r = opts_render(lc, opts, n, role, o)) < 0) {
		if (r == -E2BIG)
			line_err(lc, "options too long");
		goto out;
	}
	*rolep = role;
out:
	opts_free(opts, n);
	return r == -E2BIG ? -EBADMSG : r;
}

/* The comment as written to the image: trimmed, control bytes as '?'. */
static int line_render_comment(const struct line_ctx *lc, struct cursor c,
			       char **commentp)
{
	bool changed = false;
	char *s;

	cursor_skip_blanks(&c);
	while (c.left > 0 && is_blank(c.p[c.left - 1]))
		c.left--;
	s = malloc(c.left + 1);
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < c.left; i++) {
		uint8_t ch = c.p[i];
		if (ch < 0x20 || ch == 0x7f) {
			ch = '?';
			changed = true;
		}
		s[i] = (char)ch;
	}
	s[c.left] = '\0';
	if (changed)
		line_warn(lc, "control characters in the comment replaced");
	*commentp = s;
	return 0;
}

static const char *authkeys_blob_error(int r)
{
	switch (r) {
	case -EKEYREJECTED:
		return "RSA key size outside 2048..16384 bits";
	case -EPROTONOSUPPORT:
		return "key type refused";
	default:
		return "malformed key data";
	}
}

/* Fills k from the key type, base64 and comment fields after the options. */
static int line_parse_key(const struct line_ctx *lc, struct cursor *c,
			  struct authkeys_key *k)
{
	struct cursor tf, bf;
	struct pubkey_info info;
	const char *type, *label;
	int r;

	cursor_skip_blanks(c);
	line_take_field(c, false, &tf);
	if (tf.left == 0) {
		line_err(lc, "options without a key");
		return -EBADMSG;
	}
	r = pubkey_lookup_type((const char *)tf.p, tf.left, &type, &label);
	if (r < 0) {
		line_err(lc, "%s key type '%.*s'",
			 r == -EPROTONOSUPPORT ? "refused" : "unsupported",
			 (int)(tf.left < SHOW_MAX ? tf.left : SHOW_MAX),
			 (const char *)tf.p);
		return -EBADMSG;
	}
	cursor_skip_blanks(c);
	line_take_field(c, false, &bf);
	if (bf.left == 0) {
		line_err(lc, "%s without key data", type);
		return -EBADMSG;
	}
	r = pubkey_decode_base64((const char *)bf.p, bf.left, &k->blob,
				 &k->blob_len);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		line_err(lc, "%s key: bad base64", type);
		return -EBADMSG;
	}
	if ((r = pubkey_check_blob(k->blob, k->blob_len, &info)) < 0) {
		line_err(lc, "%s key: %s", type, authkeys_blob_error(r));
		return -EBADMSG;
	}
	if (strcmp(info.type, type) != 0) {
		line_err(lc, "key says %s but its data holds %s", type,
			 info.type);
		return -EBADMSG;
	}
	if (info.bits < PUBKEY_RSA_GOOD_BITS && !strcmp(type, "ssh-rsa"))
		line_warn(lc, "RSA key of %u bits; 3072 or more advised",
			  info.bits);
	k->type = info.type;
	k->label = info.label;
	k->bits = info.bits;
	if ((r = pubkey_encode_base64(k->blob, k->blob_len, &k->base64)) < 0)
		return r;
	return line_render_comment(lc, *c, &k->comment);
}

/* True when the type name starts the field (no options on this line). */
static bool field_is_type(struct cursor field)
{
	const char *type, *label;
	int r = pubkey_lookup_type((const char *)field.p, field.left, &type,
				   &label);

	return r == 0 || r == -EPROTONOSUPPORT;
}

/*
 * Checks a key against those before it: the same key twice with the same
 * role is dropped with a warning (*dupp), with different roles refused.
 */
static int authkeys_check_duplicate(const struct line_ctx *lc,
				    const struct authkeys *ak,
				    const struct authkeys_key *k, bool *dupp)
{
	for (size_t i = 0; i < ak->n; i++) {
		const struct authkeys_key *o = &ak->keys[i];
		if (o->blob_len != k->blob_len ||
		    memcmp(o->blob, k->blob, k->blob_len) != 0)
			continue;
		if (o->role != k->role) {
			line_err(lc,
				 "the key of line %u again, with another "
				 "role",
				 o->line);
			return -EBADMSG;
		}
		line_warn(lc, "duplicate of line %u; dropped", o->line);
		*dupp = true;
		return 0;
	}
	*dupp = false;
	return 0;
}

static int authkeys_append(struct authkeys *ak, struct authkeys_key *k)
{
	if (ak->n == ak->cap) {
		size_t ncap = ak->cap ? ak->cap * 2 : 8;
		struct authkeys_key *nk =
		    reallocarray(ak->keys, ncap, sizeof(*nk));
		if (!nk)
			return -ENOMEM;
		ak->keys = nk;
		ak->cap = ncap;
	}
	ak->keys[ak->n++] = *k;
	memset(k, 0, sizeof(*k)); /* ak owns it now */
	return 0;
}

/* One line without its terminator. -EBADMSG after logging why. */
static int authkeys_parse_line(struct line_ctx *lc, struct authkeys *ak,
			       struct cursor c)
{
	char optbuf[AUTHKEYS_RENDER_LINE_MAX];
	struct outbuf o = {.p = optbuf, .len = 0, .cap = sizeof(optbuf)};
	struct authkeys_key k = {0};
	struct cursor first;
	size_t total;
	bool dup, looks_like_options;
	int r;

	optbuf[0] = '\0';
	if (c.left > LINE_MAX_INPUT) {
		line_err(lc, "line longer than %d bytes", LINE_MAX_INPUT);
		return -EBADMSG;
	}
	if (memchr(c.p, '\0', c.left)) {
		line_err(lc, "NUL byte in line");
		return -EBADMSG;
	}
	if (memchr(c.p, '\r', c.left)) {
		/* dropbear ends lines at CR, so it would split this one. */
		line_err(lc, "carriage return inside a line");
		return -EBADMSG;
	}
	cursor_skip_blanks(&c);
	if (c.left == 0 || c.p[0] == '#')
		return 0;
	k.line = lc->line;
	k.role = AUTHKEYS_ROLE_UNLOCK;
	{
		struct cursor peek = c, second;
		line_take_field(&peek, false, &first);
		cursor_skip_blanks(&peek);
		line_take_field(&peek, false, &second);
		/* "no-ptty ssh-ed25519 ..." is an option typo, not a type */
		looks_like_options = field_is_type(second);
	}
	if (!field_is_type(first)) {
		if (!looks_like_options && !memchr(first.p, '=', first.left) &&
		    !memchr(first.p, ',', first.left) &&
		    !opt_find(first.p, first.left)) {
			line_err(lc, "unsupported key type '%.*s'",
				 (int)(first.left < SHOW_MAX ? first.left
							     : SHOW_MAX),
				 (const char *)first.p);
			r = -EBADMSG;
			goto out;
		}
		if ((r = line_take_field(&c, true, &first)) < 0) {
			line_err(lc, "unterminated quote in options");
			goto out;
		}
		if ((r = line_parse_options(lc, first, &k.role, &o)) < 0)
			goto out;
	} else if ((r = line_parse_options(lc, cursor_make(NULL, 0), &k.role,
					   &o)) < 0) {
		goto out;
	}
	if ((r = line_parse_key(lc, &c, &k)) < 0)
		goto out;
	if (!(k.options = strdup(optbuf))) {
		r = -ENOMEM;
		goto out;
	}
	total = strlen(k.options) + 1 + strlen(k.type) + 1 + strlen(k.base64) +
		1 + strlen(k.comment) + 1;
	if (total >= AUTHKEYS_RENDER_LINE_MAX) {
		line_err(lc,
			 "line would be %zu bytes in the image, over "
			 "dropbear's limit; shorten the comment",
			 total);
		r = -EBADMSG;
		goto out;
	}
	if ((r = authkeys_check_duplicate(lc, ak, &k, &dup)) < 0 || dup)
		goto out;
	if (ak->n >= AUTHKEYS_KEYS_MAX) {
		line_err(lc, "more than %d keys", AUTHKEYS_KEYS_MAX);
		r = -EBADMSG;
		goto out;
	}
	r = authkeys_append(ak, &k);
out:
	authkeys_key_clear(&k);
	return r;
}

static bool unlock_command_ok(const char *cmd)
{
	return cmd[0] == '/' && opt_value_portable(cmd) && strlen(cmd) < 256;
}

int authkeys_parse(const char *buf, size_t len, const char *filename,
		   const struct authkeys_config *cfg, struct authkeys **akp)
{
	struct cursor all = cursor_make(buf, len);
	struct line_ctx lc = {
	    .file = filename ? filename : "authorized_keys",
	    .line = 0,
	    .unlock_command = cfg && cfg->unlock_command
				  ? cfg->unlock_command
				  : AUTHKEYS_UNLOCK_COMMAND,
	    .unlock_no_pty = cfg && cfg->unlock_no_pty,
	    .errors = 0,
	};
	struct authkeys *ak = NULL;
	int r;

	if (!unlock_command_ok(lc.unlock_command)) {
		log_err("unlock command '%s' must be an absolute path without "
			"quotes or backslashes",
			lc.unlock_command);
		return -EINVAL;
	}
	if (len > AUTHKEYS_FILE_MAX) {
		log_err("%s: larger than %u bytes", lc.file, AUTHKEYS_FILE_MAX);
		return -EFBIG;
	}
	ak = calloc(1, sizeof(*ak));
	if (!ak)
		return -ENOMEM;
	while (all.left > 0) {
		const uint8_t *nl = memchr(all.p, '\n', all.left);
		size_t n = nl ? (size_t)(nl - all.p) : all.left;
		struct cursor line;

		cursor_take(&all, n, &line);
		cursor_skip(&all, nl ? 1 : 0);
		lc.line++;
		/* CRLF files: the CR before LF (or at the end) goes. */
		if (line.left > 0 && line.p[line.left - 1] == '\r')
			line.left--;
		r = authkeys_parse_line(&lc, ak, line);
		if (r == -ENOMEM)
			goto out;
		if (r < 0)
			lc.errors++;
	}
	if (lc.errors > 0) {
		log_err("%s: %u line%s refused", lc.file, lc.errors,
			lc.errors == 1 ? "" : "s");
		r = -EBADMSG;
		goto out;
	}
	if (ak->n == 0) {
		log_err("%s: no authorized keys", lc.file);
		r = -ENOKEY;
		goto out;
	}
	*akp = ak;
	ak = NULL;
	r = 0;
out:
	authkeys_free(ak);
	return r;
}

int authkeys_parse_file(const char *path, const struct authkeys_config *cfg,
			struct authkeys **akp)
{
	char *buf = NULL;
	size_t len;
	int r;

	if ((r = file_read_all(path, AUTHKEYS_FILE_MAX, &buf, &len)) < 0)
		return log_err_errno(r, "%s", path);
	r = authkeys_parse(buf, len, path, cfg, akp);
	free(buf);
	return r;
}

int authkeys_render(const struct authkeys *ak, char **textp, size_t *lenp)
{
	static const char header[] =
	    "# written by sesame: unlock keys are forced into the unlock\n"
	    "# program; edit the source file and rebuild the image.\n";
	char *text = NULL;
	size_t size = 0;
	FILE *f;
	int r = 0;

	if (!ak || ak->n == 0)
		return -ENOKEY;
	f = open_memstream(&text, &size);
	if (!f)
		return -ENOMEM;
	fputs(header, f);
	for (size_t i = 0; i < ak->n; i++) {
		const struct authkeys_key *k = &ak->keys[i];
		fprintf(f, "%s%s%s %s%s%s\n", k->options,
			k->options[0] ? " " : "", k->type, k->base64,
			k->comment[0] ? " " : "", k->comment);
	}
	if (ferror(f))
		r = -EIO;
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(text);
		return r;
	}
	*textp = text;
	*lenp = size;
	return 0;
}
