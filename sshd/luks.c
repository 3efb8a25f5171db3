/* luks: one passphrase tried on every locked LUKS device, with a growing delay
 * and a cap. */
#include "sshd/luks.h"

#include <errno.h>
#include <fcntl.h>
#include <libcryptsetup.h>
#include <linux/if_alg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "sshd/secret.h"

enum luks_state {
	LUKS_LOCKED,
	LUKS_OPEN,     /* opened by us */
	LUKS_WAS_OPEN, /* its mapping existed already */
};

struct luks_dev {
	char path[LUKS_PATH_MAX];
	char uuid[LUKS_UUID_MAX];
	char name[LUKS_NAME_MAX];
	struct luks_options opt;
	enum luks_state state;
	int last_error;
};

struct luks_set {
	struct luks_config cfg;
	struct luks_policy pol;
	struct luks_attempts att;
	const struct luks_sys *sys;
	unsigned n;
	struct luks_dev dev[LUKS_MAX_DEVICES];
};

void luks_policy_default(struct luks_policy *p)
{
	p->max_attempts = 10;
	p->delay_usec = 1000000;
	p->max_delay_usec = 60000000;
	p->action = LUKS_FAIL_WAIT;
}

uint64_t luks_policy_delay(const struct luks_policy *p, unsigned n)
{
	uint64_t d = p->delay_usec;

	if (n == 0)
		return 0;
	for (unsigned i = 1; i < n && d < p->max_delay_usec; i++)
		d = d > UINT64_MAX / 2 ? UINT64_MAX : d * 2;
	return d < p->max_delay_usec ? d : p->max_delay_usec;
}

int luks_attempts_check(const struct luks_attempts *a,
			const struct luks_policy *p, uint64_t now,
			uint64_t *waitp)
{
	if (p->max_attempts && a->wrong >= p->max_attempts)
		return -EACCES;
	if (now < a->next_usec) {
		*waitp = a->next_usec - now;
		return -EAGAIN;
	}
	return 0;
}

void luks_attempts_record_wrong(struct luks_attempts *a,
				const struct luks_policy *p, uint64_t now)
{
	uint64_t d;

	if (a->wrong < UINT32_MAX)
		a->wrong++;
	d = luks_policy_delay(p, a->wrong);
	a->next_usec = now > UINT64_MAX - d ? UINT64_MAX : now + d;
}

/* ---- the real side effects ---- */

static int luks_sys_is_active(const char *name)
{
	switch (crypt_status(NULL, name)) {
	case CRYPT_ACTIVE:
	case CRYPT_BUSY:
		return 1;
	case CRYPT_INACTIVE:
		return 0;
	default:
		return -ENODEV; /* no device-mapper here */
	}
}

static int luks_sys_activate(struct crypt_device *cd, const char *name,
			     int keyslot, const char *pass, size_t len,
			     uint32_t flags)
{
	return crypt_activate_by_passphrase(cd, name, keyslot, pass, len,
					    flags);
}

static int luks_sys_mem_available(uint64_t *kibp)
{
	return luks_meminfo_read("/proc/meminfo", kibp);
}

static uint64_t luks_sys_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const struct luks_sys luks_sys_real = {
    .is_active = luks_sys_is_active,
    .activate = luks_sys_activate,
    .now_usec = luks_sys_now,
    .mem_available_kib = luks_sys_mem_available,
};

/* ---- memory for Argon2 key slots ---- */

int luks_meminfo_parse(const char *buf, size_t len, uint64_t *kibp)
{
	static const char key[] = "MemAvailable:";
	size_t off = 0;

	while (off < len) {
		const char *line = buf + off;
		const char *nl = memchr(line, '\n', len - off);
		size_t n = nl ? (size_t)(nl - line) : len - off, i;
		uint64_t v = 0;
		int digits = 0;

		off += n + (nl ? 1 : 0);
		if (n < sizeof(key) - 1 || memcmp(line, key, sizeof(key) - 1))
			continue;
		i = sizeof(key) - 1;
		while (i < n && line[i] == ' ')
			i++;
		for (; i < n && line[i] >= '0' && line[i] <= '9'; i++) {
			if (__builtin_mul_overflow(v, 10u, &v) ||
			    __builtin_add_overflow(v, (unsigned)(line[i] - '0'),
						   &v))
				return -EINVAL;
			digits++;
		}
		while (i < n && line[i] == ' ')
			i++;
		/* proc(5): "MemAvailable: %lu kB", nothing after. */
		if (!digits || n - i != 2 || memcmp(line + i, "kB", 2))
			return -EINVAL;
		*kibp = v;
		return 0;
	}
	return -ENOENT;
}

