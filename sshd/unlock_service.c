/* unlock_service: one passphrase path for the socket and the console, and
 * telling the other side. */
#include "sshd/unlock_service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "sshd/console_prompt.h"
#include "sshd/luks_worker.h"
#include "sshd/secret.h"
#include "sshd/unlock_server.h"

enum unlock_from {
	UNLOCK_VIA_SOCKET,
	UNLOCK_VIA_CONSOLE,
};

struct unlock_service {
	struct loop *loop;
	struct luks_set *set;
	struct unlock_service_config cfg;
	struct unlock_server *srv;
	struct console_prompt *cp;
	struct luks_worker *worker; /* the attempt running, or NULL */
	/* Passphrases that came during an attempt wait out its delay. */
	struct loop_timer *retry;
	enum unlock_from worker_from;
	int exhausted_told;
	int stopping;
};

void unlock_answer_from_report(const struct luks_report *rep,
			       struct unlock_answer *ans)
{
	memset(ans, 0, sizeof(*ans));
	switch (rep->result) {
	case 0:
		ans->code = rep->locked ? UNLOCK_PARTIAL : UNLOCK_OK;
		break;
	case -EPERM:
		/* The last attempt: no point asking again. */
		ans->code = rep->attempts_left ? UNLOCK_WRONG : UNLOCK_REFUSED;
		break;
	case -EAGAIN:
		ans->code = UNLOCK_WAIT;
		break;
	case -EACCES:
		ans->code = UNLOCK_REFUSED;
		break;
	default:
		/* Counted (a key derivation ran): it cost an attempt. */
		if (rep->counted)
			ans->code =
			    rep->attempts_left ? UNLOCK_WRONG : UNLOCK_REFUSED;
		else
			ans->code = UNLOCK_ERROR;
		break;
	}
	ans->wait_sec = (unsigned)((rep->wait_usec + 999999u) / 1000000u);
	if (luks_report_format(rep, ans->text, sizeof(ans->text)) < 0)
		snprintf(ans->text, sizeof(ans->text), "(no report)\n");
}

/*
 * What follows an attempt's report, whoever asked: the answer, init told of
 * opened devices, the other side told when everything is open, the cap.
 */
static void unlock_service_conclude(struct unlock_service *u,
				    enum unlock_from from,
				    const struct luks_report *rep,
				    struct unlock_answer *ans)
{
	unlock_answer_from_report(rep, ans);
	if (rep->opened && u->cfg.on_opened)
		u->cfg.on_opened(u->cfg.data, rep);
	if (rep->result == 0 && rep->locked == 0) {
		/* Everything is open: the other side stops asking. */
		if (from == UNLOCK_VIA_SOCKET) {
			console_prompt_stop(u->cp, "unlocked over SSH");
			u->cp = NULL;
			/* Other SSH sessions waiting at their prompt. */
			unlock_server_broadcast(u->srv, "unlocked over SSH by "
							"another session\n");
		} else if (u->srv) {
			unlock_server_broadcast(u->srv,
						"unlocked from the console\n");
		}
	}
	if (rep->result == -EACCES || luks_set_exhausted(u->set)) {
		if (from == UNLOCK_VIA_SOCKET && u->cp) {
			console_prompt_stop(u->cp, "no passphrase attempts "
						   "left this boot");
			u->cp = NULL;
		}
		if (!u->exhausted_told && u->cfg.on_exhausted) {
			u->exhausted_told = 1;
			u->cfg.on_exhausted(u->cfg.data, rep->action);
		}
	}
}

/*
 * Passphrases that came while an attempt ran ("yours is next") are tried
 * once the delay after it has passed, never refused as too early.
 */
static void unlock_service_retry_waiting(struct unlock_service *u)
{
	uint64_t wait = luks_set_wait_usec(u->set);

	if (wait && !luks_set_exhausted(u->set)) {
		loop_timer_arm(u->retry, wait);
		return;
	}
	console_prompt_retry(u->cp);
	if (!u->worker)
		unlock_server_retry(u->srv);
}

static int unlock_service_retry_fire(struct loop *l, struct loop_timer *t,
				     void *data)
{
	struct unlock_service *u = data;

	(void)l;
	(void)t;
	if (!u->worker && !u->stopping)
		unlock_service_retry_waiting(u);
	return 0;
}

/* The worker is done (called from the loop): answer whoever asked. */
static void unlock_service_done(void *data, const struct luks_attempt *a,
				const char *why)
{
	struct unlock_service *u = data;
	enum unlock_from from = u->worker_from;
	struct unlock_answer ans;
	struct luks_report *rep;

	u->worker = NULL; /* freed after this returns */
	rep = calloc(1, sizeof(*rep));
	if (!rep) {
		memset(&ans, 0, sizeof(ans));
		ans.code = UNLOCK_ERROR;
		snprintf(ans.text, sizeof(ans.text), "not unlocked: %s\n",
			 strerror(ENOMEM));
	} else {
		if (a)
			(void)luks_attempt_finish(u->set, a, rep);
		else
			(void)luks_attempt_failed(u->set, why, rep);
		unlock_service_conclude(u, from, rep, &ans);
		free(rep);
	}
	if (from == UNLOCK_VIA_SOCKET)
		(void)unlock_server_answer(u->srv, &ans);
	else
		console_prompt_answer(u->cp, &ans);
	unlock_service_retry_waiting(u);
	if (!u->worker && u->cfg.on_attempt)
		u->cfg.on_attempt(u->cfg.data, 0);
}

