/* console: turns sesame-init's console output into the events `sesame try`
 * reports on. */
#include <errno.h>
#include <string.h>

#include "try/console.h"

/* A line as a bounded view: p and left, never NUL-terminated. */
struct view {
	const char *p;
	size_t left;
};

static bool view_skip_prefix(struct view *v, const char *prefix)
{
	size_t n = strlen(prefix);

	if (v->left < n || memcmp(v->p, prefix, n))
		return false;
	v->p += n;
	v->left -= n;
	return true;
}

/* Position of needle in v, or -1. */
static long view_find(const struct view *v, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0 || v->left < n)
		return -1;
	for (size_t i = 0; i + n <= v->left; i++)
		if (!memcmp(v->p + i, needle, n))
			return (long)i;
	return -1;
}

/* Copies n bytes into a field of size bytes, cut, control bytes as '?'. */
static void field_copy(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

/* The next word of v (up to a space, or to stop), into dst. */
static size_t view_word(struct view *v, char *dst, size_t size, char stop)
{
	size_t n = 0;

	while (n < v->left && v->p[n] != ' ' && v->p[n] != stop)
		n++;
	field_copy(dst, size, v->p, n);
	v->p += n;
	v->left -= n;
	return n;
}

/* "[ 12.345678] ": the kernel's timestamp when kmsg shows on the console. */
static void view_skip_timestamp(struct view *v)
{
	size_t i = 1;

	if (v->left < 3 || v->p[0] != '[')
		return;
	while (i < v->left && (v->p[i] == ' ' || v->p[i] == '.' ||
			       (v->p[i] >= '0' && v->p[i] <= '9')))
		i++;
	if (i + 1 < v->left && v->p[i] == ']' && v->p[i + 1] == ' ') {
		v->p += i + 2;
		v->left -= i + 2;
	}
}

/* "(N ms after the first message)" at the end of a DHCP bound line. */
static unsigned dhcp_ms(const struct view *v)
{
	struct view t = *v;
	long at = view_find(&t, " (");
	unsigned ms = 0;
	size_t digits = 0;

	while (at >= 0) {
		t.p += at + 2;
		t.left -= (size_t)at + 2;
		digits = 0;
		ms = 0;
		while (digits < t.left && digits < 9 && t.p[digits] >= '0' &&
		       t.p[digits] <= '9')
			ms = ms * 10 + (unsigned)(t.p[digits++] - '0');
		if (digits && t.left - digits >= 3 &&
		    !memcmp(t.p + digits, " ms", 3))
			return ms;
		at = view_find(&t, " (");
	}
	return 0;
}

/* The sesame-init message after "sesame-init: " (and a level word). */
static void parse_init_message(struct view v, struct try_event *ev)
{
	long at;

	if (!view_skip_prefix(&v, "error: "))
		(void)view_skip_prefix(&v, "warning: ");
	if (view_skip_prefix(&v, "start at ")) {
		ev->type = TRY_EV_INIT;
	} else if (view_skip_prefix(&v, "reachable on ")) {
		view_word(&v, ev->a, sizeof(ev->a), '\0');
		if (!view_skip_prefix(&v, " at "))
			return;
		view_word(&v, ev->b, sizeof(ev->b), '\0');
		ev->type = TRY_EV_REACHABLE;
	} else if (view_skip_prefix(&v, "dhcp: ")) {
		view_word(&v, ev->a, sizeof(ev->a), ':');
		if (!view_skip_prefix(&v, ": bound "))
			return;
		view_word(&v, ev->b, sizeof(ev->b), '\0');
		ev->ms = dhcp_ms(&v);
		ev->type = TRY_EV_DHCP_BOUND;
	} else if (view_skip_prefix(&v, "net: no address after ")) {
		field_copy(ev->text, sizeof(ev->text), v.p, v.left);
		ev->type = TRY_EV_NET_WAITING;
	} else if (view_skip_prefix(&v, "net: ")) {
		view_word(&v, ev->a, sizeof(ev->a), ':');
		if (view_skip_prefix(&v, ": Ethernet NIC"))
			ev->type = TRY_EV_NIC;
	} else if (view_skip_prefix(&v, "no authorized_keys in the image")) {
		ev->type = TRY_EV_NO_SSH;
	} else if (view_skip_prefix(&v, "dropbear started")) {
		ev->type = TRY_EV_DROPBEAR;
	} else if (view_skip_prefix(&v, "ssh host key ")) {
		field_copy(ev->a, sizeof(ev->a), v.p, v.left);
		ev->type = TRY_EV_HOSTKEY;
	} else if (view_skip_prefix(&v, "LUKS device ")) {
		view_word(&v, ev->a, sizeof(ev->a), '\0');
		if ((at = view_find(&v, " queued for unlock as ")) != 0)
			return;
		ev->type = TRY_EV_LUKS_QUEUED;
		v.p += 22;
		v.left -= 22;
		view_word(&v, ev->b, sizeof(ev->b), '\0');
	} else if (view_skip_prefix(&v, "opened ")) {
		view_word(&v, ev->a, sizeof(ev->a), '\0');
		ev->type = TRY_EV_OPENED;
	} else if (view_skip_prefix(&v, "wrong passphrase")) {
		ev->type = TRY_EV_WRONG;
	} else if (view_skip_prefix(&v, "switching to ")) {
		view_word(&v, ev->a, sizeof(ev->a), '\0');
		if (!view_skip_prefix(&v, " on "))
			return;
		view_word(&v, ev->b, sizeof(ev->b), '\0');
		ev->type = TRY_EV_SWITCH;
	} else if (view_skip_prefix(&v, "loading module ")) {
		view_word(&v, ev->a, sizeof(ev->a), ':');
		if (!view_skip_prefix(&v, ": "))
			return;
		field_copy(ev->text, sizeof(ev->text), v.p, v.left);
		ev->type = TRY_EV_MODULE_FAIL;
	} else if (view_skip_prefix(&v, "emergency: ")) {
		field_copy(ev->text, sizeof(ev->text), v.p, v.left);
		ev->type = TRY_EV_EMERGENCY;
	}
}

int try_console_parse_line(const char *line, size_t len, struct try_event *ev)
{
	struct view v = {line, len};
	struct try_event e;

	memset(&e, 0, sizeof(e));
	while (v.left && (v.p[v.left - 1] == '\r' || v.p[v.left - 1] == '\n'))
		v.left--;
	view_skip_timestamp(&v);
	/* The unlock messages come from sesame-unlockd, the rest from PID 1;
	 * their wording is one table. */
	if (view_skip_prefix(&v, "sesame-init: ") ||
	    view_skip_prefix(&v, "sesame-unlockd: ")) {
		parse_init_message(v, &e);
	} else if (view_skip_prefix(&v, "Kernel panic - not syncing: ")) {
		field_copy(e.text, sizeof(e.text), v.p, v.left);
		e.type = TRY_EV_PANIC;
	} else if (view_find(&v, TRY_CONSOLE_PROMPT) >= 0 ||
		   view_find(&v, "Passphrase (or unlock over SSH):") >= 0) {
		e.type = TRY_EV_PROMPT;
	}
	*ev = e;
	return 0;
}

void try_console_init(struct try_console *c)
{
	memset(c, 0, sizeof(*c));
}

static void console_line_done(struct try_console *c, try_event_fn fn, void *arg)
{
	struct try_event ev;

	if (!c->overflow && try_console_parse_line(c->line, c->len, &ev) == 0 &&
	    ev.type != TRY_EV_NONE &&
	    !(ev.type == TRY_EV_PROMPT && c->prompt_seen))
		fn(&ev, arg);
	c->len = 0;
	c->overflow = false;
	c->prompt_seen = false;
}

void try_console_feed(struct try_console *c, const char *buf, size_t len,
		      try_event_fn fn, void *arg)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			console_line_done(c, fn, arg);
			continue;
		}
		if (c->len == sizeof(c->line)) {
			c->overflow = true;
			c->len = 0;
		}
		c->line[c->len++] = buf[i];
	}
	/* The prompt waits for input on an unfinished line. */
	if (!c->prompt_seen && !c->overflow && c->len) {
		struct view v = {c->line, c->len};
		if (view_find(&v, "Passphrase (or unlock over SSH):") >= 0) {
			struct try_event ev;
			memset(&ev, 0, sizeof(ev));
			ev.type = TRY_EV_PROMPT;
			c->prompt_seen = true;
			fn(&ev, arg);
		}
	}
}