int luks_meminfo_read(const char *path, uint64_t *kibp)
{
	char buf[16384];
	size_t len = 0;
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) &&
	       ((n = read(fd, buf + len, sizeof(buf) - len)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	if (len == sizeof(buf))
		return -EFBIG;
	return luks_meminfo_parse(buf, len, kibp);
}

int luks_mem_fits(const char *pbkdf_type, uint32_t max_memory_kb,
		  uint64_t avail_kib)
{
	if (!pbkdf_type || strncmp(pbkdf_type, "argon2", 6))
		return 1; /* PBKDF2: no memory to speak of */
	return (uint64_t)max_memory_kb + LUKS_MEM_MARGIN_KIB <= avail_kib;
}

const char *luks_pbkdf_name(unsigned pbkdf)
{
	switch (pbkdf) {
	case LUKS_PBKDF_ARGON2I:
		return "argon2i";
	case LUKS_PBKDF_ARGON2ID:
		return "argon2id";
	}
	return "?";
}

static unsigned luks_pbkdf_code(const char *type)
{
	if (type && !strcmp(type, CRYPT_KDF_ARGON2I))
		return LUKS_PBKDF_ARGON2I;
	if (type && !strcmp(type, CRYPT_KDF_ARGON2ID))
		return LUKS_PBKDF_ARGON2ID;
	return LUKS_PBKDF_NONE;
}

/* MiB for the messages: what is needed rounded up, what is there down, so
 * a slot that does not fit always reads as needing more than there is. */
static uint32_t luks_mib_up(uint64_t kib)
{
	uint64_t m = kib / 1024u + (kib % 1024u != 0);
	return m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
}

static uint32_t luks_mib_down(uint64_t kib)
{
	uint64_t m = kib / 1024u;
	return m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
}

/*
 * Which of a loaded header's key slots to try, given the memory now. When
 * every active slot fits (or the memory is unknown) the caller tries
 * CRYPT_ANY_SLOT, as libcryptsetup orders it; otherwise only slot[0..n),
 * preferred ones first and those libcryptsetup would skip left out.
 */
struct luks_slot_plan {
	int mem_known;
	uint64_t avail_kib; /* MemAvailable minus the margin */
	unsigned active;    /* active key slots */
	unsigned short_n;   /* active slots that do not fit */
	unsigned n;
	int slot[LUKS_KEYSLOT_MAX];
	/* The slot that does not fit and needs the least. */
	int short_slot;
	uint32_t short_kib;
	unsigned short_pbkdf;
};

static void luks_slot_plan_make(const struct luks_set *s,
				struct crypt_device *cd,
				struct luks_slot_plan *p)
{
	const char *type = crypt_get_type(cd);
	uint64_t mem = 0;
	int max = type ? crypt_keyslot_max(type) : -1;
	int r;

	memset(p, 0, sizeof(*p));
	p->short_slot = -1;
	r = s->sys->mem_available_kib ? s->sys->mem_available_kib(&mem)
				      : luks_sys_mem_available(&mem);
	p->mem_known = r == 0;
	if (r < 0)
		log_warn_errno(
		    r, "cannot tell the memory available (MemAvailable "
		       "in /proc/meminfo); key slots tried as they are");
	p->avail_kib =
	    mem > LUKS_MEM_MARGIN_KIB ? mem - LUKS_MEM_MARGIN_KIB : 0;
	if (max > LUKS_KEYSLOT_MAX)
		max = LUKS_KEYSLOT_MAX;
	/* Preferred slots first, then the normal ones, as CRYPT_ANY_SLOT. */
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < max; k++) {
			crypt_keyslot_info st = crypt_keyslot_status(cd, k);
			crypt_keyslot_priority pr =
			    crypt_keyslot_get_priority(cd, k);
			struct crypt_pbkdf_type pb;

			if (st != CRYPT_SLOT_ACTIVE &&
			    st != CRYPT_SLOT_ACTIVE_LAST)
				continue;
			if ((pass == 0) != (pr == CRYPT_SLOT_PRIORITY_PREFER))
				continue;
			p->active++;
			if (crypt_keyslot_get_pbkdf(cd, k, &pb) < 0)
				memset(&pb, 0, sizeof(pb)); /* let it say */
			if (!p->mem_known ||
			    luks_mem_fits(pb.type, pb.max_memory_kb, mem)) {
				if (pr != CRYPT_SLOT_PRIORITY_IGNORE)
					p->slot[p->n++] = k;
				continue;
			}
			p->short_n++;
			if (p->short_slot < 0 ||
			    pb.max_memory_kb < p->short_kib) {
				p->short_slot = k;
				p->short_kib = pb.max_memory_kb;
				p->short_pbkdf = luks_pbkdf_code(pb.type);
			}
		}
}

/* libcryptsetup's messages, into our log; they never carry a passphrase. */
static void luks_crypt_log(int level, const char *msg, void *data)
{
	char line[512];
	size_t n;

	(void)data;
	snprintf(line, sizeof(line), "%s", msg ? msg : "");
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (level == CRYPT_LOG_ERROR)
		log_info("cryptsetup: %s", line);
	else
		log_debug("cryptsetup: %s", line);
}

