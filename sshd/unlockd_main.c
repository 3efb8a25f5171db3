/* unlockd_main: sesame-unlockd, the supervised process that owns
 * libcryptsetup, the unlock socket and the console prompt. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/loop.h"
#include "common/strutil.h"
#include "sshd/luks.h"
#include "sshd/unlock_service.h"
#include "sshd/unlockd_proto.h"
#include "sshd/unlockproto.h"

#define UNLOCKD_LINK_FD STDIN_FILENO

struct unlockd {
	struct loop *loop;
	const char *crypttab;
	const char *console; /* NULL: no prompt */
	const char *socket;
	struct luks_config *lc;
	struct luks_policy pol;
	struct luks_set *set;
	struct unlock_service *svc;
	int console_fd;
	int status_busy;
	char status[UNLOCKD_STATUS_MAX]; /* init's lines */
	char busy_why[UNLOCKD_STATUS_MAX];
};

static void unlockd_send(const struct unlockd_msg *m)
{
	int r = unlockd_msg_send(UNLOCKD_LINK_FD, m);

	/* A full link means PID 1 stopped reading: it restarts us. */
	if (r < 0)
		log_warn_errno(r, "cannot tell sesame-init (message %#x)",
			       m->type);
}

/* What PID 1 needs to hold the boot, hold the switch, or reboot. */
static void unlockd_send_state(struct unlockd *d)
{
	struct unlockd_msg m = {.type = UNLOCKD_MSG_STATE};
	struct unlockd_state *st = &m.u.state;
	if (!d->set)
		return;
	st->locked = luks_set_count_locked(d->set);
	st->open = luks_set_count_open(d->set);
	st->missing = luks_set_count_missing(d->set);
	st->wrong = luks_set_attempts_wrong(d->set);
	st->exhausted = luks_set_exhausted(d->set);
	st->action = d->pol.action;
	/* False once the attempt's answer is being applied,
	 * so an attempt counted in wrong never counts again as cut short. */
	st->attempt_running = unlock_service_busy(d->svc);
	unlockd_send(&m);
}

static void unlockd_on_opened(void *data, const struct luks_report *rep)
{
	struct unlockd *d = data;
	struct unlockd_msg m = {.type = UNLOCKD_MSG_OPENED};
	size_t off = 0;

	for (unsigned i = 0; i < rep->n; i++) {
		const struct luks_report_entry *e = &rep->e[i];
		int n;
		if (e->outcome != LUKS_OUT_OPENED)
			continue;
		n = snprintf(m.u.text + off, sizeof(m.u.text) - off, "%s%s",
			     off ? ", " : "", e->name);
		if (n < 0 || (size_t)n >= sizeof(m.u.text) - off)
			break;
		off += (size_t)n;
	}
	unlockd_send(&m);
	unlockd_send_state(d);
}

static void unlockd_on_attempt(void *data, int running)
{
	struct unlockd *d = data;

	(void)running; /* unlock_service_busy() says it */
	unlockd_send_state(d);
}

static void unlockd_on_exhausted(void *data, enum luks_fail_action action)
{
	struct unlockd *d = data;

	(void)action; /* in the state; PID 1 carries it out */
	unlockd_send_state(d);
}

static int unlockd_status(void *data, char *buf, size_t size)
{
	struct unlockd *d = data;

	snprintf(buf, size, "%s", d->status); /* after the devices' lines */
	return 0;
}

static int unlockd_resume(void *data, char *buf, size_t size)
{
	struct unlockd *d = data;
	struct unlockd_msg m = {.type = UNLOCKD_MSG_RESUME};

	/* init's last word on whether a resume would act (it checks again). */
	if (d->status_busy) {
		log_info("resume asked for over the unlock socket: %.*s",
			 (int)strcspn(d->busy_why, "\n"), d->busy_why);
		snprintf(buf, size, "%s", d->busy_why);
		return 0;
	}
	log_info("resume asked for over the unlock socket: rescanning devices "
		 "and trying the boot again");
	unlockd_send(&m);
	snprintf(buf, size,
		 "resume: block devices rescanned; the boot goes on (watch the "
		 "console, or run sesame-status)\n");
	return 0;
}

