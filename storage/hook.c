/* hook: md RAID members and LVM physical volumes as they appear: mdadm
 * incremental assembly (degraded after a wait), LVM activation. */
#include "storage/hook.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "init/blockdev.h"
#include "init/child.h"
#include "init/cmdline.h"
#include "init/hooks.h"
#include "init/sys.h"
#include "common/loop.h"
#include "storage/parse.h"

#define STORAGE_DEVS_MAX 64
#define STORAGE_ARRAYS_MAX 16
#define STORAGE_WANT_MAX 16
#define STORAGE_JOBS_MAX 48
#define STORAGE_OUT_MAX 16384
#define STORAGE_SEEN_MAX 32
#define STORAGE_ARGV_MAX (STORAGE_WANT_MAX + 8)
#define STORAGE_NAME_LEN 32

enum storage_job_kind {
	JOB_MD_INCR,	/* mdadm --incremental --export MEMBER */
	JOB_MD_RUN,	/* mdadm --run ARRAY (degraded start) */
	JOB_LVM_ACT,	/* lvm vgchange/lvchange -ay --sysinit */
	JOB_LVM_REPORT, /* lvm lvs: the VGs and LVs seen */
};

struct storage_job {
	enum storage_job_kind kind;
	char arg[STORAGE_NAME_LEN]; /* a kernel device name */
};

/* A RAID member or a PV, by kernel name: acted on once. */
struct storage_dev {
	char name[STORAGE_NAME_LEN];
	char uuid[STORAGE_UUID_LEN + 1]; /* md: the array's */
	char label[64];
	bool is_md;
};

struct storage_array {
	char kname[STORAGE_NAME_LEN]; /* "md127" */
	char uuid[STORAGE_UUID_LEN + 1];
	uint64_t since; /* first member attached (monotonic usec) */
	bool started, run_queued;
};

static const struct storage_paths storage_default_paths = {
    .mdadm = "/sbin/mdadm",
    .lvm = "/sbin/lvm",
    .mdadm_conf = "/etc/mdadm/mdadm.conf",
    .sys_block = "/sys/class/block",
};

/* Set by tests before the hook starts (storage_hook_set_paths()). */
static struct storage_paths storage_paths_set;
static bool storage_paths_given;

/* The hook's state: allocated by start, its context for every callback. */
struct storage {
	struct loop *loop;
	struct loop_timer *timer;
	bool md_off, lvm_off, have_mdadm, have_lvm;
	unsigned degraded_wait; /* seconds */
	char md_want[STORAGE_WANT_MAX][STORAGE_UUID_LEN + 1];
	unsigned n_md_want;
	char vg_want[STORAGE_WANT_MAX][STORAGE_LVM_NAME_MAX];
	unsigned n_vg_want;
	char lv_want[STORAGE_WANT_MAX][2][STORAGE_LVM_NAME_MAX];
	unsigned n_lv_want;
	struct storage_dev devs[STORAGE_DEVS_MAX];
	unsigned n_devs;
	struct storage_array arrays[STORAGE_ARRAYS_MAX];
	unsigned n_arrays;
	struct storage_job jobs[STORAGE_JOBS_MAX]; /* jobs[0] runs */
	unsigned n_jobs;
	bool running;
	int out_fd;
	char out[STORAGE_OUT_MAX];
	size_t out_len;
	bool out_trunc;
	char seen_vg[STORAGE_SEEN_MAX][STORAGE_LVM_NAME_MAX];
	unsigned n_seen_vg;
	char seen_lv[STORAGE_SEEN_MAX][2][STORAGE_LVM_NAME_MAX];
	unsigned n_seen_lv;
	bool reported, held, stopped;
	bool lvm_msg_deferred; /* emergency came while lvm ran */
	unsigned conf_arrays;
};

void storage_hook_set_paths(const struct storage_paths *p)
{
	storage_paths_set = *p;
	storage_paths_given = true;
}

static const struct storage_paths *storage_paths(void)
{
	return storage_paths_given ? &storage_paths_set
				   : &storage_default_paths;
}

/* "0123abcd:..." as mdadm prints it, for messages. */
static void storage_fmt_uuid(const char *u, char *buf, size_t n)
{
	if (strlen(u) != STORAGE_UUID_LEN) {
		snprintf(buf, n, "%s", u);
		return;
	}
	snprintf(buf, n, "%.8s:%.8s:%.8s:%.8s", u, u + 8, u + 16, u + 24);
}

/* ---- sysfs ------------------------------------------------------------- */