int luks_set_new(const struct luks_config *cfg, const struct luks_policy *pol,
		 struct luks_set **sp)
{
	struct luks_set *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (cfg)
		s->cfg = *cfg;
	else
		luks_config_init(&s->cfg);
	if (pol)
		s->pol = *pol;
	else
		luks_policy_default(&s->pol);
	/* crypttab tries= lowers the cap for the whole boot. */
	for (unsigned i = 0; i < s->cfg.n; i++) {
		unsigned t = s->cfg.want[i].opt.tries;
		if (t && (!s->pol.max_attempts || t < s->pol.max_attempts))
			s->pol.max_attempts = t;
		s->cfg.want[i].found = 0;
	}
	s->sys = &luks_sys_real;
	/* Token plugins would run code from the image's libdir on our input. */
	crypt_token_external_disable();
	crypt_set_log_callback(NULL, luks_crypt_log, NULL);
	/* rd.debug: libcryptsetup's own steps, timestamped by kmsg. */
	if (log_get_max_level() >= LOG_LVL_DEBUG)
		crypt_set_debug_level(CRYPT_DEBUG_ALL);
	/* libcryptsetup's metadata locks live here (best effort). */
	(void)mkdir("/run/cryptsetup", 0700);
	*sp = s;
	return 0;
}

void luks_set_free(struct luks_set *s)
{
	free(s);
}

void luks_set_set_sys(struct luks_set *s, const struct luks_sys *sys)
{
	s->sys = sys ? sys : &luks_sys_real;
}

static int luks_str_eq(const char *want, const char *have, int icase)
{
	if (!have)
		return 0;
	return icase ? !strcasecmp(want, have) : !strcmp(want, have);
}

static int luks_want_matches(const struct luks_want *w,
			     const struct luks_probe *dev)
{
	switch (w->kind) {
	case LUKS_SRC_UUID:
		return luks_str_eq(w->source, dev->uuid, 1);
	case LUKS_SRC_PATH:
		return luks_str_eq(w->source, dev->path, 0);
	case LUKS_SRC_PARTUUID:
		return luks_str_eq(w->source, dev->partuuid, 1);
	case LUKS_SRC_LABEL:
		return luks_str_eq(w->source, dev->label, 0);
	case LUKS_SRC_PARTLABEL:
		return luks_str_eq(w->source, dev->partlabel, 0);
	}
	return 0;
}

/*
 * Reads the header once when the device is queued: a bad header is reported
 * now rather than after the passphrase, and libcryptsetup's crypto backend
 * (OpenSSL's provider setup: about 2 s under QEMU TCG) is initialised
 * before anyone has typed, off the passphrase-to-root path.
 */
/* Argon2 key slots the memory does not fit now: said when the device is
 * queued, long before anyone types (the worker decides again then). */
static void luks_check_pbkdf_memory(const struct luks_set *s,
				    struct crypt_device *cd,
				    const struct luks_dev *d)
{
	struct luks_slot_plan p;

	luks_slot_plan_make(s, cd, &p);
	if (!p.short_n)
		return;
	log_warn("%s: %u of %u key slots need more memory than the %u MiB "
		 "available now (key slot %d needs %u MiB for %s): %s",
		 d->path, p.short_n, p.active, luks_mib_down(p.avail_kib),
		 p.short_slot, luks_mib_up(p.short_kib),
		 luks_pbkdf_name(p.short_pbkdf),
		 p.short_n == p.active ? "none will be tried"
				       : "those will not be tried");
}

/*
 * Makes the kernel build the cipher of a LUKS header ("aes" +
 * "xts-plain64" -> "xts(aes)") through an AF_ALG bind, now rather than
 * when the passphrase has come. The first use of a cipher template asks
 * for module aliases the image does not have (crypto-xts(aes),
 * crypto-xts(aes)-all, crypto-aes, crypto-ecb(aes), ... each one an exec
 * of /sbin/modprobe, ~150 ms under TCG), builds the instance and runs its
 * self-test: about 1 s, seen with the module_request tracepoint. That is
 * work dm-crypt's table load and libcryptsetup's key slot decryption need
 * anyway; the instance stays registered after the socket closes, so they
 * find it. Best effort: any failure is left for the unlock to report.
 */
static void luks_warm_cipher(struct crypt_device *cd)
{
	const char *cipher = crypt_get_cipher(cd);
	const char *mode = crypt_get_cipher_mode(cd);
	struct sockaddr_alg sa;
	size_t chain;
	int fd;

	if (!cipher || !mode || strchr(cipher, ':') || strchr(mode, ':'))
		return; /* "capi:" specs name kernel algorithms differently */
	chain = strcspn(mode, "-");
	memset(&sa, 0, sizeof(sa));
	sa.salg_family = AF_ALG;
	memcpy(sa.salg_type, "skcipher", sizeof("skcipher"));
	if (snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%.*s(%s)",
		     (int)chain, mode, cipher) >= (int)sizeof(sa.salg_name))
		return;
	fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		log_debug("cipher %s not available yet: %s", sa.salg_name,
			  strerror(errno));
	close(fd);
}

