/* cmdline: tokenizes kernel-style words and applies them through a parameter
 * table. */
#include "init/cmdline.h"
#include "nfs/nfsroot.h"

#include <errno.h>
#include <string.h>

#include "common/cmdline_split.h"
#include "common/log.h"
#include "common/strutil.h"

struct param_def {
	const char *name;
	enum boot_param_form form;
	/* value is NULL for a bare word; returns 0 or -EINVAL/-EOPNOTSUPP. */
	int (*apply)(struct boot_config *c, const char *value);
};

static int param_bool(const char *value, bool *out)
{
	if (!value || strcmp(value, "1") == 0 || strcmp(value, "yes") == 0 ||
	    strcmp(value, "true") == 0)
		*out = true;
	else if (strcmp(value, "0") == 0 || strcmp(value, "no") == 0 ||
		 strcmp(value, "false") == 0)
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static int param_seconds(const char *value, unsigned *out)
{
	uint64_t v;
	/* A day is plenty; more is a typo, and it keeps timers in range. */
	int r = str_to_u64(value, 10, 86400, &v);

	if (r < 0)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int apply_root(struct boot_config *c, const char *v)
{
	/* NFS forms are parsed with nfsroot= at boot_setup_root(). */
	if (nfs_root_wanted(v, NULL)) {
		if (str_copy(c->root.value, sizeof(c->root.value), v) < 0)
			return -EINVAL;
		c->root.kind = SPEC_NFS;
		return 0;
	}
	return spec_parse(v, &c->root);
}

/* A file system type name: what mount(2) and /proc/filesystems use. */
static int apply_rootfstype(struct boot_config *c, const char *v)
{
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '.' || *p == '-'))
			return -EINVAL;
	if (!*v)
		return -EINVAL;
	return str_copy(c->rootfstype, sizeof(c->rootfstype), v) < 0 ? -EINVAL
								     : 0;
}

static int apply_rootflags(struct boot_config *c, const char *v)
{
	return str_copy(c->rootflags, sizeof(c->rootflags), v) < 0 ? -EINVAL
								   : 0;
}

static int apply_ro(struct boot_config *c, const char *v)
{
	(void)v;
	c->rw = false;
	return 0;
}

static int apply_rw(struct boot_config *c, const char *v)
{
	(void)v;
	c->rw = true;
	return 0;
}

/* An absolute path, resolved later inside the new root. */
static int apply_init(struct boot_config *c, const char *v)
{
	if (v[0] != '/')
		return -EINVAL;
	return str_copy(c->init, sizeof(c->init), v) < 0 ? -EINVAL : 0;
}

static int apply_timeout(struct boot_config *c, const char *v)
{
	return param_seconds(v, &c->timeout_sec);
}

struct break_name {
	const char *name;
	unsigned bit;
};

static const struct break_name break_names[] = {
    {"cmdline", BREAK_CMDLINE},	    {"pre-mount", BREAK_PRE_MOUNT},
    {"mount", BREAK_MOUNT},	    {"pre-pivot", BREAK_PRE_PIVOT},
    {"pre-udev", BREAK_CMDLINE},    {"pre-trigger", BREAK_CMDLINE},
    {"initqueue", BREAK_PRE_MOUNT},
};

static int apply_break(struct boot_config *c, const char *v)
{
	if (!v || !*v) {
		c->breaks |= BREAK_PRE_PIVOT;
		return 0;
	}
	for (size_t i = 0; i < sizeof(break_names) / sizeof(break_names[0]);
	     i++)
		if (strcmp(v, break_names[i].name) == 0) {
			c->breaks |= break_names[i].bit;
			return 0;
		}
	return -EINVAL;
}

static int apply_shell(struct boot_config *c, const char *v)
{
	return param_bool(v, &c->shell);
}

static int apply_nfs_overlay(struct boot_config *c, const char *v)
{
	return param_bool(v, &c->nfs_overlay);
}

static int apply_debug(struct boot_config *c, const char *v)
{
	return param_bool(v, &c->debug);
}

struct action_name {
	const char *name;
	enum emergency_action action;
};

static const struct action_name action_names[] = {
    {"wait", EMERGENCY_WAIT},	  {"shell", EMERGENCY_SHELL},
    {"reboot", EMERGENCY_REBOOT}, {"poweroff", EMERGENCY_POWEROFF},
    {"halt", EMERGENCY_WAIT},
};

