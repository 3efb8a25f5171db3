/* sesame: the host tool; dispatches to its subcommands. */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "tool/commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"build", cmd_build, "write the initramfs image"},
	{"ls", cmd_ls, "list an image's entries, every segment"},
	{"keys", cmd_keys, "the image's SSH host keys: init, show"},
	{"audit", cmd_audit, "the hardening checks, as findings with IDs"},
	{"try", cmd_try, "boot an image in QEMU: what a remote admin would see"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: sesame COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'sesame COMMAND --help' describes a command; "
		   "see also sesame(1).\n");
}

int main(int argc, char **argv)
{
	log_set_ident("sesame");
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("sesame %s\n", SESAME_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	log_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