/*
 * One passphrase: the policy here, the key derivation in a worker process
 * (luks_worker.h); the answer follows from unlock_service_done(). While an
 * attempt runs, others wait (-EBUSY) and are offered again after it.
 */
static int unlock_service_try(struct unlock_service *u, enum unlock_from from,
			      const char *pass, size_t len,
			      struct unlock_answer *ans)
{
	struct luks_report *rep;
	int r;

	if (u->stopping)
		return -ECANCELED; /* the handoff: nothing new starts */
	if (u->worker)
		return -EBUSY;
	rep = calloc(1, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	if (len > SECRET_MAX) {
		r = -EINVAL;
		goto out;
	}
	log_info("passphrase received %s",
		 from == UNLOCK_VIA_SOCKET ? "over SSH" : "on the console");
	r = luks_attempt_begin(u->set, rep);
	if (r == 0) {
		/* Tried: the worker answers later. */
		r = luks_worker_start(u->loop, u->set, pass, len,
				      unlock_service_done, u, &u->worker);
		if (r == 0) {
			u->worker_from = from;
			r = UNLOCK_ANSWER_LATER;
			if (u->cfg.on_attempt)
				u->cfg.on_attempt(u->cfg.data, 1);
		}
		goto out;
	}
	/* Not tried (too early, no attempts left, nothing locked). */
	unlock_service_conclude(u, from, rep, ans);
	r = 0;
out:
	free(rep);
	return r;
}

static int unlock_service_from_socket(void *data, const char *pass, size_t len,
				      struct unlock_answer *ans)
{
	return unlock_service_try(data, UNLOCK_VIA_SOCKET, pass, len, ans);
}

static int unlock_service_from_console(void *data, const char *pass, size_t len,
				       struct unlock_answer *ans)
{
	return unlock_service_try(data, UNLOCK_VIA_CONSOLE, pass, len, ans);
}

static int unlock_service_status(void *data, char *buf, size_t size)
{
	struct unlock_service *u = data;
	size_t off;
	int r;

	if ((r = luks_set_format_status(u->set, buf, size)) < 0)
		return r;
	off = strlen(buf);
	if (u->cfg.status && off + 1 < size)
		(void)u->cfg.status(u->cfg.data, buf + off, size - off);
	return 0;
}

static int unlock_service_resume(void *data, char *buf, size_t size)
{
	struct unlock_service *u = data;

	if (!u->cfg.resume)
		return -EOPNOTSUPP;
	return u->cfg.resume(u->cfg.data, buf, size);
}

static const struct unlock_server_ops unlock_service_ops = {
    .passphrase = unlock_service_from_socket,
    .status = unlock_service_status,
    .resume = unlock_service_resume,
};

static int unlock_service_console(struct unlock_service *u)
{
	int r;

	if (u->cfg.console_fd < 0 || console_prompt_active(u->cp) ||
	    luks_set_count_locked(u->set) == 0 || luks_set_exhausted(u->set))
		return 0;
	console_prompt_stop(u->cp, NULL); /* a finished one */
	u->cp = NULL;
	r = console_prompt_start(u->loop, u->cfg.console_fd, NULL,
				 unlock_service_from_console, u, &u->cp);
	if (r < 0)
		log_warn_errno(r, "no passphrase prompt on the console");
	return r;
}

int unlock_service_start(struct loop *l, struct luks_set *set,
			 const struct unlock_service_config *cfg,
			 struct unlock_service **up)
{
	struct unlock_service *u;
	int r;

	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->loop = l;
	u->set = set;
	u->cfg = *cfg;
	if (!u->cfg.socket_path)
		u->cfg.socket_path = UNLOCK_SOCKET_PATH;
	r = loop_timer_new(l, unlock_service_retry_fire, u, &u->retry);
	if (r == 0)
		r = unlock_server_new(l, u->cfg.socket_path,
				      &unlock_service_ops, u, &u->srv);
	if (r < 0) {
		loop_timer_free(u->retry);
		free(u);
		return r;
	}
	/* A console that cannot prompt is not fatal: SSH still can. */
	(void)unlock_service_console(u);
	*up = u;
	return 0;
}

int unlock_service_devices_changed(struct unlock_service *u)
{
	return unlock_service_console(u);
}

void unlock_service_stop(struct unlock_service *u, const char *why)
{
	if (!u)
		return;
	u->stopping = 1;
	if (u->worker) {
		struct unlock_answer ans = {.code = UNLOCK_ERROR};
		/* Its outcome is not waited for; a device it opens stays. */
		luks_worker_cancel(u->worker);
		u->worker = NULL;
		snprintf(ans.text, sizeof(ans.text), "%s\n",
			 why ? why : "the attempt was stopped");
		(void)unlock_server_answer(u->srv, &ans);
	}
	if (why)
		unlock_server_broadcast(u->srv, why);
	unlock_server_free(u->srv);
	console_prompt_stop(u->cp, why);
	loop_timer_free(u->retry);
	free(u);
}

struct unlock_server *unlock_service_server(struct unlock_service *u)
{
	return u->srv;
}

int unlock_service_busy(const struct unlock_service *u)
{
	return u && u->worker;
}