static int apply_emergency(struct boot_config *c, const char *v)
{
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]);
	     i++)
		if (strcmp(v, action_names[i].name) == 0) {
			c->emergency = action_names[i].action;
			return 0;
		}
	return -EINVAL;
}

static int apply_reboot_delay(struct boot_config *c, const char *v)
{
	return param_seconds(v, &c->reboot_delay_sec);
}

static int apply_fsck_mode(struct boot_config *c, const char *v)
{
	if (strcmp(v, "auto") == 0)
		c->fsck = FSCK_AUTO;
	else if (strcmp(v, "force") == 0)
		c->fsck = FSCK_FORCE;
	else if (strcmp(v, "skip") == 0)
		c->fsck = FSCK_SKIP;
	else
		return -EINVAL;
	return 0;
}

static int apply_skipfsck(struct boot_config *c, const char *v)
{
	bool skip;

	if (param_bool(v, &skip) < 0)
		return -EINVAL;
	c->fsck = skip ? FSCK_SKIP : FSCK_AUTO;
	return 0;
}

/* An absolute mount point inside the new root, no "." or ".." parts. */
static int apply_mount(struct boot_config *c, const char *v)
{
	const char *p;

	if (v[0] != '/' || strcmp(v, "/") == 0)
		return -EINVAL;
	for (p = v; *p;) {
		size_t n;
		p += strspn(p, "/");
		n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		p += n;
	}
	for (unsigned i = 0; i < c->n_mounts; i++)
		if (strcmp(c->mounts[i], v) == 0)
			return 0;
	if (c->n_mounts >= BOOT_MAX_MOUNTS)
		return -EINVAL;
	if (str_copy(c->mounts[c->n_mounts], sizeof(c->mounts[0]), v) < 0)
		return -EINVAL;
	c->n_mounts++;
	return 0;
}

/* A parameter read later through boot_config_get(); only its form is
 * checked here. */
static int apply_kept(struct boot_config *c, const char *v)
{
	(void)c;
	(void)v;
	return 0;
}

/* Sorted by nothing but reading order; looked up linearly (tens of rows). */
static const struct param_def param_defs[] = {
    {"root", BOOT_PARAM_VALUE, apply_root},
    {"rootfstype", BOOT_PARAM_VALUE, apply_rootfstype},
    {"rootflags", BOOT_PARAM_VALUE, apply_rootflags},
    {"ro", BOOT_PARAM_FLAG, apply_ro},
    {"rw", BOOT_PARAM_FLAG, apply_rw},
    {"init", BOOT_PARAM_VALUE, apply_init},
    {"rd.timeout", BOOT_PARAM_VALUE, apply_timeout},
    {"rd.break", BOOT_PARAM_OPTIONAL, apply_break},
    {"rd.shell", BOOT_PARAM_BOOL, apply_shell},
    {"rd.debug", BOOT_PARAM_BOOL, apply_debug},
    {"rd.emergency", BOOT_PARAM_VALUE, apply_emergency},
    {"rd.skipfsck", BOOT_PARAM_BOOL, apply_skipfsck},
    {"fsck.mode", BOOT_PARAM_VALUE, apply_fsck_mode},
    {"sesame.emergency", BOOT_PARAM_VALUE, apply_emergency},
    {"sesame.reboot_delay", BOOT_PARAM_VALUE, apply_reboot_delay},
    {"sesame.mount", BOOT_PARAM_VALUE, apply_mount},
    {"sesame.nfs_overlay", BOOT_PARAM_BOOL, apply_nfs_overlay},
    /* parsed with root= when the root is set up (boot_config_get) */
    {"nfsroot", BOOT_PARAM_VALUE, apply_kept},
    /* The hooks declare their own (boot_config_declare). */
};

void boot_config_init(struct boot_config *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout_sec = BOOT_TIMEOUT_DEFAULT;
	c->reboot_delay_sec = BOOT_REBOOT_DELAY_DEFAULT;
	c->emergency = EMERGENCY_DEFAULT;
	c->fsck = FSCK_AUTO;
}

int boot_config_declare(struct boot_config *c, const struct boot_param_decl *d,
			unsigned n)
{
	if (c->n_decl_tables >= BOOT_MAX_DECL_TABLES)
		return -ENOSPC;
	c->decl[c->n_decl_tables] = d;
	c->n_decl[c->n_decl_tables++] = n;
	return 0;
}

static const struct param_def *param_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(param_defs) / sizeof(param_defs[0]); i++)
		if (strcmp(param_defs[i].name, name) == 0)
			return &param_defs[i];
	return NULL;
}

