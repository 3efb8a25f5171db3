/* console_prompt: the passphrase prompt on /dev/console, driven by /init's
 * loop. */
#ifndef SESAME_CONSOLE_PROMPT_H
#define SESAME_CONSOLE_PROMPT_H

#include "common/loop.h"
#include "sshd/unlock_server.h"

struct console_prompt;

/*
 * Asks for a passphrase on tty_fd (not owned; a terminal in canonical mode,
 * e.g. /dev/console) without echo, and hands each line to fn, the same
 * callback the unlock socket uses (so both share one attempt counter). The
 * answer's text is printed; after WRONG or WAIT the prompt returns once
 * wait_sec has passed (typed-ahead input is discarded); after OK or REFUSED
 * it stops asking and restores the terminal. The line is read into locked
 * memory and wiped as soon as fn returns. prompt is the text shown (NULL:
 * "Passphrase (or unlock over SSH): "). tty_fd is made non-blocking while
 * the prompt runs (give it an open of its own): its writes never block
 * /init, and text a stopped console does not take is dropped (log_tty).
 *
 * While an attempt runs the console stays responsive: when its own line is
 * handed over it says "please wait: trying the passphrase..." once, and a
 * line typed meanwhile is answered at once and dropped ("please wait: the
 * passphrase is still being tried (N s)"). A line fn refuses with -EBUSY
 * (an attempt from SSH runs) is kept for console_prompt_retry() and
 * answered "please wait: a passphrase from SSH is being tried; yours is
 * next", as are lines typed after it (those are dropped).
 */
int console_prompt_start(struct loop *l, int tty_fd, const char *prompt,
			 unlock_passphrase_fn fn, void *data,
			 struct console_prompt **cpp);
/*
 * Stops asking: prints why on its own line when not NULL (e.g. "unlocked
 * over SSH"), restores the terminal's settings, wipes and frees. NULL-safe;
 * may be called from inside fn (the prompt then goes once fn returns).
 */
void console_prompt_stop(struct console_prompt *cp, const char *why);
/*
 * The answer to the line fn took with UNLOCK_ANSWER_LATER: shown, then the
 * prompt goes on as after a direct answer. NULL-safe.
 */
void console_prompt_answer(struct console_prompt *cp,
			   const struct unlock_answer *ans);
/* Offers the line fn refused with -EBUSY again. NULL-safe. */
void console_prompt_retry(struct console_prompt *cp);
/* True while the prompt still asks (not after OK, REFUSED or a dead tty). */
int console_prompt_active(const struct console_prompt *cp);

#endif