static void luks_check_header(const struct luks_set *s, struct luks_dev *d)
{
	struct crypt_device *cd = NULL;
	int r;

	if (d->opt.header[0])
		r = crypt_init_data_device(&cd, d->opt.header, d->path);
	else
		r = crypt_init(&cd, d->path);
	if (r == 0)
		r = crypt_load(cd, CRYPT_LUKS, NULL);
	if (r < 0)
		log_warn_errno(r, "%s: cannot read its LUKS header (yet)",
			       d->path);
	else {
		log_debug("%s: %s header, UUID %s", d->path, crypt_get_type(cd),
			  crypt_get_uuid(cd) ? crypt_get_uuid(cd) : "?");
		luks_check_pbkdf_memory(s, cd, d);
		luks_warm_cipher(cd);
	}
	crypt_free(cd);
}

int luks_set_add(struct luks_set *s, const struct luks_probe *dev)
{
	struct luks_want *w = NULL;
	struct luks_dev d;

	if (!dev || !dev->path || !dev->path[0])
		return -EINVAL;
	if (s->cfg.disabled)
		return -ECANCELED;
	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->dev[i].path, dev->path) ||
		    (dev->uuid && s->dev[i].uuid[0] &&
		     !strcasecmp(s->dev[i].uuid, dev->uuid)))
			return -EEXIST;
	for (unsigned i = 0; i < s->cfg.n && !w; i++)
		if (luks_want_matches(&s->cfg.want[i], dev))
			w = &s->cfg.want[i];
	if (s->cfg.n && !w)
		return -ENOENT;
	if (s->n >= LUKS_MAX_DEVICES)
		return -ENOSPC;
	memset(&d, 0, sizeof(d));
	if (snprintf(d.path, sizeof(d.path), "%s", dev->path) >=
	    (int)sizeof(d.path))
		return -ENAMETOOLONG;
	if (dev->uuid && snprintf(d.uuid, sizeof(d.uuid), "%s", dev->uuid) >=
			     (int)sizeof(d.uuid))
		return -EINVAL;
	if (w) {
		memcpy(d.name, w->name, sizeof(d.name));
		d.opt = w->opt;
		if (!(d.opt.flags & LUKS_OPT_SET) && s->cfg.has_global_options)
			d.opt = s->cfg.global;
		w->found = 1;
	} else {
		if (!d.uuid[0])
			return -EINVAL; /* nothing to name it after */
		snprintf(d.name, sizeof(d.name), "luks-%s", d.uuid);
		if (s->cfg.has_global_options)
			d.opt = s->cfg.global;
	}
	d.state = LUKS_LOCKED;
	s->dev[s->n++] = d;
	log_info("LUKS device %s queued for unlock as %s", d.path, d.name);
	luks_check_header(s, &s->dev[s->n - 1]);
	return 0;
}

static uint32_t luks_activate_flags(const struct luks_options *o)
{
	uint32_t f = 0;

	if (o->flags & LUKS_OPT_DISCARD)
		f |= CRYPT_ACTIVATE_ALLOW_DISCARDS;
	if (o->flags & LUKS_OPT_READONLY)
		f |= CRYPT_ACTIVATE_READONLY;
	if (o->flags & LUKS_OPT_NO_READ_WORKQUEUE)
		f |= CRYPT_ACTIVATE_NO_READ_WORKQUEUE;
	if (o->flags & LUKS_OPT_NO_WRITE_WORKQUEUE)
		f |= CRYPT_ACTIVATE_NO_WRITE_WORKQUEUE;
	if (o->flags & LUKS_OPT_SAME_CPU_CRYPT)
		f |= CRYPT_ACTIVATE_SAME_CPU_CRYPT;
	if (o->flags & LUKS_OPT_SUBMIT_FROM_CRYPT_CPUS)
		f |= CRYPT_ACTIVATE_SUBMIT_FROM_CRYPT_CPUS;
	return f;
}

/*
 * Tries the planned key slots one by one: the first that opens wins; a
 * slot's error other than a wrong passphrase outranks -EPERM (the
 * passphrase may have been right for it).
 */
static int luks_open_slots(const struct luks_set *s, struct crypt_device *cd,
			   const struct luks_dev *d,
			   const struct luks_slot_plan *p, const char *pass,
			   size_t len)
{
	int r = -EPERM;

	for (unsigned i = 0; i < p->n; i++) {
		int k = s->sys->activate(cd, d->name, p->slot[i], pass, len,
					 luks_activate_flags(&d->opt));
		if (k >= 0)
			return k;
		if (k != -EPERM && k != -ENOENT && r == -EPERM)
			r = k;
	}
	return r;
}

/*
 * Loads one header and tries the passphrase on the key slots the memory
 * fits; fills e's outcome. e->kdf is set once libcryptsetup was asked to
 * derive a key.
 */
