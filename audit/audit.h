/* audit: the hardening checks: one catalogue of stable IDs, findings, accepts.
 */
#ifndef SESAME_AUDIT_AUDIT_H
#define SESAME_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum audit_severity {
	AUDIT_INFO,
	AUDIT_WARNING,
	AUDIT_ERROR,
};

/*
 * One row of the catalogue (audit/catalog.c). The id is stable like a
 * compiler warning name: never renamed, never reused for another check.
 * docs/hardening.md and sesame-audit(1) are generated from this table.
 */
struct audit_check {
	const char *id;
	enum audit_severity severity;
	const char *area; /* "image", "host", "keys", "luks", "boot", "net" */
	const char *title;
	const char *why;
	const char *fix;
};

extern const struct audit_check audit_catalog[];
extern const size_t audit_catalog_len;

/* The areas in the order the docs and the text output group them. */
extern const char *const audit_areas[];
extern const size_t audit_areas_len;
const char *audit_area_title(const char *area);

const char *audit_severity_name(enum audit_severity s);
/* The row with this id, or NULL. */
const struct audit_check *audit_check_find(const char *id);

struct audit_finding {
	const struct audit_check *check;
	char *subject; /* what the finding is about: a path, a key, a device */
	char *message; /* what was seen */
	const char
	    *accepted; /* the reason from the config; NULL if not accepted */
};

struct audit_accept {
	char *id;
	char *reason;
	unsigned line;
};

struct audit_report {
	struct audit_finding *v;
	size_t n, cap;
	struct audit_accept *acc;
	size_t n_acc;
	int error; /* first allocation failure while adding, or 0 */
};

void audit_report_init(struct audit_report *r);
void audit_report_free(struct audit_report *r);

/*
 * Records a finding of the check id (which must be in the catalogue: an
 * unknown id is a programming error and aborts) about subject. A finding
 * whose id is accepted in the config carries the reason. Allocation
 * failures are remembered in r->error.
 */
void audit_add(struct audit_report *r, const char *id, const char *subject,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Findings of this id (for tests and for the builder). */
size_t audit_count_id(const struct audit_report *r, const char *id);
/* Findings not accepted at or above min. */
size_t audit_count_open(const struct audit_report *r, enum audit_severity min);

/*
 * The accept config (AUDIT_CONF_PATH): lines "accept ID REASON...", '#'
 * comments, blank lines. A deliberate silence must say why: a line
 * without a reason, an unknown ID or any other word is an error logged as
 * "origin:line: ..." (-EINVAL). len bytes, need not be NUL-terminated.
 */
#define AUDIT_CONF_PATH "/etc/sesame/audit.conf"
#define AUDIT_CONF_MAX (64u << 10)
int audit_accept_parse(struct audit_report *r, const char *buf, size_t len,
		       const char *origin);
/* Reads path; a missing file is no accepts (0). */
int audit_accept_load(struct audit_report *r, const char *path);

/* ---- output ---------------------------------------------------------- */

/* Text for people, grouped by area; colour when color. */
void audit_print_text(const struct audit_report *r, FILE *f, bool color);
/*
 * JSON for fleets (schema in docs/hardening.md, "JSON output"):
 * {"schema":1,"findings":[{"id","severity","area","subject","message",
 * "fix","accepted"}...],"counts":{"error","warning","info","accepted"}}
 */
void audit_print_json(const struct audit_report *r, FILE *f);

/* ---- inputs ---------------------------------------------------------- */

/* One entry of an image as the kernel would unpack it (later ones win). */
struct audit_entry {
	char *name;    /* "/etc/x": absolute, no trailing slash */
	uint32_t mode; /* type and permission bits, as in stat */
	uint32_t uid, gid;
	uint8_t *data; /* file contents or link target; may be NULL */
	size_t len;
};

struct audit_image {
	struct audit_entry *v;
	size_t n, cap;
	bool sorted;
};

void audit_image_init(struct audit_image *img);
void audit_image_free(struct audit_image *img);
/* Adds (or replaces, as a later cpio member does) an entry; data copied. */
int audit_image_put(struct audit_image *img, const char *name, size_t namelen,
		    uint32_t mode, uint32_t uid, uint32_t gid, const void *data,
		    size_t len);
/* Every segment of an image file's bytes, through image/imgread. */
int audit_image_from_bytes(struct audit_image *img, const uint8_t *p,
			   size_t len, const char *origin);
const struct audit_entry *audit_image_get(struct audit_image *img,
					  const char *name);

struct image_list;
/* What `sesame build` is about to write: the list, host files read. */
int audit_image_from_list(struct audit_image *img, const struct image_list *l);

#define AUDIT_MAX_DEVICES 16

/* Where each check looks. Host paths are below host_root ("" or NULL: /). */
struct audit_inputs {
	struct audit_image *img; /* NULL: no image checks */
	const char *image_path;	 /* the image file on the host, or NULL */
	const char *output_dir;	 /* build: where the image will be written */
	const char *host_root;
	const char *cmdline; /* NULL: host_root/proc/cmdline if readable */
	const char *devices[AUDIT_MAX_DEVICES]; /* --device */
	size_t n_devices;
	uint64_t target_mem_kib; /* 0: host_root/proc/meminfo MemTotal */
	uint64_t pbkdf2_min;	 /* 0: cryptsetup's benchmark decides */
	const char *keydir;	 /* NULL: host_root/etc/sesame/keys */
};

/* Runs every check that its inputs allow; findings go into r. */
int audit_run(const struct audit_inputs *in, struct audit_report *r);

/* The parts, each over the same inputs (audit_run calls them all). */
void audit_check_image_file(const struct audit_inputs *in,
			    struct audit_report *r);
void audit_check_image_content(const struct audit_inputs *in,
			       struct audit_report *r);
void audit_check_keys(const struct audit_inputs *in, struct audit_report *r);
void audit_check_boot(const struct audit_inputs *in, struct audit_report *r);
void audit_check_luks(const struct audit_inputs *in, struct audit_report *r);
void audit_check_net(const struct audit_inputs *in, struct audit_report *r);

/*
 * `sesame build`: the checks on the list about to be written to output
 * (its directory is checked; host paths are the real ones), printed on
 * stderr. With strict, any open warning or error refuses (-EPERM).
 * SESAME_AUDIT_CONF names the accept config (default AUDIT_CONF_PATH).
 */
int audit_build_check(const struct image_list *l, const char *output,
		      int strict);

/* A host path below in->host_root into buf; -ENAMETOOLONG. */
int audit_host_path(const struct audit_inputs *in, const char *path, char *buf,
		    size_t size);

#endif
