/* cmd_audit: `sesame audit [IMAGE]`: the hardening checks, for people or
 * fleets; and the same checks run by `sesame build` before it writes. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "image/build.h"
#include "tool/commands.h"

/* Images of several GiB are not initramfs images. */
#define AUDIT_IMAGE_MAX (4ull << 30)

enum {
	OPT_JSON = 0x100,
	OPT_STRICT,
	OPT_CMDLINE,
	OPT_DEVICE,
	OPT_HOST_ROOT,
	OPT_CONFIG,
	OPT_TARGET_MEM,
	OPT_PBKDF2_MIN,
	OPT_KEYDIR,
	OPT_LIST_CHECKS,
	OPT_COLOR,
	OPT_HELP,
};

static const struct option audit_longopts[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"cmdline", required_argument, NULL, OPT_CMDLINE},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"host-root", required_argument, NULL, OPT_HOST_ROOT},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"target-memory", required_argument, NULL, OPT_TARGET_MEM},
    {"pbkdf2-min", required_argument, NULL, OPT_PBKDF2_MIN},
    {"keydir", required_argument, NULL, OPT_KEYDIR},
    {"list-checks", no_argument, NULL, OPT_LIST_CHECKS},
    {"color", required_argument, NULL, OPT_COLOR},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void audit_usage(FILE *f)
{
	fprintf(
	    f, "usage: sesame audit [options] [IMAGE]\n\n"
	       "  --json                 one JSON document (schema in "
	       "sesame-audit(1))\n"
	       "  --strict               warnings fail too (exit 1)\n"
	       "  --cmdline TEXT         the kernel command line (default "
	       "/proc/cmdline)\n"
	       "  --device DEV           a LUKS device or header file to "
	       "check (repeatable)\n"
	       "  --host-root DIR        read the host's files below DIR "
	       "(default /)\n"
	       "  --config FILE          accepted findings (default "
	       "/etc/sesame/audit.conf)\n"
	       "  --target-memory MIB    the target's memory (default: this "
	       "host's)\n"
	       "  --pbkdf2-min N         PBKDF2 iterations to expect "
	       "(default: benchmark)\n"
	       "  --keydir DIR           the image's host keys on this host\n"
	       "  --color auto|always|never\n"
	       "  --list-checks          print the catalogue's IDs\n"
	       "Exit status: 0 clean, 1 findings (errors; with --strict "
	       "also warnings)\nor a failure, 2 usage. See sesame-audit(1).\n");
}

struct audit_cli {
	struct audit_inputs in;
	const char *config;
	bool json, strict, list;
	int color; /* -1 auto */
};

static int audit_parse_args(int argc, char **argv, struct audit_cli *c)
{
	uint64_t v;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", audit_longopts, NULL)) !=
	       -1) {
		switch (opt) {
		case OPT_JSON:
			c->json = true;
			break;
		case OPT_STRICT:
			c->strict = true;
			break;
		case OPT_CMDLINE:
			c->in.cmdline = optarg;
			break;
		case OPT_DEVICE:
			if (c->in.n_devices == AUDIT_MAX_DEVICES) {
				log_err("at most %d --device",
					AUDIT_MAX_DEVICES);
				return -EINVAL;
			}
			c->in.devices[c->in.n_devices++] = optarg;
			break;
		case OPT_HOST_ROOT:
			c->in.host_root = optarg;
			break;
		case OPT_CONFIG:
			c->config = optarg;
			break;
		case OPT_TARGET_MEM:
			if (str_to_u64(optarg, 10, UINT32_MAX, &v) < 0 || !v) {
				log_err("--target-memory %s: MiB expected",
					optarg);
				return -EINVAL;
			}
			c->in.target_mem_kib = v * 1024;
			break;
		case OPT_PBKDF2_MIN:
			if (str_to_u64(optarg, 10, UINT32_MAX, &v) < 0 || !v) {
				log_err("--pbkdf2-min %s: a count expected",
					optarg);
				return -EINVAL;
			}
			c->in.pbkdf2_min = v;
			break;
		case OPT_KEYDIR:
			c->in.keydir = optarg;
			break;
		case OPT_LIST_CHECKS:
			c->list = true;
			break;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto"))
				c->color = -1;
			else if (!strcmp(optarg, "always"))
				c->color = 1;
			else if (!strcmp(optarg, "never"))
				c->color = 0;
			else {
				log_err("--color %s: auto, always or never",
					optarg);
				return -EINVAL;
			}
			break;
		case 'h':
		case OPT_HELP:
			audit_usage(stdout);
			return 1;
		default:
			return -EINVAL;
		}
	}
	if (argc - optind > 1) {
		log_err("unexpected argument '%s'", argv[optind + 1]);
		return -EINVAL;
	}
	if (argc - optind == 1)
		c->in.image_path = argv[optind];
	return 0;
}