static void luks_open_one(const struct luks_set *s, const struct luks_dev *d,
			  const char *pass, size_t len,
			  struct luks_attempt_entry *e)
{
	struct crypt_device *cd = NULL;
	struct luks_slot_plan p;
	int r;

	if (d->opt.header[0])
		r = crypt_init_data_device(&cd, d->opt.header, d->path);
	else
		r = crypt_init(&cd, d->path);
	if (r < 0)
		goto out;
	if ((r = crypt_load(cd, CRYPT_LUKS, NULL)) < 0)
		goto out;
	luks_slot_plan_make(s, cd, &p);
	if (p.short_n && !p.n) {
		/* No derivation at all: none would survive it. */
		e->outcome = LUKS_OUT_NO_MEMORY;
		e->keyslot = p.short_slot;
		e->pbkdf = (uint8_t)p.short_pbkdf;
		/* At least 1: with less than the margin free, even a slot
		 * claiming no memory does not fit, and need > available
		 * must hold for the reader (luks_attempt_check()). */
		e->need_mib = luks_mib_up(p.short_kib ? p.short_kib : 1);
		e->avail_mib = luks_mib_down(p.avail_kib);
		goto done;
	}
	e->kdf = 1;
	if (!p.short_n) {
		r = s->sys->activate(cd, d->name, CRYPT_ANY_SLOT, pass, len,
				     luks_activate_flags(&d->opt));
	} else {
		log_warn("%s: key slot %d needs %u MiB for %s, %u MiB "
			 "available: not tried (nor %u other(s) too big)",
			 d->path, p.short_slot, luks_mib_up(p.short_kib),
			 luks_pbkdf_name(p.short_pbkdf),
			 luks_mib_down(p.avail_kib), p.short_n - 1);
		r = luks_open_slots(s, cd, d, &p, pass, len);
	}
out:
	if (r >= 0) {
		e->outcome = LUKS_OUT_OPENED;
		e->keyslot = r;
	} else if (r == -EPERM) {
		e->outcome = LUKS_OUT_WRONG;
	} else {
		e->outcome = LUKS_OUT_FAILED;
		e->error = r;
	}
done:
	crypt_free(cd); /* NULL-safe; wipes the volume key it held */
}

static void luks_report_fill_state(const struct luks_set *s,
				   struct luks_report *rep, uint64_t now)
{
	uint64_t wait = 0;

	rep->locked = luks_set_count_locked(s);
	rep->attempts_left = luks_set_attempts_left(s);
	rep->action = s->pol.action;
	if (luks_attempts_check(&s->att, &s->pol, now, &wait) == -EAGAIN)
		rep->wait_usec = wait;
	else
		rep->wait_usec = 0;
}

int luks_attempt_begin(struct luks_set *s, struct luks_report *rep)
{
	uint64_t now = s->sys->now_usec(), wait = 0;
	int r;

	memset(rep, 0, sizeof(*rep));
	r = luks_attempts_check(&s->att, &s->pol, now, &wait);
	if (r == 0 && luks_set_count_locked(s) == 0)
		r = -ENOENT; /* nothing was locked (or all were open) */
	if (r < 0) {
		luks_report_fill_state(s, rep, now);
		rep->result = r;
	}
	return r;
}

/*
 * One device after the other, never in parallel: with the caller's one
 * attempt (one worker) at a time, at most one memory-hard derivation runs
 * at once, which is what the memory check in luks_open_one() assumes.
 */
void luks_attempt_run(const struct luks_set *s, const char *pass, size_t len,
		      struct luks_attempt *a)
{
	memset(a, 0, sizeof(*a));
	a->n_devs = s->n;
	for (unsigned i = 0; i < s->n; i++) {
		const struct luks_dev *d = &s->dev[i];
		struct luks_attempt_entry *e = &a->e[a->n];
		int act;

		if (d->state != LUKS_LOCKED)
			continue;
		a->n++;
		e->dev = (uint8_t)i;
		act = s->sys->is_active(d->name);
		if (act == 1) {
			e->outcome = LUKS_OUT_ALREADY_OPEN;
			continue;
		}
		luks_open_one(s, d, pass, len, e);
		/* Without a usable device-mapper libcryptsetup refuses before
		 * it derives any key: nothing was guessed. */
		if (act < 0 && e->outcome == LUKS_OUT_FAILED)
			e->kdf = 0;
	}
}

/* Checks what another process says it did; -EBADMSG names no device twice,
 * only devices locked now, and plausible numbers. */