/* sesame.luks_tries and sesame.luks_fail; the rest is luks_config's. */
static void unlockd_config(struct unlockd *d, const char *name,
			   const char *value)
{
	uint64_t n;

	if (!strcmp(name, "sesame.luks_tries")) {
		if (value && str_to_u64(value, 10, 1000, &n) == 0 && n > 0)
			d->pol.max_attempts = (unsigned)n;
		else
			log_warn("sesame.luks_tries=%s: expected 1 to 1000",
				 value ? value : "");
	} else if (!strcmp(name, "sesame.luks_fail")) {
		if (value && !strcmp(value, "reboot"))
			d->pol.action = LUKS_FAIL_REBOOT;
		else if (value && !strcmp(value, "wait"))
			d->pol.action = LUKS_FAIL_WAIT;
		else
			log_warn("sesame.luks_fail=%s: expected wait or reboot",
				 value ? value : "");
	} else if (luks_config_parse_param(d->lc, name, value) == -ENOENT) {
		log_warn("boot parameter %s is not one sesame-unlockd reads",
			 name);
	}
}

static void unlockd_read_crypttab(struct unlockd *d)
{
	char *buf = NULL;
	size_t len;
	int r;

	if (!d->crypttab || access(d->crypttab, F_OK) < 0)
		return;
	if ((r = file_read_all(d->crypttab, 64u << 10, &buf, &len)) < 0) {
		log_warn_errno(r, "%s", d->crypttab);
		return;
	}
	(void)luks_config_parse_crypttab(d->lc, d->crypttab, buf, len);
	free(buf);
}

static int unlockd_start(struct unlockd *d, unsigned wrong, int cut)
{
	struct unlock_service_config uc;
	int r;

	if (d->set)
		return log_err_errno(-EALREADY, "a second START from init");
	unlockd_read_crypttab(d);
	if ((r = luks_set_new(d->lc, &d->pol, &d->set)) < 0)
		return log_err_errno(r, "cannot set up unlocking");
	if (wrong) {
		luks_set_restore_attempts(d->set, wrong);
		log_info("restarted: %u passphrase attempt(s) already counted "
			 "this boot%s",
			 wrong,
			 cut ? " (the one under way when the last process "
			       "ended is among them)"
			     : "");
	}
	if (d->console)
		d->console_fd = open(d->console, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (d->console && d->console_fd < 0)
		log_warn_errno(-errno, "%s: no console prompt", d->console);
	memset(&uc, 0, sizeof(uc));
	uc.socket_path = d->socket;
	uc.console_fd = d->console_fd;
	uc.on_opened = unlockd_on_opened;
	uc.on_exhausted = unlockd_on_exhausted;
	uc.on_attempt = unlockd_on_attempt;
	uc.status = unlockd_status;
	uc.resume = unlockd_resume;
	uc.data = d;
	if ((r = unlock_service_start(d->loop, d->set, &uc, &d->svc)) < 0)
		log_err_errno(r, "no unlock socket");
	unlockd_send_state(d);
	return 0;
}

static void unlockd_device(struct unlockd *d, const struct unlockd_device *dev)
{
	struct luks_probe probe = {
	    .path = dev->path,
	    .uuid = dev->uuid[0] ? dev->uuid : NULL,
	    .label = dev->label[0] ? dev->label : NULL,
	    .partuuid = dev->partuuid[0] ? dev->partuuid : NULL,
	    .partlabel = dev->partlabel[0] ? dev->partlabel : NULL,
	};
	int r;

	if (!d->set) {
		log_warn("init named LUKS device %s before START: ignored",
			 dev->path);
		return;
	}
	r = luks_set_add(d->set, &probe);
	if (r == -ENOENT)
		log_info("LUKS device %s (UUID=%s) is not wanted at boot",
			 dev->path, dev->uuid);
	else if (r == -ECANCELED)
		log_info("LUKS device %s: rd.luks=0", dev->path);
	else if (r < 0 && r != -EEXIST)
		log_warn_errno(r, "LUKS device %s", dev->path);
	if (r == 0) {
		unlock_service_devices_changed(d->svc);
		unlockd_send_state(d);
	}
}

/* The handoff (why set) or init gone (why NULL): answer, tidy, exit. */
static void unlockd_stop(struct unlockd *d, const char *why)
{
	unlock_service_stop(d->svc, why);
	d->svc = NULL;
	luks_set_free(d->set);
	d->set = NULL;
	loop_quit(d->loop);
}

static void unlockd_message(struct unlockd *d, const struct unlockd_msg *m)
{
	switch (m->type) {
	case UNLOCKD_MSG_CONFIG:
		if (d->set)
			log_warn("init sent %s after START: ignored",
				 m->u.config.name);
		else
			unlockd_config(d, m->u.config.name,
				       m->u.config.has_value ? m->u.config.value
							     : NULL);
		break;
	case UNLOCKD_MSG_START:
		(void)unlockd_start(d, m->u.start.wrong, m->u.start.cut);
		break;
	case UNLOCKD_MSG_DEVICE:
		unlockd_device(d, &m->u.device);
		break;
	case UNLOCKD_MSG_STATUS:
		d->status_busy = m->u.status.busy;
		memcpy(d->status, m->u.status.lines, sizeof(d->status));
		memcpy(d->busy_why, m->u.status.why, sizeof(d->busy_why));
		break;
	case UNLOCKD_MSG_STOP:
		unlockd_stop(d, m->u.text[0] ? m->u.text : NULL);
		break;
	default:
		break; /* the parser admits no other type from init */
	}
}

static int unlockd_on_link(struct loop *l, int fd, uint32_t events, void *data)
{
	struct unlockd *d = data;
	uint8_t buf[UNLOCKD_MSG_MAX + 1];
	struct unlockd_msg m;
	ssize_t n;

	(void)l;
	(void)events;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0) {
			/* init closed the link: it is gone or wants us gone */
			if (n < 0)
				log_warn_errno(-errno, "the link to init");
			loop_del_fd(d->loop, fd);
			unlockd_stop(d, NULL);
			return 0;
		}
		if (unlockd_msg_parse(buf,
				      (size_t)n > UNLOCKD_MSG_MAX
					  ? UNLOCKD_MSG_MAX + 1
					  : (size_t)n,
				      UNLOCKD_FROM_INIT, &m) < 0) {
			log_err("init sent a malformed message (%zd bytes, "
				"type %#x): ignored",
				n, buf[0]);
			continue;
		}
		unlockd_message(d, &m);
		if (m.type == UNLOCKD_MSG_STOP)
			return 0; /* the loop ends; nothing after counts */
	}
}