static int audit_load_image(const char *path, struct audit_image *img)
{
	char *buf = NULL;
	size_t len;
	int r;

	if ((r = file_read_all(path, AUDIT_IMAGE_MAX, &buf, &len)) < 0)
		return log_err_errno(r, "%s", path);
	r = audit_image_from_bytes(img, (const uint8_t *)buf, len, path);
	free(buf);
	return r;
}

/* The accept config: --config, else below the host root. */
static int audit_load_config(const struct audit_inputs *in, const char *cfg,
			     struct audit_report *r)
{
	char path[PATH_MAX];

	if (cfg) {
		if (access(cfg, F_OK) < 0)
			return log_err_errno(-errno, "--config %s", cfg);
		return audit_accept_load(r, cfg);
	}
	if (audit_host_path(in, AUDIT_CONF_PATH, path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	return audit_accept_load(r, path);
}

int cmd_audit(int argc, char **argv)
{
	struct audit_cli c = {.color = -1};
	struct audit_image img;
	struct audit_report rep;
	int r, status = EXIT_FAIL;

	audit_image_init(&img);
	audit_report_init(&rep);
	r = audit_parse_args(argc, argv, &c);
	if (r != 0) {
		if (r < 0)
			fprintf(stderr, "see 'sesame audit --help'\n");
		status = r > 0 ? EXIT_OK : EXIT_USAGE;
		goto out;
	}
	if (c.list) {
		for (size_t i = 0; i < audit_catalog_len; i++)
			printf("%-26s %-7s %s\n", audit_catalog[i].id,
			       audit_severity_name(audit_catalog[i].severity),
			       audit_catalog[i].title);
		status = EXIT_OK;
		goto out;
	}
	if ((r = audit_load_config(&c.in, c.config, &rep)) < 0) {
		status = r == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
		goto out;
	}
	if (c.in.image_path) {
		if ((r = audit_load_image(c.in.image_path, &img)) < 0)
			goto out;
		c.in.img = &img;
	}
	if ((r = audit_run(&c.in, &rep)) < 0) {
		log_err_errno(r, "audit");
		goto out;
	}
	if (c.json)
		audit_print_json(&rep, stdout);
	else
		audit_print_text(&rep, stdout,
				 c.color < 0 ? isatty(STDOUT_FILENO) : c.color);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_err("writing the report failed");
		goto out;
	}
	status = audit_count_open(&rep, c.strict ? AUDIT_WARNING : AUDIT_ERROR)
		     ? EXIT_FAIL
		     : EXIT_OK;
out:
	audit_report_free(&rep);
	audit_image_free(&img);
	return status;
}

int audit_build_check(const struct image_list *l, const char *output,
		      int strict)
{
	struct audit_inputs in = {0};
	struct audit_image img;
	struct audit_report rep;
	const char *cfg = getenv("SESAME_AUDIT_CONF");
	char dir[PATH_MAX];
	const char *slash;
	size_t open;
	int r;

	audit_image_init(&img);
	audit_report_init(&rep);
	if ((r = audit_accept_load(&rep, cfg && *cfg ? cfg : AUDIT_CONF_PATH)) <
	    0)
		goto out;
	if ((r = audit_image_from_list(&img, l)) < 0)
		goto out;
	slash = strrchr(output, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s",
			 slash == output ? 1 : (int)(slash - output), output);
	in.img = &img;
	in.output_dir = dir;
	if ((r = audit_run(&in, &rep)) < 0)
		goto out;
	open = audit_count_open(&rep, AUDIT_WARNING);
	if (rep.n)
		audit_print_text(&rep, stderr, isatty(STDERR_FILENO));
	if (strict && open) {
		log_err("--strict: %zu finding%s: no image written", open,
			open == 1 ? "" : "s");
		r = -EPERM;
	}
out:
	audit_report_free(&rep);
	audit_image_free(&img);
	return r;
}

/* `sesame build` runs the checks whenever this module is linked in. */
__attribute__((constructor)) static void audit_register_build_hook(void)
{
	build_audit_hook = audit_build_check;
}