static int luks_attempt_check(const struct luks_set *s,
			      const struct luks_attempt *a)
{
	uint32_t seen = 0;

	if (a->n_devs > s->n || a->n > a->n_devs)
		return -EBADMSG;
	for (unsigned i = 0; i < a->n; i++) {
		const struct luks_attempt_entry *e = &a->e[i];
		if (e->dev >= a->n_devs || (seen & (1u << e->dev)) ||
		    s->dev[e->dev].state != LUKS_LOCKED)
			return -EBADMSG;
		seen |= 1u << e->dev;
		switch (e->outcome) {
		case LUKS_OUT_OPENED:
			if (e->keyslot < 0 || e->keyslot >= LUKS_KEYSLOT_MAX)
				return -EBADMSG;
			break;
		case LUKS_OUT_FAILED:
			if (e->error >= 0 || e->error < -4095)
				return -EBADMSG;
			break;
		case LUKS_OUT_NO_MEMORY:
			if (e->kdf || e->keyslot < 0 ||
			    e->keyslot >= LUKS_KEYSLOT_MAX ||
			    (e->pbkdf != LUKS_PBKDF_ARGON2I &&
			     e->pbkdf != LUKS_PBKDF_ARGON2ID) ||
			    e->need_mib <= e->avail_mib)
				return -EBADMSG;
			break;
		case LUKS_OUT_WRONG:
		case LUKS_OUT_ALREADY_OPEN:
			break;
		default:
			return -EBADMSG;
		}
	}
	return 0;
}

/* Counts the attempt as a wrong one: the delay and the cap apply. */
static void luks_attempt_count(struct luks_set *s, uint64_t now)
{
	luks_attempts_record_wrong(&s->att, &s->pol, now);
	log_warn("passphrase attempt %u of %u failed", s->att.wrong,
		 s->pol.max_attempts);
}

int luks_attempt_finish(struct luks_set *s, const struct luks_attempt *a,
			struct luks_report *rep)
{
	unsigned wrong = 0, kdf = 0;
	uint64_t now = s->sys->now_usec();
	int r, first_err = 0;

	memset(rep, 0, sizeof(*rep));
	if ((r = luks_attempt_check(s, a)) < 0)
		return luks_attempt_failed(s, "its answer was malformed", rep);
	for (unsigned i = 0; i < a->n; i++) {
		const struct luks_attempt_entry *ae = &a->e[i];
		struct luks_dev *d = &s->dev[ae->dev];
		struct luks_report_entry *e = &rep->e[rep->n++];

		memcpy(e->name, d->name, sizeof(e->name));
		memcpy(e->path, d->path, sizeof(e->path));
		e->outcome = ae->outcome;
		kdf += ae->kdf;
		switch (ae->outcome) {
		case LUKS_OUT_ALREADY_OPEN:
			d->state = LUKS_WAS_OPEN;
			log_info("%s is already open", d->name);
			break;
		case LUKS_OUT_OPENED:
			d->state = LUKS_OPEN;
			e->keyslot = ae->keyslot;
			rep->opened++;
			log_info("opened %s (%s) with key slot %d", d->name,
				 d->path, ae->keyslot);
			break;
		case LUKS_OUT_WRONG:
			wrong++;
			break;
		case LUKS_OUT_FAILED:
			e->error = ae->error;
			d->last_error = ae->error;
			if (!first_err)
				first_err = ae->error;
			log_warn_errno(ae->error, "cannot open %s (%s)",
				       d->name, d->path);
			break;
		case LUKS_OUT_NO_MEMORY:
			e->keyslot = ae->keyslot;
			e->pbkdf = ae->pbkdf;
			e->need_mib = ae->need_mib;
			e->avail_mib = ae->avail_mib;
			rep->no_memory++;
			log_err("%s (%s): not tried: key slot %d needs %u MiB "
				"for %s, %u MiB available",
				d->name, d->path, ae->keyslot, ae->need_mib,
				luks_pbkdf_name(ae->pbkdf), ae->avail_mib);
			break;
		}
	}
	/*
	 * Every attempt that ran a key derivation and opened nothing counts,
	 * whatever libcryptsetup said: a later key slot failing for want of
	 * memory or a cipher must not make guesses free.
	 */
	if (rep->opened)
		r = 0;
	else {
		if (kdf) {
			luks_attempt_count(s, now);
			rep->counted = 1;
		}
		if (wrong)
			r = -EPERM;
		else if (first_err)
			r = first_err;
		else if (rep->no_memory)
			r = -ENOMEM; /* nothing derived: no attempt */
		else
			r = -ENOENT;
	}
	luks_report_fill_state(s, rep, now);
	rep->result = r;
	return r;
}

int luks_attempt_failed(struct luks_set *s, const char *why,
			struct luks_report *rep)
{
	uint64_t now = s->sys->now_usec();

	memset(rep, 0, sizeof(*rep));
	log_err("the passphrase attempt failed: %s", why);
	/* It may have opened a device before it died: those show up. */
	for (unsigned i = 0; i < s->n && rep->n < LUKS_MAX_DEVICES; i++) {
		struct luks_dev *d = &s->dev[i];
		struct luks_report_entry *e;
		if (d->state != LUKS_LOCKED || s->sys->is_active(d->name) != 1)
			continue;
		d->state = LUKS_WAS_OPEN;
		e = &rep->e[rep->n++];
		memcpy(e->name, d->name, sizeof(e->name));
		memcpy(e->path, d->path, sizeof(e->path));
		e->outcome = LUKS_OUT_ALREADY_OPEN;
		rep->opened++;
	}
	/* A key derivation may have run: it counts. */
	luks_attempt_count(s, now);
	rep->counted = 1;
	snprintf(rep->note, sizeof(rep->note), "the attempt failed: %s", why);
	luks_report_fill_state(s, rep, now);
	rep->result = rep->opened ? 0 : -EIO;
	return rep->result;
}