/* SIGCHLD: the attempt's monitor (luks_worker.h) is ours to reap. */
static int unlockd_on_signal(struct loop *l, int fd, uint32_t events,
			     void *data)
{
	struct unlockd *d = data;
	struct signalfd_siginfo si;

	(void)l;
	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM) {
			log_info("SIGTERM: stopping");
			unlockd_stop(d, "sesame-unlockd was stopped\n");
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return 0;
}

static void unlockd_usage(FILE *f)
{
	fprintf(f,
		"usage: sesame-unlockd [--crypttab PATH] [--console PATH|none] "
		"[--socket PATH] [--debug]\n"
		"The initramfs's unlock process, started and supervised by "
		"/init (sesame-init)\nwith its link on standard input; not "
		"for running by hand. See sesame-init(7).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"crypttab", required_argument, NULL, 'c'},
	    {"console", required_argument, NULL, 't'},
	    {"socket", required_argument, NULL, 's'},
	    {"debug", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	struct unlockd d = {
	    .crypttab = "/etc/crypttab",
	    .console = "/dev/console",
	    .socket = UNLOCK_SOCKET_PATH,
	    .console_fd = -1,
	};
	int o, r, sigfd, debug = 0;
	sigset_t set;

	log_set_ident("sesame-unlockd");
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			d.crypttab = optarg;
			break;
		case 't':
			d.console = strcmp(optarg, "none") ? optarg : NULL;
			break;
		case 's':
			d.socket = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'h':
			unlockd_usage(stdout);
			return 0;
		case 'V':
			printf("sesame-unlockd (sesame) %s\n", SESAME_VERSION);
			return 0;
		default:
			unlockd_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		unlockd_usage(stderr);
		return 2;
	}
	if (fd_check_seqpacket(UNLOCKD_LINK_FD) < 0) {
		fprintf(stderr, "sesame-unlockd: standard input is not the "
				"link to sesame-init (a SOCK_SEQPACKET "
				"socket); it runs only under /init\n");
		return 2;
	}
	/* Like init: kmsg for the record, the console (our stderr) to see. */
	log_set_sinks_kmsg(LOG_SINK_CONSOLE, STDERR_FILENO);
	log_set_max_level(debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	d.lc = calloc(1, sizeof(*d.lc));
	if (!d.lc)
		return 1;
	luks_config_init(d.lc);
	luks_policy_default(&d.pol);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0 || (r = loop_new(&d.loop)) < 0 ||
	    (r = loop_add_fd(d.loop, sigfd, EPOLLIN, unlockd_on_signal, &d)) <
		0 ||
	    (r = loop_add_fd(d.loop, UNLOCKD_LINK_FD, EPOLLIN, unlockd_on_link,
			     &d)) < 0) {
		log_err("cannot set up the event loop");
		return 1;
	}
	r = loop_run(d.loop);
	if (d.console_fd >= 0)
		close(d.console_fd);
	loop_free(d.loop);
	free(d.lc);
	return r < 0 ? 1 : 0;
}