static int storage_sys_read(const char *dev, const char *attr, char *buf,
			    size_t n)
{
	char path[256];
	char *data = NULL;
	size_t len;
	int r;

	if (snprintf(path, sizeof(path), "%s/%s/%s", storage_paths()->sys_block,
		     dev, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if ((r = file_read_all(path, 4096, &data, &len)) < 0)
		return r;
	while (len && (data[len - 1] == '\n' || data[len - 1] == ' '))
		len--;
	r = strn_copy(buf, n, data, len);
	free(data);
	return r;
}

static unsigned storage_sys_uint(const char *dev, const char *attr)
{
	char buf[32];
	uint64_t v;

	if (storage_sys_read(dev, attr, buf, sizeof(buf)) < 0 ||
	    str_to_u64(buf, 10, 1u << 20, &v) < 0)
		return 0;
	return (unsigned)v;
}

/* The md array that holds member (its holders/ entry "mdN"). */
static int storage_sys_holder(const char *member, char *out, size_t n)
{
	char path[256];
	struct dirent *de;
	DIR *d;
	int r = -ENOENT;

	snprintf(path, sizeof(path), "%s/%s/holders",
		 storage_paths()->sys_block, member);
	if (!(d = opendir(path)))
		return -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "md", 2)) {
			r = str_copy(out, n, de->d_name);
			break;
		}
	closedir(d);
	return r;
}

static bool storage_array_running(const char *kname)
{
	char st[32];

	if (storage_sys_read(kname, "md/array_state", st, sizeof(st)) < 0)
		return false;
	return strcmp(st, "inactive") != 0 && strcmp(st, "clear") != 0;
}

/* An external-metadata container ("external:imsm"; its member arrays
 * read "external:/md127/0"). */
static bool storage_md_is_container(const char *kname)
{
	char v[64];

	if (storage_sys_read(kname, "md/metadata_version", v, sizeof(v)) < 0)
		return false;
	return !strncmp(v, "external:", 9) && !strchr(v, '/');
}

/* Members attached to an array, running or not: its md/dev-* entries. */
static unsigned storage_array_members(const char *kname)
{
	char path[256];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s/md", storage_paths()->sys_block,
		 kname);
	if (!(d = opendir(path)))
		return 0;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "dev-", 4))
			n++;
	closedir(d);
	return n;
}

/* ---- holds and the degraded timer ------------------------------------ */

static bool storage_array_pending(const struct storage_array *a)
{
	return !a->started && !a->run_queued && a->since;
}

/* rd.timeout is held while an array waits for its members, and while
 * mdadm has work queued or running (a member that appeared just before
 * the timeout is still assembled). lvm is not waited for: what it finds
 * after an emergency is reported then (storage_lvm_report_missing). */
static void storage_sync_hold(struct storage *s)
{
	bool want = false;

	for (unsigned i = 0; i < s->n_jobs && !s->stopped; i++)
		want |= s->jobs[i].kind == JOB_MD_INCR ||
			s->jobs[i].kind == JOB_MD_RUN;

	for (unsigned i = 0; i < s->n_arrays; i++)
		want |= storage_array_pending(&s->arrays[i]);
	if (want && !s->held)
		boot_hold();
	else if (!want && s->held)
		boot_release();
	s->held = want;
}

static void storage_arm_timer(struct storage *s)
{
	uint64_t now = loop_now_usec(), next = 0;

	for (unsigned i = 0; i < s->n_arrays; i++) {
		struct storage_array *a = &s->arrays[i];
		uint64_t due;
		if (!storage_array_pending(a))
			continue;
		due = a->since + (uint64_t)s->degraded_wait * 1000000u;
		if (!next || due < next)
			next = due;
	}
	if (s->timer)
		loop_timer_arm(s->timer, !next	      ? 0
					 : next > now ? next - now
						      : 1);
}

/* ---- the job queue: one mdadm or lvm at a time ----------------------- */

static void storage_run_next(struct storage *s);

static int storage_queue(struct storage *s, enum storage_job_kind kind,
			 const char *arg)
{
	struct storage_job *j;

	/* A queued (not running) activation or report covers a new one. */
	if (kind == JOB_LVM_ACT || kind == JOB_LVM_REPORT)
		for (unsigned i = s->running ? 1 : 0; i < s->n_jobs; i++)
			if (s->jobs[i].kind == kind)
				return 0;
	if (s->n_jobs == STORAGE_JOBS_MAX) {
		log_warn("storage: too many queued commands; %s dropped",
			 arg ? arg : "lvm");
		return -ENOSPC;
	}
	j = &s->jobs[s->n_jobs++];
	j->kind = kind;
	str_copy(j->arg, sizeof(j->arg), arg ? arg : "");
	storage_run_next(s);
	storage_sync_hold(s);
	return 0;
}

