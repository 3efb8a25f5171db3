/* console: what sesame-init's console lines say, for `sesame try`. */
#ifndef SESAME_TRY_CONSOLE_H
#define SESAME_TRY_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* The console lines `sesame try` acts on (see try_console_parse_line). */
enum try_ev {
	TRY_EV_NONE = 0,
	TRY_EV_INIT,	   /* "start at S (monotonic), version V": /init runs */
	TRY_EV_NIC,	   /* "net: IF: Ethernet NIC, trying it": a = IF */
	TRY_EV_DHCP_BOUND, /* "dhcp: IF: bound A/P from S, ... (N ms ...)" */
	TRY_EV_REACHABLE,  /* "reachable on IF at A": a = IF, b = A */
	TRY_EV_NET_WAITING, /* "net: no address after N s; ..." */
	TRY_EV_NO_SSH,	    /* "no authorized_keys in the image: no SSH" */
	TRY_EV_DROPBEAR,    /* "dropbear started (pid N)" */
	TRY_EV_HOSTKEY,	    /* "ssh host key 256 SHA256:... (T)": a = rest */
	TRY_EV_LUKS_QUEUED, /* "LUKS device DEV queued for unlock as NAME" */
	TRY_EV_PROMPT,	    /* the console passphrase prompt (no newline) */
	TRY_EV_OPENED,	    /* "opened NAME (DEV) with key slot N": a = NAME */
	TRY_EV_WRONG,	    /* "wrong passphrase (N of M)" */
	TRY_EV_SWITCH,	    /* "switching to INIT on DEV": a = INIT, b = DEV */
	TRY_EV_EMERGENCY,   /* "emergency: WHY": text = WHY */
	TRY_EV_PANIC,	    /* "Kernel panic - not syncing: WHY": text */
	TRY_EV_MODULE_FAIL, /* "loading module NAME: WHY": a = NAME, text */
};

/* Field sizes; longer fields are cut (the text is for the report only). */
#define TRY_EV_FIELD 64
#define TRY_EV_TEXT 200

struct try_event {
	enum try_ev type;
	char a[TRY_EV_FIELD];
	char b[TRY_EV_FIELD];
	unsigned ms; /* TRY_EV_DHCP_BOUND: DHCP's own time, ms */
	char text[TRY_EV_TEXT];
};

/*
 * Classifies one console line of len bytes (no newline; a CR, a kmsg
 * timestamp "[  1.234] " and sesame-init's "error: "/"warning: " are
 * skipped). Untrusted bytes: anything not matched is TRY_EV_NONE, fields
 * are cut to their size, control bytes become '?'. Returns 0 and *ev
 * (type TRY_EV_NONE when the line means nothing here).
 */
int try_console_parse_line(const char *line, size_t len, struct try_event *ev);

/* The passphrase prompt, printed without a newline by the console. */
#define TRY_CONSOLE_PROMPT "Passphrase (or unlock over SSH): "

typedef void (*try_event_fn)(const struct try_event *ev, void *arg);

/* Splits a console byte stream into lines; bounded, any bytes accepted. */
struct try_console {
	char line[1024];
	size_t len;
	bool overflow;	  /* the current line was longer: dropped */
	bool prompt_seen; /* TRY_EV_PROMPT reported for the current line */
};

void try_console_init(struct try_console *c);
/*
 * Feeds len bytes; calls fn for each event of each complete line, and
 * TRY_EV_PROMPT as soon as the prompt shows in the unfinished line.
 */
void try_console_feed(struct try_console *c, const char *buf, size_t len,
		      try_event_fn fn, void *arg);

#endif
