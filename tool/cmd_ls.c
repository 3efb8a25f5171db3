/* cmd_ls: `sesame ls IMAGE` prints every entry of every segment of an image. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fileio.h"
#include "common/log.h"
#include "image/imgread.h"
#include "tool/commands.h"

/* Images of several GiB are not initramfs images. */
#define LS_IMAGE_MAX (4ull << 30)

struct ls_state {
	FILE *out;
	size_t entries;
	unsigned segments;
};

static char ls_type_char(uint32_t mode)
{
	switch (mode & 0170000) {
	case 0100000:
		return '-';
	case 0040000:
		return 'd';
	case 0120000:
		return 'l';
	case 0020000:
		return 'c';
	case 0060000:
		return 'b';
	case 0010000:
		return 'p';
	case 0140000:
		return 's';
	}
	return '?';
}

static void ls_mode_string(uint32_t mode, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";

	s[0] = ls_type_char(mode);
	for (int i = 0; i < 9; i++)
		s[1 + i] = mode & (1u << (8 - i)) ? rwx[i] : '-';
	if (mode & 04000)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		s[6] = s[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		s[9] = s[9] == 'x' ? 't' : 'T';
	s[10] = '\0';
}

/* Prints len bytes with control characters and non-ASCII as '?'. */
static void ls_put_safe(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		fputc(c < 0x20 || c >= 0x7f ? '?' : c, f);
	}
}

static int ls_segment(const struct imgread_segment *s, void *arg)
{
	struct ls_state *st = arg;

	st->segments++;
	fprintf(st->out, "# segment %u at offset %zu: %s\n", s->index,
		s->offset,
		strcmp(s->filter, "none") ? s->filter : "uncompressed");
	return 0;
}

static int ls_entry(const struct newc_entry *e, void *arg)
{
	struct ls_state *st = arg;
	const char *name = e->name;
	size_t namelen = e->namelen;
	char mode[11], size[32];
	char type;

	/* Archives name members "x", "./x" or "/x"; print them as "/x". */
	while (namelen &&
	       (name[0] == '/' ||
		(name[0] == '.' && (namelen == 1 || name[1] == '/')))) {
		name++;
		namelen--;
	}
	ls_mode_string(e->mode, mode);
	type = mode[0];
	if (type == 'c' || type == 'b')
		snprintf(size, sizeof(size), "%u,%u", e->rdevmajor,
			 e->rdevminor);
	else
		snprintf(size, sizeof(size), "%u", e->filesize);
	fprintf(st->out, "%s %5u %5u %10s /", mode, e->uid, e->gid, size);
	ls_put_safe(st->out, name, namelen);
	if (type == 'l') {
		fputs(" -> ", st->out);
		ls_put_safe(st->out, (const char *)e->data, e->filesize);
	}
	fputc('\n', st->out);
	st->entries++;
	return 0;
}

static void ls_usage(FILE *f)
{
	fprintf(f, "usage: sesame ls IMAGE\n\n"
		   "Lists every entry of every segment of an initramfs image "
		   "(type and mode,\nuid, gid, size or device, path, link "
		   "target). See sesame-ls(1).\n");
}

int cmd_ls(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct imgread_ops ops = {.segment = ls_segment, .entry = ls_entry};
	struct ls_state st = {.out = stdout};
	char *buf = NULL;
	size_t len;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			ls_usage(stdout);
			return EXIT_OK;
		}
		ls_usage(stderr);
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		ls_usage(stderr);
		return EXIT_USAGE;
	}
	if ((r = file_read_all(argv[optind], LS_IMAGE_MAX, &buf, &len)) < 0) {
		log_err_errno(r, "%s", argv[optind]);
		return EXIT_FAIL;
	}
	r = imgread_walk((const uint8_t *)buf, len, argv[optind], &ops, &st);
	free(buf);
	if (r == 0)
		printf("# %u segment%s, %zu entries\n", st.segments,
		       st.segments == 1 ? "" : "s", st.entries);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_err("writing the listing failed");
		return EXIT_FAIL;
	}
	if (r < 0)
		return EXIT_FAIL;
	return EXIT_OK;
}