static void storage_out_drain(struct storage *s)
{
	char buf[4096];
	ssize_t n;

	if (s->out_fd < 0)
		return;
	while ((n = read(s->out_fd, buf, sizeof(buf))) > 0) {
		size_t room = sizeof(s->out) - 1 - s->out_len;
		size_t take = (size_t)n < room ? (size_t)n : room;
		memcpy(s->out + s->out_len, buf, take);
		s->out_len += take;
		if (take < (size_t)n)
			s->out_trunc = true;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		loop_del_fd(s->loop, s->out_fd);
		close(s->out_fd);
		s->out_fd = -1;
	}
}

static int storage_out_ready(struct loop *l, int fd, uint32_t events,
			     void *data)
{
	struct storage *s = data;
	(void)l;
	(void)fd;
	(void)events;
	storage_out_drain(s);
	return 0;
}

/* The exit of the job at the head of the queue. */
static void storage_job_exited(pid_t pid, int wstatus, void *data);

/*
 * Starts argv with its stdout on a pipe we read, stdin on /dev/null and
 * stderr on PID 1's (the console, for mdadm's and lvm's own diagnostics).
 * PID 1's own fds are never touched.
 */
static int storage_spawn(struct storage *s, char *const argv[])
{
	struct sys_spawn_opts o = {.flags = SYS_SPAWN_STDIO};
	int p[2], r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	o.stdio[0] = -1;
	o.stdio[1] = p[1];
	o.stdio[2] = STDERR_FILENO;
	r = child_spawn_opts(argv, &o, storage_job_exited, s, NULL);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return r;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	s->out_fd = p[0];
	s->out_len = 0;
	s->out_trunc = false;
	if (loop_add_fd(s->loop, p[0], EPOLLIN, storage_out_ready, s) < 0)
		log_debug("storage: output read at exit only");
	return 0;
}

/* argv for a job, in static storage (one job runs at a time). */
static int storage_job_argv(struct storage *s, const struct storage_job *j,
			    char **argv)
{
	static char words[STORAGE_ARGV_MAX][2 * STORAGE_LVM_NAME_MAX + 8];
	const struct storage_paths *p = storage_paths();
	unsigned n = 0;

#define ARG(...) snprintf(words[n], sizeof(words[0]), __VA_ARGS__), n++
	switch (j->kind) {
	case JOB_MD_INCR:
		ARG("%s", p->mdadm);
		ARG("--incremental");
		ARG("--export");
		ARG("/dev/%s", j->arg);
		break;
	case JOB_MD_RUN:
		ARG("%s", p->mdadm);
		ARG("--run");
		ARG("/dev/%s", j->arg);
		break;
	case JOB_LVM_ACT:
		ARG("%s", p->lvm);
		if (s->n_lv_want && !s->n_vg_want) {
			ARG("lvchange");
		} else {
			ARG("vgchange");
		}
		ARG("-ay");
		ARG("--sysinit");
		for (unsigned i = 0; i < s->n_vg_want; i++)
			ARG("%s", s->vg_want[i]);
		for (unsigned i = 0; !s->n_vg_want && i < s->n_lv_want; i++)
			ARG("%s/%s", s->lv_want[i][0], s->lv_want[i][1]);
		break;
	case JOB_LVM_REPORT:
		ARG("%s", p->lvm);
		ARG("lvs");
		ARG("--noheadings");
		ARG("--nameprefixes");
		ARG("-o");
		ARG("vg_name,lv_name");
		break;
	}
#undef ARG
	for (unsigned i = 0; i < n; i++)
		argv[i] = words[i];
	argv[n] = NULL;
	return 0;
}

static void storage_run_next(struct storage *s)
{
	char *argv[STORAGE_ARGV_MAX + 1];
	int r;

	while (!s->running && s->n_jobs && !s->stopped) {
		storage_job_argv(s, &s->jobs[0], argv);
		if ((r = storage_spawn(s, argv)) == 0) {
			s->running = true;
			return;
		}
		log_warn_errno(r, "storage: cannot start %s", argv[0]);
		memmove(&s->jobs[0], &s->jobs[1],
			(s->n_jobs - 1) * sizeof(s->jobs[0]));
		s->n_jobs--;
	}
}

/* ---- what a job's end means ------------------------------------------ */