int luks_try_passphrase(struct luks_set *s, const char *pass, size_t len,
			struct luks_report *rep)
{
	struct luks_attempt *a;
	int r;

	if (!s || !pass || !rep || len > SECRET_MAX)
		return -EINVAL;
	if ((r = luks_attempt_begin(s, rep)) < 0)
		return r;
	a = calloc(1, sizeof(*a));
	if (!a)
		return luks_attempt_failed(s, "out of memory", rep);
	luks_attempt_run(s, pass, len, a);
	r = luks_attempt_finish(s, a, rep);
	free(a);
	return r;
}

unsigned luks_set_count(const struct luks_set *s)
{
	return s->n;
}

unsigned luks_set_count_locked(const struct luks_set *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->n; i++)
		n += s->dev[i].state == LUKS_LOCKED;
	return n;
}

unsigned luks_set_count_open(const struct luks_set *s)
{
	return s->n - luks_set_count_locked(s);
}

unsigned luks_set_count_missing(const struct luks_set *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->cfg.n; i++)
		n += !s->cfg.want[i].found;
	return n;
}

uint64_t luks_set_next_attempt_usec(const struct luks_set *s)
{
	return s->att.next_usec;
}

uint64_t luks_set_wait_usec(const struct luks_set *s)
{
	uint64_t now = s->sys->now_usec();

	return s->att.next_usec > now ? s->att.next_usec - now : 0;
}

unsigned luks_set_attempts_left(const struct luks_set *s)
{
	if (!s->pol.max_attempts)
		return UINT32_MAX;
	return s->att.wrong >= s->pol.max_attempts
		   ? 0
		   : s->pol.max_attempts - s->att.wrong;
}

unsigned luks_set_attempts_wrong(const struct luks_set *s)
{
	return s->att.wrong;
}

void luks_set_restore_attempts(struct luks_set *s, unsigned wrong)
{
	/* The delay runs again from now: the count is what must survive. */
	for (unsigned i = s->att.wrong; i < wrong; i++)
		luks_attempts_record_wrong(&s->att, &s->pol,
					   s->sys->now_usec());
}

int luks_set_exhausted(const struct luks_set *s)
{
	return s->pol.max_attempts && s->att.wrong >= s->pol.max_attempts;
}

/* Appends a line to a bounded text buffer; -ENOSPC (buffer unchanged) if it
 * won't fit. */
static int luks_text_add(char *buf, size_t size, size_t *off, const char *fmt,
			 ...) __attribute__((format(printf, 4, 5)));
static int luks_text_add(char *buf, size_t size, size_t *off, const char *fmt,
			 ...)
{
	va_list ap;
	int n;

	if (*off >= size)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *off) {
		buf[*off] = '\0';
		return -ENOSPC;
	}
	*off += (size_t)n;
	return 0;
}

/* Room kept for the closing summary and the "(... more)" line. */
#define LUKS_TEXT_RESERVE 300

static unsigned luks_secs(uint64_t usec)
{
	return (unsigned)((usec + 999999u) / 1000000u);
}

