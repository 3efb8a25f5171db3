/* cmdline_split: kernel-style parameter words from untrusted bytes. */
#include "common/cmdline_split.h"

#include <errno.h>
#include <string.h>

/* The kernel's own separators (isspace), and NUL, which ends nothing. */
static bool cmdline_split_blank(unsigned char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	       ch == '\v' || ch == '\f' || ch == '\0';
}

void cmdline_split_init(struct cmdline_split *s, const char *buf, size_t len,
			bool is_file)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->len = buf ? len : 0;
	s->is_file = is_file;
}

int cmdline_split_next(struct cmdline_split *s, char *word, size_t size)
{
	const unsigned char *b = (const unsigned char *)s->buf;

	if (size < 2)
		return -EINVAL;
	word[0] = '\0';
	while (!s->ended && s->off < s->len) {
		size_t wl = 0;
		bool quoted = false, overlong = false, ctl = false;

		while (s->off < s->len && cmdline_split_blank(b[s->off]))
			s->off++;
		if (s->off >= s->len)
			break;
		if (s->is_file && b[s->off] == '#') {
			while (s->off < s->len && b[s->off] != '\n')
				s->off++;
			continue;
		}
		for (; s->off < s->len; s->off++) {
			unsigned char ch = b[s->off];
			if (ch == '"') {
				quoted = !quoted;
				continue;
			}
			if (ch == '\n' || ch == '\0')
				break; /* a quote never spans lines */
			if (!quoted && cmdline_split_blank(ch))
				break;
			if (ch < 0x20 || ch == 0x7f)
				ctl = true;
			if (wl + 1 >= size) {
				overlong = true;
				continue;
			}
			word[wl++] = (char)ch;
		}
		word[wl] = '\0';
		if (!wl && !overlong)
			continue; /* "" alone: no word */
		if (overlong)
			return -ENAMETOOLONG;
		if (ctl)
			return -EILSEQ;
		if (!s->is_file && strcmp(word, "--") == 0) {
			s->ended = true;
			break;
		}
		return 1;
	}
	word[0] = '\0';
	return 0;
}