static struct storage_array *storage_array_get(struct storage *s,
					       const char *kname)
{
	struct storage_array *a;

	for (unsigned i = 0; i < s->n_arrays; i++)
		if (!strcmp(s->arrays[i].kname, kname))
			return &s->arrays[i];
	if (s->n_arrays == STORAGE_ARRAYS_MAX)
		return NULL;
	a = &s->arrays[s->n_arrays++];
	memset(a, 0, sizeof(*a));
	str_copy(a->kname, sizeof(a->kname), kname);
	return a;
}

static struct storage_dev *storage_dev_find(struct storage *s, const char *name)
{
	for (unsigned i = 0; i < s->n_devs; i++)
		if (!strcmp(s->devs[i].name, name))
			return &s->devs[i];
	return NULL;
}

static int storage_export_line(const struct storage_kvline *line, void *data)
{
	const char **started = data;
	const char *v = storage_kv_get(line, "MD_STARTED");

	if (v && !*started) {
		static char keep[16];
		str_copy(keep, sizeof(keep), v);
		*started = keep;
	}
	return 0;
}

static void storage_md_incr_done(struct storage *s, const char *member,
				 int wstatus)
{
	const struct storage_dev *d = storage_dev_find(s, member);
	const char *started = NULL;
	struct storage_array *a;
	char kname[STORAGE_NAME_LEN];
	unsigned have, want;

	if (storage_kv_parse(s->out, s->out_len, STORAGE_KV_EXPORT,
			     storage_export_line, &started) < 0)
		log_debug("storage: mdadm --export output not understood");
	if (storage_sys_holder(member, kname, sizeof(kname)) < 0) {
		log_warn("RAID member %s: mdadm did not attach it to an array "
			 "(exit %d)",
			 member,
			 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
		return;
	}
	if (!(a = storage_array_get(s, kname))) {
		log_warn("storage: too many md arrays; %s not followed", kname);
		return;
	}
	if (d && !a->uuid[0])
		memcpy(a->uuid, d->uuid, sizeof(a->uuid));
	have = storage_array_members(kname);
	want = storage_sys_uint(kname, "md/raid_disks");
	if (storage_md_is_container(kname)) {
		/* IMSM/DDF: mdadm starts the arrays inside the container,
		 * which appear as their own uevents; the container never
		 * runs. */
		if (!a->started)
			log_info("%s: member %s added to a container", kname,
				 member);
		a->started = true;
	} else if (storage_array_running(kname)) {
		if (!a->started)
			log_info("%s assembled and started: %u of %u members "
				 "(last %s)",
				 kname, have, want, member);
		a->started = true;
	} else if (!a->since) {
		a->since = loop_now_usec();
		log_info("%s: member %s attached, %u present, not started "
			 "(mdadm: started=%s); waiting up to %u s for the "
			 "rest (sesame.md_degraded_wait)",
			 kname, member, have, started ? started : "?",
			 s->degraded_wait);
	} else {
		log_info("%s: member %s attached, %u present, not started",
			 kname, member, have);
	}
	storage_arm_timer(s);
	storage_sync_hold(s);
}

static void storage_md_run_done(struct storage *s, const char *kname,
				int wstatus)
{
	struct storage_array *a = storage_array_get(s, kname);
	unsigned want = storage_sys_uint(kname, "md/raid_disks");
	unsigned missing = storage_sys_uint(kname, "md/degraded");

	if (storage_array_running(kname)) {
		if (a)
			a->started = true;
		log_warn("%s started DEGRADED: %u of %u members (no more "
			 "appeared within sesame.md_degraded_wait=%u s); "
			 "replace the missing disk",
			 kname, want - (missing < want ? missing : want), want,
			 s->degraded_wait);
	} else {
		log_err("%s could not be started degraded (mdadm --run exit "
			"%d): %u of %u members present",
			kname, WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1,
			storage_array_members(kname), want);
	}
	storage_sync_hold(s);
}

static bool storage_seen_vg(struct storage *s, const char *vg)
{
	for (unsigned i = 0; i < s->n_seen_vg; i++)
		if (!strcmp(s->seen_vg[i], vg))
			return true;
	return false;
}

static bool storage_seen_lv(struct storage *s, const char *vg, const char *lv)
{
	for (unsigned i = 0; i < s->n_seen_lv; i++)
		if (!strcmp(s->seen_lv[i][0], vg) &&
		    !strcmp(s->seen_lv[i][1], lv))
			return true;
	return false;
}

static int storage_report_line(const struct storage_kvline *line, void *data)
{
	struct storage *s = data;
	const char *vg = storage_kv_get(line, "LVM2_VG_NAME");
	const char *lv = storage_kv_get(line, "LVM2_LV_NAME");

	if (!vg || !storage_lvm_name_ok(vg))
		return 0;
	if (!storage_seen_vg(s, vg) && s->n_seen_vg < STORAGE_SEEN_MAX)
		str_copy(s->seen_vg[s->n_seen_vg++], STORAGE_LVM_NAME_MAX, vg);
	if (lv && storage_lvm_name_ok(lv) && !storage_seen_lv(s, vg, lv) &&
	    s->n_seen_lv < STORAGE_SEEN_MAX) {
		str_copy(s->seen_lv[s->n_seen_lv][0], STORAGE_LVM_NAME_MAX, vg);
		str_copy(s->seen_lv[s->n_seen_lv][1], STORAGE_LVM_NAME_MAX, lv);
		s->n_seen_lv++;
	}
	return 0;
}

static void storage_lvm_act_done(struct storage *s, int wstatus)
{
	if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		log_info("lvm activation exited %d (volume groups may still "
			 "be incomplete)",
			 WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
	else
		log_info("lvm: logical volumes activated");
	/* Names (/dev/mapper/VG-LV, /dev/VG/LV) exist now that lvm has
	 * made them: probe again so that a root= or fstab path matches. */
	if (s->n_vg_want || s->n_lv_want)
		storage_queue(s, JOB_LVM_REPORT, NULL);
	boot_rescan();
}

static void storage_lvm_report_missing(struct storage *s);
static bool storage_lvm_busy(struct storage *s);

static void storage_job_exited(pid_t pid, int wstatus, void *data)
{
	struct storage *s = data;
	struct storage_job j;
	int r;

	(void)pid;
	storage_out_drain(s);
	if (s->out_fd >= 0) {
		loop_del_fd(s->loop, s->out_fd);
		close(s->out_fd);
		s->out_fd = -1;
	}
	s->out[s->out_len] = '\0';
	if (s->out_trunc)
		log_warn("storage: command output over %zu bytes cut",
			 sizeof(s->out));
	j = s->jobs[0];
	memmove(&s->jobs[0], &s->jobs[1], (s->n_jobs - 1) * sizeof(s->jobs[0]));
	s->n_jobs--;
	s->running = false;
	if (!s->stopped) {
		switch (j.kind) {
		case JOB_MD_INCR:
			storage_md_incr_done(s, j.arg, wstatus);
			break;
		case JOB_MD_RUN:
			storage_md_run_done(s, j.arg, wstatus);
			break;
		case JOB_LVM_ACT:
			storage_lvm_act_done(s, wstatus);
			break;
		case JOB_LVM_REPORT:
			s->n_seen_vg = s->n_seen_lv = 0;
			if ((r = storage_kv_parse(s->out, s->out_len,
						  STORAGE_KV_NAMEPREFIXES,
						  storage_report_line, s)) < 0)
				log_warn_errno(r, "lvm lvs: output not "
						  "understood");
			s->reported = true;
			break;
		}
		if (s->lvm_msg_deferred && !storage_lvm_busy(s)) {
			s->lvm_msg_deferred = false;
			storage_lvm_report_missing(s);
		}
	}
	storage_run_next(s);
	storage_sync_hold(s);
}

static int storage_timer_fire(struct loop *l, struct loop_timer *t, void *data)
{
	struct storage *s = data;
	uint64_t now = loop_now_usec();

	(void)l;
	(void)t;
	for (unsigned i = 0; i < s->n_arrays; i++) {
		struct storage_array *a = &s->arrays[i];
		if (!storage_array_pending(a) ||
		    a->since + (uint64_t)s->degraded_wait * 1000000u > now)
			continue;
		if (storage_array_running(a->kname)) {
			a->started = true;
			continue;
		}
		/* (md/raid_disks reads 0 until the array runs) */
		log_warn("%s: still only %u member(s) after %u s: starting it "
			 "degraded",
			 a->kname, storage_array_members(a->kname),
			 s->degraded_wait);
		a->run_queued = true;
		storage_queue(s, JOB_MD_RUN, a->kname);
	}
	storage_arm_timer(s);
	storage_sync_hold(s);
	return 0;
}

/* ---- block device handlers ------------------------------------------- */

static struct storage_dev *
storage_dev_add(struct storage *s, const struct dev_props *p, bool is_md)
{
	struct storage_dev *d;

	if (storage_dev_find(s, p->name))
		return NULL; /* seen: a re-probe or "change" */
	if (s->n_devs == STORAGE_DEVS_MAX) {
		log_warn("storage: too many RAID members and PVs; %s ignored",
			 p->name);
		return NULL;
	}
	d = &s->devs[s->n_devs++];
	memset(d, 0, sizeof(*d));
	str_copy(d->name, sizeof(d->name), p->name);
	str_copy(d->label, sizeof(d->label), p->label);
	d->is_md = is_md;
	if (is_md &&
	    storage_md_uuid_normalize(p->uuid, strlen(p->uuid), d->uuid) < 0)
		d->uuid[0] = '\0';
	return d;
}

static bool storage_md_wanted(struct storage *s, const char *uuid)
{
	if (!s->n_md_want)
		return true;
	for (unsigned i = 0; i < s->n_md_want; i++)
		if (!strcmp(s->md_want[i], uuid))
			return true;
	return false;
}

/* blockdev handler for TYPE linux_raid_member. */
static int storage_md_found(const struct dev_props *p, void *data)
{
	struct storage *s = data;
	struct storage_dev *d;
	char u[48];

	if (!(d = storage_dev_add(s, p, true)))
		return 1;
	storage_fmt_uuid(d->uuid, u, sizeof(u));
	if (s->md_off) {
		log_info("RAID member %s (array %s) left alone: rd.md=0",
			 p->node, u);
		return 1;
	}
	if (!storage_md_wanted(s, d->uuid)) {
		log_info("RAID member %s belongs to array %s, not named by "
			 "rd.md.uuid: left alone",
			 p->node, u);
		return 1;
	}
	if (!s->have_mdadm) {
		log_err("RAID member %s (array %s): no mdadm in the image",
			p->node, u);
		return 1;
	}
	log_info("RAID member %s (array %s%s%s) appeared", p->node, u,
		 p->label[0] ? ", name " : "", p->label);
	storage_queue(s, JOB_MD_INCR, p->name);
	return 1; /* never a file system candidate */
}

/* blockdev handler for TYPE LVM2_member. */
static int storage_lvm_found(const struct dev_props *p, void *data)
{
	struct storage *s = data;
	if (!storage_dev_add(s, p, false))
		return 1;
	if (s->lvm_off) {
		log_info("LVM physical volume %s left alone: rd.lvm=0",
			 p->node);
		return 1;
	}
	if (!s->have_lvm) {
		log_err("LVM physical volume %s: no lvm in the image", p->node);
		return 1;
	}
	log_info("LVM physical volume %s appeared", p->node);
	storage_queue(s, JOB_LVM_ACT, NULL);
	return 1;
}

/* ---- parameters ------------------------------------------------------ */

static bool storage_param_off(const struct boot_config *cfg, const char *name)
{
	const char *v = boot_config_get(cfg, name);

	return v && (!strcmp(v, "0") || !strcmp(v, "no") ||
		     !strcmp(v, "false") || !strcmp(v, "off"));
}

static void storage_read_params(struct storage *s,
				const struct boot_config *cfg)
{
	unsigned iter = 0;
	const char *v;
	uint64_t n;

	s->md_off = storage_param_off(cfg, "rd.md");
	s->lvm_off = storage_param_off(cfg, "rd.lvm");
	s->degraded_wait = STORAGE_MD_DEGRADED_WAIT_DEFAULT;
	if ((v = boot_config_get(cfg, "sesame.md_degraded_wait"))) {
		if (str_to_u64(v, 10, 3600, &n) == 0)
			s->degraded_wait = (unsigned)n;
		else
			log_warn("boot parameter sesame.md_degraded_wait=%s "
				 "is malformed (0 to 3600 seconds), keeping "
				 "%u",
				 v, s->degraded_wait);
	}
	while (boot_config_find(cfg, "rd.md.uuid", &iter, &v) == 0) {
		if (!v || s->n_md_want == STORAGE_WANT_MAX ||
		    storage_md_uuid_normalize(v, strlen(v),
					      s->md_want[s->n_md_want]) < 0) {
			log_warn("boot parameter rd.md.uuid=%s is malformed "
				 "(or more than %u), ignored",
				 v ? v : "", STORAGE_WANT_MAX);
			continue;
		}
		s->n_md_want++;
	}
	iter = 0;
	while (boot_config_find(cfg, "rd.lvm.vg", &iter, &v) == 0) {
		if (!v || !storage_lvm_name_ok(v) ||
		    s->n_vg_want == STORAGE_WANT_MAX) {
			log_warn("boot parameter rd.lvm.vg=%s is malformed "
				 "(or more than %u), ignored",
				 v ? v : "", STORAGE_WANT_MAX);
			continue;
		}
		str_copy(s->vg_want[s->n_vg_want++], STORAGE_LVM_NAME_MAX, v);
	}
	iter = 0;
	while (boot_config_find(cfg, "rd.lvm.lv", &iter, &v) == 0) {
		if (s->n_lv_want == STORAGE_WANT_MAX ||
		    storage_parse_lv_param(v, s->lv_want[s->n_lv_want][0],
					   s->lv_want[s->n_lv_want][1]) < 0) {
			log_warn("boot parameter rd.lvm.lv=%s is malformed "
				 "(VG/LV expected), ignored",
				 v ? v : "");
			continue;
		}
		s->n_lv_want++;
	}
	/* dracut: rd.lvm.lv's VGs are activated (those LVs) with rd.lvm.vg's;
	 * both given, vgchange gets every VG named. */
	if (s->n_vg_want)
		for (unsigned i = 0; i < s->n_lv_want; i++) {
			bool have = false;
			for (unsigned k = 0; k < s->n_vg_want; k++)
				have |=
				    !strcmp(s->vg_want[k], s->lv_want[i][0]);
			if (!have && s->n_vg_want < STORAGE_WANT_MAX)
				str_copy(s->vg_want[s->n_vg_want++],
					 STORAGE_LVM_NAME_MAX,
					 s->lv_want[i][0]);
		}
}

static int storage_conf_array(const struct storage_md_conf_array *a, void *data)
{
	char u[48];

	(void)data;
	storage_fmt_uuid(a->uuid, u, sizeof(u));
	log_info("mdadm.conf: ARRAY %s UUID=%s%s%s", a->devname,
		 a->uuid[0] ? u : "(none)", a->name[0] ? " name=" : "",
		 a->name);
	return 0;
}

static void storage_read_conf(struct storage *s)
{
	const char *path = storage_paths()->mdadm_conf;
	char *buf = NULL;
	unsigned bad = 0;
	size_t len;
	int r;

	if (!path || access(path, F_OK) < 0)
		return;
	if ((r = file_read_all(path, 256u << 10, &buf, &len)) < 0) {
		log_warn_errno(r, "%s", path);
		return;
	}
	r = storage_md_conf_parse(buf, len, storage_conf_array, NULL, &bad);
	if (r > 0)
		s->conf_arrays = (unsigned)r;
	if (bad)
		log_warn("%s: %u ARRAY line(s) not understood (mdadm reads "
			 "the file itself)",
			 path, bad);
	free(buf);
}

/*
 * The state lives until PID 1 execs the real init: it is never freed, not
 * even by stop, because the block device handlers (there is no way to
 * unregister them) and a job still running at stop keep pointing at it.
 */
static int storage_hook_start(struct loop *l, const struct boot_config *cfg,
			      void **ctxp)
{
	const struct storage_paths *p = storage_paths();
	static const char *const dirs[] = {"/run/mdadm", "/run/lvm",
					   "/run/lock", "/run/lock/lvm"};
	struct storage *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->out_fd = -1;
	s->loop = l;
	storage_read_params(s, cfg);
	s->have_mdadm = p->mdadm && access(p->mdadm, X_OK) == 0;
	s->have_lvm = p->lvm && access(p->lvm, X_OK) == 0;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], 0700) < 0 && errno != EEXIST)
			log_debug("mkdir %s: %s", dirs[i], strerror(errno));
	if ((r = loop_timer_new(l, storage_timer_fire, s, &s->timer)) < 0) {
		free(s);
		return r;
	}
	if (s->have_mdadm)
		storage_read_conf(s);
	/* (a failure here leaves s to a registered handler: not freed) */
	if ((r = blockdev_handler_register("linux_raid_member",
					   storage_md_found, s)) < 0 ||
	    (r = blockdev_handler_register("LVM2_member", storage_lvm_found,
					   s)) < 0) {
		loop_timer_free(s->timer);
		s->timer = NULL;
		s->stopped = true;
		return r;
	}
	*ctxp = s;
	return 0;
}

