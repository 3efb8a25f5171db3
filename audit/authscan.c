/* authscan: a lenient reader of the authorized_keys an image holds (untrusted).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "audit/authscan.h"
#include "keys/pubkey.h"

static bool scan_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The end of the options field: the first blank outside double quotes. */
static size_t scan_opts_end(const char *p, size_t len, bool *unterminated)
{
	bool q = false;
	size_t i;

	for (i = 0; i < len; i++) {
		if (q && p[i] == '\\' && i + 1 < len) {
			i++;
			continue;
		}
		if (p[i] == '"')
			q = !q;
		else if (!q && scan_space(p[i]))
			break;
	}
	*unterminated = q;
	return i;
}

static size_t scan_word(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && !scan_space(p[i]))
		i++;
	return i;
}

static bool scan_is_type(const char *p, size_t len)
{
	const char *t, *lab;
	int r = pubkey_lookup_type(p, len, &t, &lab);

	if (r == 0 || r == -EPROTONOSUPPORT)
		return true;
	/* Types pubkey does not know still look like "ssh-..." or "ecdsa-". */
	return (len > 4 && !memcmp(p, "ssh-", 4)) ||
	       (len > 6 && !memcmp(p, "ecdsa-", 6)) ||
	       (len > 3 && !memcmp(p, "sk-", 3));
}

static void scan_line(const char *p, size_t len, struct authscan_line *l)
{
	size_t i = 0, n;
	bool unterminated = false;

	if (!scan_is_type(p, scan_word(p, len))) {
		n = scan_opts_end(p, len, &unterminated);
		if (unterminated)
			return; /* no type: not understood */
		l->opts = p;
		l->opts_len = n;
		i = n;
	}
	while (i < len && scan_space(p[i]))
		i++;
	n = scan_word(p + i, len - i);
	if (!n)
		return;
	l->type = p + i;
	l->type_len = n;
	i += n;
	while (i < len && scan_space(p[i]))
		i++;
	n = scan_word(p + i, len - i);
	if (!n) {
		l->type = NULL;
		return;
	}
	l->b64 = p + i;
	l->b64_len = n;
}

int authscan_each(const char *buf, size_t len,
		  int (*fn)(const struct authscan_line *l, void *arg),
		  void *arg)
{
	unsigned line = 0;
	int r;

	while (len) {
		const char *nl = memchr(buf, '\n', len);
		size_t l = nl ? (size_t)(nl - buf) : len, s = 0;
		struct authscan_line al = {.line = ++line};

		while (s < l && scan_space(buf[s]))
			s++;
		if (l && buf[l - 1] == '\r')
			l--;
		if (s < l && buf[s] != '#') {
			scan_line(buf + s, l - s, &al);
			if ((r = fn(&al, arg)) != 0)
				return r;
		}
		l = nl ? (size_t)(nl - buf) + 1 : len;
		buf += l;
		len -= l;
	}
	return 0;
}

static bool opt_is(const char *p, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n >= k && !strncasecmp(p, name, k) && (n == k || p[k] == '=');
}

int authscan_options(const char *p, size_t len, struct authscan_opts *o)
{
	size_t i = 0;

	memset(o, 0, sizeof(*o));
	while (i < len) {
		size_t s = i;
		bool q = false;
		for (; i < len; i++) {
			if (q && p[i] == '\\' && i + 1 < len) {
				i++;
				continue;
			}
			if (p[i] == '"')
				q = !q;
			else if (!q && p[i] == ',')
				break;
		}
		if (q)
			return -EBADMSG;
		o->command |= opt_is(p + s, i - s, "command");
		o->from |= opt_is(p + s, i - s, "from");
		o->no_agent_forwarding |=
		    opt_is(p + s, i - s, "no-agent-forwarding");
		o->restrict_ |= opt_is(p + s, i - s, "restrict");
		if (i < len)
			i++; /* the comma */
	}
	return 0;
}