int luks_report_format(const struct luks_report *rep, char *buf, size_t size)
{
	size_t off = 0, body;
	unsigned more = 0;
	char err[64];

	if (size < LUKS_TEXT_RESERVE + 1)
		return -ENOSPC;
	buf[0] = '\0';
	body = size - LUKS_TEXT_RESERVE;
	for (unsigned i = 0; i < rep->n && i < LUKS_MAX_DEVICES; i++) {
		const struct luks_report_entry *e = &rep->e[i];
		int r = 0;

		switch (e->outcome) {
		case LUKS_OUT_OPENED:
			r = luks_text_add(buf, body, &off, "opened %s (%s)\n",
					  e->name, e->path);
			break;
		case LUKS_OUT_ALREADY_OPEN:
			r = luks_text_add(buf, body, &off,
					  "%s (%s) was already open\n", e->name,
					  e->path);
			break;
		case LUKS_OUT_WRONG:
			r = luks_text_add(buf, body, &off,
					  "%s (%s): no key slot took this "
					  "passphrase\n",
					  e->name, e->path);
			break;
		case LUKS_OUT_FAILED:
			snprintf(err, sizeof(err), "%s",
				 strerror(e->error < 0 ? -e->error : e->error));
			r = luks_text_add(buf, body, &off, "%s (%s): %s\n",
					  e->name, e->path, err);
			break;
		case LUKS_OUT_NO_MEMORY:
			r = luks_text_add(
			    buf, body, &off,
			    "%s (%s): not tried: key slot %d "
			    "needs %u MiB for %s, %u MiB "
			    "available\n",
			    e->name, e->path, e->keyslot, e->need_mib,
			    luks_pbkdf_name(e->pbkdf), e->avail_mib);
			break;
		}
		if (r < 0)
			more++;
	}
	if (more)
		luks_text_add(buf, size, &off, "(... %u more)\n", more);
	if (rep->note[0])
		luks_text_add(buf, size, &off, "%.100s\n", rep->note);
	switch (rep->result) {
	case 0:
		if (rep->locked)
			luks_text_add(buf, size, &off,
				      "%u device(s) still locked\n",
				      rep->locked);
		break;
	case -EPERM:
		if (rep->attempts_left == 0)
			luks_text_add(buf, size, &off,
				      "wrong passphrase, no attempts left\n");
		else if (rep->attempts_left == UINT32_MAX)
			luks_text_add(buf, size, &off,
				      "wrong passphrase, next try in %u s\n",
				      luks_secs(rep->wait_usec));
		else
			luks_text_add(buf, size, &off,
				      "wrong passphrase, %u attempts left, "
				      "next try in %u s\n",
				      rep->attempts_left,
				      luks_secs(rep->wait_usec));
		break;
	case -EAGAIN:
		luks_text_add(buf, size, &off,
			      "too early: next try in %u s (not tried)\n",
			      luks_secs(rep->wait_usec));
		break;
	case -EACCES:
		luks_text_add(buf, size, &off,
			      "no passphrase attempts left this boot; %s\n",
			      rep->action == LUKS_FAIL_REBOOT
				  ? "rebooting"
				  : "waiting for a rescue login over SSH");
		break;
	case -ENOENT:
		luks_text_add(buf, size, &off, "no locked device to open\n");
		break;
	case -ENOMEM:
		if (rep->no_memory && !rep->counted) {
			luks_text_add(buf, size, &off,
				      "not enough memory to try the passphrase "
				      "(not counted as an attempt)\n");
			break;
		}
		/* fall through */
	default:
		if (!rep->counted)
			luks_text_add(buf, size, &off, "not opened: %s\n",
				      strerror(-rep->result));
		else if (rep->attempts_left == 0)
			luks_text_add(buf, size, &off,
				      "not opened: %s; no attempts left\n",
				      strerror(-rep->result));
		else
			luks_text_add(buf, size, &off,
				      "not opened: %s; counted as an attempt, "
				      "next try in %u s\n",
				      strerror(-rep->result),
				      luks_secs(rep->wait_usec));
		break;
	}
	return 0;
}

static const char *luks_state_word(enum luks_state st)
{
	switch (st) {
	case LUKS_LOCKED:
		return "locked";
	case LUKS_OPEN:
		return "unlocked";
	case LUKS_WAS_OPEN:
		return "already open";
	}
	return "?";
}

static const char *luks_kind_prefix(enum luks_source_kind k)
{
	switch (k) {
	case LUKS_SRC_UUID:
		return "UUID=";
	case LUKS_SRC_PARTUUID:
		return "PARTUUID=";
	case LUKS_SRC_LABEL:
		return "LABEL=";
	case LUKS_SRC_PARTLABEL:
		return "PARTLABEL=";
	case LUKS_SRC_PATH:
		return "";
	}
	return "";
}

int luks_set_format_status(const struct luks_set *s, char *buf, size_t size)
{
	size_t off = 0, body;
	unsigned more = 0;

	if (size < LUKS_TEXT_RESERVE + 1)
		return -ENOSPC;
	buf[0] = '\0';
	body = size - LUKS_TEXT_RESERVE;
	for (unsigned i = 0; i < s->n; i++)
		if (luks_text_add(buf, body, &off, "%s (%s): %s\n",
				  s->dev[i].name, s->dev[i].path,
				  luks_state_word(s->dev[i].state)) < 0)
			more++;
	for (unsigned i = 0; i < s->cfg.n; i++)
		if (!s->cfg.want[i].found &&
		    luks_text_add(buf, body, &off,
				  "waiting for %s%s (%s, from %s)\n",
				  luks_kind_prefix(s->cfg.want[i].kind),
				  s->cfg.want[i].source, s->cfg.want[i].name,
				  s->cfg.want[i].origin) < 0)
			more++;
	if (more)
		luks_text_add(buf, size, &off, "(... %u more)\n", more);
	if (!s->n && !s->cfg.n)
		luks_text_add(buf, size, &off, "no LUKS device found yet\n");
	if (luks_set_exhausted(s))
		luks_text_add(buf, size, &off,
			      "no passphrase attempts left this boot\n");
	else if (s->pol.max_attempts)
		luks_text_add(buf, size, &off, "%u passphrase attempts left\n",
			      luks_set_attempts_left(s));
	return 0;
}