static void storage_hook_stop(void *ctx)
{
	struct storage *s = ctx;
	s->stopped = true;
	if (s->held)
		boot_release();
	s->held = false;
	if (s->timer)
		loop_timer_arm(s->timer, 0);
	if (s->out_fd >= 0) {
		loop_del_fd(s->loop, s->out_fd);
		close(s->out_fd);
		s->out_fd = -1;
	}
}

/* ---- the emergency message ------------------------------------------- */

static void storage_list_members(struct storage *s, char *buf, size_t n,
				 const char *only)
{
	size_t len = 0;
	char u[48];

	buf[0] = '\0';
	for (unsigned i = 0; i < s->n_devs && len < n; i++) {
		const struct storage_dev *d = &s->devs[i];
		if (!d->is_md || (only && strcmp(only, d->uuid)))
			continue;
		storage_fmt_uuid(d->uuid, u, sizeof(u));
		len += (size_t)snprintf(buf + len, n - len, "%s%s (array %s)",
					len ? ", " : "", d->name, u);
	}
	if (!len)
		snprintf(buf, n, "none");
}

static void storage_list_vgs(struct storage *s, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < s->n_seen_vg && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					len ? ", " : "", s->seen_vg[i]);
	if (!len)
		snprintf(buf, n, "%s",
			 s->reported ? "none"
				     : "none (no LVM physical volume "
				       "was activated)");
}

