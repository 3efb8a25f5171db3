/* cmd_keys: `sesame keys init|show`, the image's host keys for the admin. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "keys/authkeys.h"
#include "keys/fingerprint.h"
#include "keys/keys.h"
#include "tool/commands.h"

#define ALIAS_MAX 64

static void keys_usage(FILE *f)
{
	fprintf(f,
		"usage: sesame keys init [--dir DIR] [--force]\n"
		"       sesame keys show [--dir DIR] [--alias NAME] "
		"[--host HOST] [--fingerprints]\n"
		"       sesame keys check [FILE] [--render]\n"
		"\n"
		"  init   make the image's own SSH host keys (ed25519, "
		"ecdsa-sha2-nistp256)\n"
		"         with dropbearkey, mode 0600; --force replaces "
		"existing keys\n"
		"  show   their fingerprints, and ssh_config and known_hosts "
		"lines so the\n"
		"         initramfs and the system can keep different host "
		"keys without warnings\n"
		"  check  an authorized_keys file (default %s): each key's\n"
		"         line, role and fingerprint; --render prints the file "
		"as the image\n"
		"         gets it\n"
		"\n"
		"  --dir DIR   key directory (default $SESAME_KEYDIR or %s)\n",
		AUTHKEYS_DEFAULT_PATH, KEYS_DEFAULT_DIR);
}

/* A name usable as a known_hosts host and an ssh_config Host. */
static bool keys_alias_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= ALIAS_MAX || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

static int keys_cmd_init(const char *dir, bool force)
{
	bool created = false;
	int r;

	if ((r = keys_generate(dir, force, &created)) < 0) {
		log_err_errno(r, "no host keys made in %s", dir);
		return EXIT_FAIL;
	}
	if (!created) {
		log_err("host keys already exist in %s; --force replaces them "
			"(clients will then see a changed host key)",
			dir);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int keys_cmd_show(const char *dir, const char *alias, const char *host,
			 bool fingerprints_only)
{
	char desc[KEYS_DESCRIBE_MAX];
	char *text = NULL, *copy = NULL, *line, *save = NULL;
	size_t len;
	int r, status = EXIT_FAIL;

	if ((r = keys_read_public(dir, &text, &len)) < 0) {
		log_err_errno(r,
			      "cannot read the host keys in %s (made by "
			      "'sesame keys init')",
			      dir);
		return EXIT_FAIL;
	}
	if (!(copy = strdup(text))) {
		r = -ENOMEM;
		goto out;
	}
	if (keys_check_distinct(text, len, NULL) < 0)
		log_warn("use dedicated keys: sesame keys init --force");
	if (!fingerprints_only)
		printf("# host keys in %s:\n", dir);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if ((r = keys_describe_line(line, strlen(line), desc,
					    sizeof(desc))) < 0)
			goto out;
		printf("%s%s\n", fingerprints_only ? "" : "#   ", desc);
	}
	if (fingerprints_only) {
		status = EXIT_OK;
		goto out;
	}
	printf("#\n"
	       "# in ~/.ssh/config on the admin's machine:\n"
	       "#   Host %s-initramfs\n"
	       "#     HostName %s\n"
	       "#     User root\n"
	       "#     HostKeyAlias sesame-%s\n"
	       "#\n"
	       "# in ~/.ssh/known_hosts (these lines):\n",
	       alias, host, alias);
	save = NULL; /* the first pass cut text up; copy is whole */
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* "TYPE BASE64 sesame" -> "sesame-ALIAS TYPE BASE64" */
		char *sp = strrchr(line, ' ');
		if (sp)
			*sp = '\0';
		printf("sesame-%s %s\n", alias, line);
	}
	status = EXIT_OK;
out:
	if (r < 0)
		log_err_errno(r, "host keys in %s", dir);
	if (fflush(stdout) != 0)
		status = EXIT_FAIL;
	free(copy);
	free(text);
	return status;
}

