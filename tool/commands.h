/* commands: the host tool's subcommands; each returns the exit status. */
#ifndef SESAME_COMMANDS_H
#define SESAME_COMMANDS_H

/* Exit statuses of the host tool (STYLE.md rule 5). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

int cmd_build(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_try(int argc, char **argv);

#endif