static bool storage_lvm_busy(struct storage *s)
{
	for (unsigned i = 0; i < s->n_jobs; i++)
		if (s->jobs[i].kind == JOB_LVM_ACT ||
		    s->jobs[i].kind == JOB_LVM_REPORT)
			return true;
	return false;
}

/* The VGs and LVs named by rd.lvm.vg / rd.lvm.lv that lvm did not find. */
static void storage_lvm_report_missing(struct storage *s)
{
	char list[1024];

	storage_list_vgs(s, list, sizeof(list));
	for (unsigned i = 0; i < s->n_vg_want; i++)
		if (!storage_seen_vg(s, s->vg_want[i]))
			log_err("volume group %s (rd.lvm.vg) not found; VGs "
				"seen: %s",
				s->vg_want[i], list);
	for (unsigned i = 0; i < s->n_lv_want; i++) {
		const char *vg = s->lv_want[i][0], *lv = s->lv_want[i][1];
		if (!storage_seen_vg(s, vg))
			log_err("logical volume %s/%s (rd.lvm.lv): volume "
				"group %s not found; VGs seen: %s",
				vg, lv, vg, list);
		else if (!storage_seen_lv(s, vg, lv))
			log_err("logical volume %s/%s (rd.lvm.lv) not found in "
				"volume group %s",
				vg, lv, vg);
	}
}