static int keys_cmd_check(const char *path, bool render)
{
	char desc[KEYS_DESCRIBE_MAX];
	struct authkeys *ak = NULL;
	char *text = NULL;
	size_t len;
	int status = EXIT_FAIL;

	if (authkeys_parse_file(path, NULL, &ak) < 0)
		return EXIT_FAIL;
	if (render) {
		if (authkeys_render(ak, &text, &len) < 0)
			goto out;
		fwrite(text, 1, len, stdout);
	} else {
		for (size_t i = 0; i < authkeys_count(ak); i++) {
			const struct authkeys_key *k = authkeys_get(ak, i);
			if (keys_describe_blob(k->blob, k->blob_len, desc,
					       sizeof(desc)) < 0)
				snprintf(desc, sizeof(desc), "%s", k->type);
			printf("%s:%u: %-6s %s%s%s\n", path, k->line,
			       k->role == AUTHKEYS_ROLE_RESCUE ? "rescue"
							       : "unlock",
			       desc, k->comment[0] ? " " : "", k->comment);
		}
		printf("%zu keys: %zu unlock, %zu rescue\n", authkeys_count(ak),
		       authkeys_count_role(ak, AUTHKEYS_ROLE_UNLOCK),
		       authkeys_count_role(ak, AUTHKEYS_ROLE_RESCUE));
	}
	status = fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	free(text);
	authkeys_free(ak);
	return status;
}

int cmd_keys(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"dir", required_argument, NULL, 'd'},
	    {"force", no_argument, NULL, 'f'},
	    {"alias", required_argument, NULL, 'a'},
	    {"host", required_argument, NULL, 'H'},
	    {"fingerprints", no_argument, NULL, 'F'},
	    {"render", no_argument, NULL, 'R'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *sub, *alias = NULL, *host = NULL;
	char hostname[256], shortname[ALIAS_MAX];
	bool force = false, fponly = false, render = false;
	int c, nargs;

	if (argc < 2) {
		keys_usage(stderr);
		return EXIT_USAGE;
	}
	sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "help")) {
		keys_usage(stdout);
		return EXIT_OK;
	}
	optind = 0; /* getopt_long anew, also when called twice (tests) */
	while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'f':
			force = true;
			break;
		case 'a':
			alias = optarg;
			break;
		case 'H':
			host = optarg;
			break;
		case 'F':
			fponly = true;
			break;
		case 'R':
			render = true;
			break;
		case 'h':
			keys_usage(stdout);
			return EXIT_OK;
		default:
			keys_usage(stderr);
			return EXIT_USAGE;
		}
	}
	nargs = argc - 1 - optind; /* operands after the subcommand */
	if (!strcmp(sub, "check")) {
		if (nargs > 1 || dir || force || alias || host || fponly) {
			log_err("keys check takes a file and --render only");
			return EXIT_USAGE;
		}
		return keys_cmd_check(
		    nargs ? argv[1 + optind] : AUTHKEYS_DEFAULT_PATH, render);
	}
	if (nargs != 0) {
		log_err("keys %s: unexpected argument '%s'", sub,
			argv[1 + optind]);
		return EXIT_USAGE;
	}
	if (!dir)
		dir = keys_default_dir();
	if (render) {
		log_err("--render is for keys check");
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "init")) {
		if (alias || host || fponly) {
			log_err("keys init takes --dir and --force only");
			return EXIT_USAGE;
		}
		return keys_cmd_init(dir, force);
	}
	if (strcmp(sub, "show") != 0) {
		log_err("unknown keys command '%s'", sub);
		keys_usage(stderr);
		return EXIT_USAGE;
	}
	if (force) {
		log_err("keys show takes no --force");
		return EXIT_USAGE;
	}
	if (gethostname(hostname, sizeof(hostname)) < 0)
		snprintf(hostname, sizeof(hostname), "server");
	hostname[sizeof(hostname) - 1] = '\0';
	if (!alias) {
		snprintf(shortname, sizeof(shortname), "%.*s",
			 (int)strcspn(hostname, "."), hostname);
		alias = shortname;
	}
	if (!host)
		host = hostname;
	if (!keys_alias_ok(alias) || !keys_alias_ok(host)) {
		log_err("--alias and --host take letters, digits, '.', '-' "
			"and '_'");
		return EXIT_USAGE;
	}
	return keys_cmd_show(dir, alias, host, fponly);
}
