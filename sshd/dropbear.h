/* dropbear: the SSH server, started from an argument table, supervised in
 * /init's loop. */
#ifndef SESAME_DROPBEAR_H
#define SESAME_DROPBEAR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/loop.h"

#define DROPBEAR_LISTEN_MAX 4
#define DROPBEAR_HOSTKEYS_MAX 4
#define DROPBEAR_ARGV_MAX 48

struct dropbear_config {
	const char *path; /* NULL: /sbin/dropbear */
	/* "ADDR:PORT", "[V6ADDR]:PORT" or "PORT" (every address: avoid). */
	const char *listen[DROPBEAR_LISTEN_MAX];
	unsigned n_listen;
	/* The image's own host keys (ed25519, ecdsa); at least one. */
	const char *host_keys[DROPBEAR_HOSTKEYS_MAX];
	unsigned n_host_keys;
	/*
	 * dropbear 2022.83 always writes (and at exit unlinks) a pid file;
	 * there is no way to turn it off. NULL: /run/sesame/dropbear.pid.
	 * Never /dev/null: it would be unlinked.
	 */
	const char *pid_file;
	unsigned max_auth_tries;    /* -T; 0: dropbear's default (10) */
	unsigned idle_timeout_sec;  /* -I; 0: none */
	unsigned keepalive_sec;	    /* -K; 0: none */
	uint64_t restart_min_usec;  /* back-off after a death; 0: 1 s */
	uint64_t restart_max_usec;  /* 0: 30 s */
	uint64_t stop_timeout_usec; /* for its death at stop; 0: 2 s */
};

/* The argument vector and the storage its numbers live in. */
struct dropbear_argv {
	const char *argv[DROPBEAR_ARGV_MAX + 1]; /* NULL-terminated */
	size_t argc;
	char num[3][16];
};

/*
 * Builds dropbear's arguments from the fixed table (-F foreground, -E log to
 * stderr, -s no password logins, -j -k no port forwarding, -m no motd) and
 * the config (-p per address, -r per host key, -P, -T, -I, -K). Never -R
 * (keys made at boot would not match the admin's known_hosts), -B, -a or -e.
 * -EINVAL: no host key, no port, or a value with blanks or a leading '-';
 * -E2BIG when it would not fit. Agent forwarding has no server-side switch
 * in dropbear: authorized_keys' no-agent-forwarding (keys/) turns it off.
 */
int dropbear_build_argv(const struct dropbear_config *cfg,
			struct dropbear_argv *a);

struct dropbear;

/*
 * Starts dropbear now (its own session; stdin /dev/null; stdout and stderr
 * into a pipe read by the loop and logged line by line as "dropbear: ...";
 * an environment of PATH only; signals default and unblocked). When it dies
 * it is started again after a back-off that doubles up to restart_max_usec
 * (and resets after a minute of running). cfg and its strings must outlive
 * d.
 */
int dropbear_start(struct loop *l, const struct dropbear_config *cfg,
		   struct dropbear **dp);
/*
 * init's reaper (child_reap(), init/child.h), the only one, tells dropbear
 * when it exits, on every kernel (dropbear is started with
 * child_spawn_opts(), whose callback calls this); dropbear_stop() too
 * collects it only through init's child_reap_pid(). The exit is handled
 * once. Returns 1 when pid was dropbear (a restart is scheduled unless
 * stopping; status < 0: unknown), 0 when not.
 */
int dropbear_child_exited(struct dropbear *d, pid_t pid, int status);
/* Tests: replaces pidfd_open(2), which dropbear_stop() waits on (NULL: the
 * real one), e.g. by one that fails with ENOSYS as kernels before 5.3 do. */
void dropbear_set_pidfd_open(int (*fn)(pid_t pid));
/* The running dropbear's pid, or 0 between a death and its restart. */
pid_t dropbear_pid(const struct dropbear *d);
/*
 * Before switch_root: no restart any more. dropbear is stopped (SIGSTOP)
 * so that it forks no more, every descendant listed (its per-connection
 * processes run in sessions of their own) and sent SIGTERM, dropbear
 * itself SIGKILL (its SIGTERM handler would still fork a connection it
 * was accepting) and collected through init's child_reap_pid() (its exit
 * callback runs here, once; nothing else here calls waitpid), its pid file
 * removed; then the descendants SIGKILL. Sessions running `unlock` (or
 * flushing its answer) get up to 2 s to end first. Waits on a pidfd
 * (without one, in 10 ms steps), at most stop_timeout_usec for dropbear
 * and 1 s for each descendant.
 * Returns 0 when none of them is left (zombies reparented to init
 * excepted), -ETIMEDOUT or -EBUSY otherwise. Frees nothing: call
 * dropbear_free() after. Safe to call twice.
 */
int dropbear_stop(struct dropbear *d);
/* Stops (as dropbear_stop) if needed and frees. NULL-safe. */
void dropbear_free(struct dropbear *d);

#endif