static void storage_hook_emergency(void *ctx, const char *reason)
{
	struct storage *s = ctx;
	char list[1024], u[48];

	(void)reason;
	for (unsigned i = 0; i < s->n_md_want; i++) {
		bool seen = false;
		for (unsigned k = 0; k < s->n_devs; k++)
			seen |= s->devs[k].is_md &&
				!strcmp(s->devs[k].uuid, s->md_want[i]);
		if (seen)
			continue;
		storage_fmt_uuid(s->md_want[i], u, sizeof(u));
		storage_list_members(s, list, sizeof(list), NULL);
		log_err("rd.md.uuid=%s: no such array among the RAID members "
			"seen: %s",
			u, list);
	}
	for (unsigned i = 0; i < s->n_arrays; i++) {
		const struct storage_array *a = &s->arrays[i];
		if (a->started || storage_array_running(a->kname))
			continue;
		log_err("md array %s did not start: %u member(s) present",
			a->kname, storage_array_members(a->kname));
	}
	if (!s->n_vg_want && !s->n_lv_want)
		return;
	if (storage_lvm_busy(s)) {
		log_err("lvm is still looking for volume groups; what it does "
			"not find follows");
		s->lvm_msg_deferred = true;
		return;
	}
	storage_lvm_report_missing(s);
}

/* Read with boot_config_find(); their values are checked where read. */
static const struct boot_param_decl storage_hook_params[] = {
    {"rd.md", BOOT_PARAM_OPTIONAL, NULL},
    {"rd.lvm", BOOT_PARAM_OPTIONAL, NULL},
    {"rd.md.uuid", BOOT_PARAM_VALUE, NULL},
    {"rd.lvm.vg", BOOT_PARAM_VALUE, NULL},
    {"rd.lvm.lv", BOOT_PARAM_VALUE, NULL},
    {"sesame.md_degraded_wait", BOOT_PARAM_VALUE, NULL},
};

/* In init_hook_table (init/module.mk generates it from INIT_HOOKS). */
const struct init_hook storage_hook = {
    .name = "storage",
    .params = storage_hook_params,
    .n_params = sizeof(storage_hook_params) / sizeof(storage_hook_params[0]),
    .start = storage_hook_start,
    .stop = storage_hook_stop,
    .emergency = storage_hook_emergency,
};