static const struct boot_param_decl *param_declared(const struct boot_config *c,
						    const char *name)
{
	for (unsigned t = 0; t < c->n_decl_tables; t++)
		for (unsigned i = 0; i < c->n_decl[t]; i++)
			if (strcmp(c->decl[t][i].name, name) == 0)
				return &c->decl[t][i];
	return NULL;
}

/* 0 when value has form's shape: bare or not. */
static int param_form_ok(enum boot_param_form form, const char *value)
{
	bool b;

	if (form == BOOT_PARAM_VALUE && !value)
		return -EINVAL;
	if (form == BOOT_PARAM_FLAG && value)
		return -EINVAL;
	if (form == BOOT_PARAM_BOOL && value && param_bool(value, &b) < 0)
		return -EINVAL;
	return 0;
}

/* Keeps the word for boot_config_find(); value NULL for a bare flag. */
static int boot_config_store(struct boot_config *c, const char *name,
			     const char *value)
{
	size_t nl = strlen(name) + 1, vl = value ? strlen(value) + 1 : 0;
	struct boot_word *w;

	if (c->n_words >= BOOT_MAX_WORDS ||
	    BOOT_ARENA_SIZE - c->arena_len < nl + vl)
		return -E2BIG;
	w = &c->words[c->n_words++];
	w->name_off = (unsigned)c->arena_len;
	memcpy(c->arena + c->arena_len, name, nl);
	c->arena_len += nl;
	w->value_off = -1;
	if (value) {
		w->value_off = (int)c->arena_len;
		memcpy(c->arena + c->arena_len, value, vl);
		c->arena_len += vl;
	}
	return 0;
}

/* Applies one word ("name=value" or "name"), already unquoted. */
static int boot_config_apply_word(struct boot_config *c, char *word)
{
	char *eq = strchr(word, '=');
	const char *value = NULL;
	const struct boot_param_decl *hd;
	const struct param_def *d;
	int r;

	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	if (!*word)
		return 0;
	if ((hd = param_declared(c, word))) {
		/* a hook's: kept only when well-formed */
		if ((r = param_form_ok(hd->form, value)) < 0 ||
		    (hd->check && (r = hd->check(word, value)) < 0))
			goto bad;
		return boot_config_store(c, word, value);
	}
	if ((r = boot_config_store(c, word, value)) < 0)
		return r;
	d = param_lookup(word);
	if (!d) {
		log_debug("boot parameter %s: not ours, ignored", word);
		return 0;
	}
	if (d->form != BOOT_PARAM_BOOL &&
	    (r = param_form_ok(d->form, value)) < 0)
		goto bad;
	r = d->apply(c, value);
	if (r == 0)
		return 0;
bad:
	c->warnings++;
	if (r == -EOPNOTSUPP)
		log_warn("boot parameter %s=%s: form not supported, ignored",
			 word, value ? value : "");
	else
		log_warn("boot parameter %s%s%s is malformed, keeping the "
			 "previous value",
			 word, value ? "=" : "", value ? value : "");
	return 0;
}

int boot_config_parse(struct boot_config *c, const char *buf, size_t len,
		      bool is_file)
{
	struct cmdline_split sp;
	char word[BOOT_WORD_MAX];
	int r = 0, w;

	cmdline_split_init(&sp, buf, len, is_file);
	while ((w = cmdline_split_next(&sp, word, sizeof(word))) != 0) {
		if (w < 0) {
			c->warnings++;
			log_warn("boot parameter %.32s...: %s, ignored", word,
				 w == -ENAMETOOLONG ? "too long"
						    : "control characters");
			continue;
		}
		if ((r = boot_config_apply_word(c, word)) < 0) {
			log_warn("boot parameters: too many, the rest ignored");
			break;
		}
	}
	mem_wipe(word, sizeof(word));
	return r;
}

int boot_config_find(const struct boot_config *c, const char *name,
		     unsigned *iter, const char **valuep)
{
	for (unsigned i = *iter; i < c->n_words; i++) {
		const struct boot_word *w = &c->words[i];
		if (strcmp(c->arena + w->name_off, name) != 0)
			continue;
		*valuep = w->value_off < 0 ? NULL : c->arena + w->value_off;
		*iter = i + 1;
		return 0;
	}
	*iter = c->n_words;
	return -ENOENT;
}

const char *boot_config_get(const struct boot_config *c, const char *name)
{
	const char *v = NULL, *last = NULL;
	unsigned it = 0;

	while (boot_config_find(c, name, &it, &v) == 0)
		last = v;
	return last;
}
