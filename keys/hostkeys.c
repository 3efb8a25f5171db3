/* hostkeys: makes the image's dedicated host keys with dropbearkey and reads
 * back their public halves. */
#include "keys/keys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "keys/fingerprint.h"
#include "keys/pubkey.h"

extern char **environ;

#define RUN_OUTPUT_MAX (64u << 10)

struct host_key {
	const char *file;
	const char *type;	   /* the public key's type name */
	const char *const args[5]; /* dropbearkey's type and size options */
};

/* ecdsa-sha2-nistp256 is for clients without ed25519. */
static const struct host_key host_keys[KEYS_COUNT] = {
    {KEYS_ED25519_FILE, "ssh-ed25519", {"-t", "ed25519", NULL}},
    {KEYS_ECDSA_FILE, "ecdsa-sha2-nistp256", {"-t", "ecdsa", "-s", "256"}},
};

/* Directories holding the system's own host keys, never ours. */
static const char *const system_key_dirs[] = {
    "/etc/ssh",
    "/etc/dropbear",
    "/etc/dropbear-initramfs",
    "/etc/dropbear/initramfs",
};

const char *keys_default_dir(void)
{
	const char *d = getenv("SESAME_KEYDIR");

	return d && *d ? d : KEYS_DEFAULT_DIR;
}

const char *keys_host_key_file(size_t i)
{
	return i < KEYS_COUNT ? host_keys[i].file : NULL;
}

static const char *keys_dropbearkey(void)
{
	const char *p = getenv("SESAME_DROPBEARKEY");

	return p && *p ? p : KEYS_DROPBEARKEY;
}

/*
 * Runs dropbearkey with args (stdin /dev/null, stdout and stderr into one
 * pipe) and returns what it printed. A failure logs that output; it holds
 * public material only.
 */
static int keys_run_dropbearkey(const char *const args[], char **outp,
				size_t *lenp)
{
	const char *argv[12];
	posix_spawn_file_actions_t fa;
	char *buf = NULL;
	size_t len = 0, n = 0;
	int pfd[2] = {-1, -1}, status, r;
	pid_t pid;

	argv[n++] = keys_dropbearkey();
	for (size_t i = 0; args[i] && n < 11; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (!(buf = malloc(RUN_OUTPUT_MAX + 1)))
		return -ENOMEM;
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	if ((r = posix_spawn_file_actions_init(&fa)) != 0) {
		r = -r;
		goto out;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
	/* exec's argv is char *const[] for history's sake; nothing writes. */
	union {
		const char **c;
		char *const *m;
	} av = {.c = argv};
	r = posix_spawnp(&pid, argv[0], &fa, NULL, av.m, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	pfd[1] = -1;
	if (r != 0) {
		r = log_err_errno(-r, "cannot run %s", argv[0]);
		goto out;
	}
	for (;;) {
		char sink[512];
		/* past the limit, drain: a blocked writer would never exit */
		bool full = len == RUN_OUTPUT_MAX;
		ssize_t got =
		    full ? read(pfd[0], sink, sizeof(sink))
			 : read(pfd[0], buf + len, RUN_OUTPUT_MAX - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (!full)
			len += (size_t)got;
	}
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			r = -errno;
			goto out;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *line, *save = NULL;
		log_err("%s %s %s failed", argv[0], argv[1], argv[2]);
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			log_err("  %s", line);
		r = -EIO;
		goto out;
	}
	*outp = buf;
	*lenp = len;
	buf = NULL;
	r = 0;
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	free(buf);
	return r;
}

/*
 * The public key of one private key file: `dropbearkey -y`'s key line,
 * decoded and checked to be of the expected type.
 */
static int keys_read_one(const char *path, const struct host_key *hk,
			 uint8_t **blobp, size_t *lenp)
{
	const char *args[] = {"-y", "-f", path, NULL};
	struct pubkey_info info;
	uint8_t *blob = NULL;
	char *out = NULL, *line;
	size_t outlen, bloblen, tlen = strlen(hk->type);
	int r;

	if ((r = keys_run_dropbearkey(args, &out, &outlen)) < 0)
		return r;
	r = -EBADMSG;
	for (line = out; line && *line;) {
		char *nl = strchr(line, '\n');
		size_t llen = nl ? (size_t)(nl - line) : strlen(line);
		if (llen > tlen && !strncmp(line, hk->type, tlen) &&
		    line[tlen] == ' ') {
			r = pubkey_decode_line(line, llen, &blob, &bloblen,
					       &info);
			break;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (r < 0) {
		log_err("%s: no %s public key from dropbearkey -y", path,
			hk->type);
		goto out;
	}
	*blobp = blob;
	*lenp = bloblen;
	blob = NULL;
out:
	free(blob);
	free(out);
	return r;
}

/* -EPERM for the system's own key directories (symlinks resolved). */
static int keys_check_not_system(const char *dir)
{
	char real[PATH_MAX];

	if (!realpath(dir, real))
		return 0; /* not there yet, so not the system's */
	for (size_t i = 0;
	     i < sizeof(system_key_dirs) / sizeof(system_key_dirs[0]); i++)
		if (!strcmp(real, system_key_dirs[i])) {
			log_err("%s is the system's own key directory; sesame "
				"uses dedicated keys (DESIGN.md)",
				dir);
			return -EPERM;
		}
	return 0;
}

/* mkdir -p, the last component 0700. */
static int keys_make_dir(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return log_err_errno(-errno, "cannot create %s", path);
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return log_err_errno(-errno, "cannot create %s", path);
	return 0;
}

static int keys_fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/*
 * Moves tmp to path: replacing it, or (RENAME_NOREPLACE, else link and
 * unlink) failing with -EEXIST when something is there.
 */
static int keys_install(const char *tmp, const char *path, bool replace)
{
	if (replace)
		return rename(tmp, path) < 0 ? -errno : 0;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (link(tmp, path) < 0)
		return -errno;
	unlink(tmp);
	return 0;
}

/* Makes one key in a private temporary dir inside dir, then installs it. */
static int keys_make_one(const char *dir, const struct host_key *hk,
			 bool replace)
{
	char tmpdir[PATH_MAX], tmpkey[PATH_MAX], path[PATH_MAX];
	char desc[KEYS_DESCRIBE_MAX];
	const char *args[8];
	size_t n = 0, outlen, bloblen;
	uint8_t *blob = NULL;
	char *out = NULL;
	bool have_dir = false;
	int r;

	if (snprintf(tmpdir, sizeof(tmpdir), "%s/.sesame-keygen.XXXXXX", dir) >=
		(int)sizeof(tmpdir) ||
	    snprintf(tmpkey, sizeof(tmpkey), "%s/.sesame-keygen.XXXXXX/%s", dir,
		     hk->file) >= (int)sizeof(tmpkey) ||
	    snprintf(path, sizeof(path), "%s/%s", dir, hk->file) >=
		(int)sizeof(path))
		return -ENAMETOOLONG;
	if (!mkdtemp(tmpdir)) {
		r = log_err_errno(-errno, "cannot create a directory in %s",
				  dir);
		goto out;
	}
	have_dir = true;
	if (snprintf(tmpkey, sizeof(tmpkey), "%s/%s", tmpdir, hk->file) >=
	    (int)sizeof(tmpkey)) {
		r = -ENAMETOOLONG;
		goto out;
	}
	for (size_t i = 0; i < 4 && hk->args[i]; i++)
		args[n++] = hk->args[i];
	args[n++] = "-f";
	args[n++] = tmpkey;
	args[n] = NULL;
	if ((r = keys_run_dropbearkey(args, &out, &outlen)) < 0)
		goto out;
	if (chmod(tmpkey, 0600) < 0 ||
	    (r = keys_fsync_path(tmpkey, O_RDONLY)) < 0) {
		r = log_err_errno(r < 0 ? r : -errno, "%s", tmpkey);
		goto out;
	}
	/* Check what dropbear will load before it replaces anything. */
	if ((r = keys_read_one(tmpkey, hk, &blob, &bloblen)) < 0 ||
	    (r = keys_describe_blob(blob, bloblen, desc, sizeof(desc))) < 0)
		goto out;
	if ((r = keys_install(tmpkey, path, replace)) < 0) {
		if (r != -EEXIST)
			log_err_errno(r, "cannot install %s", path);
		goto out;
	}
	keys_fsync_path(dir, O_RDONLY | O_DIRECTORY);
	log_info("created SSH host key %s: %s", path, desc);
out:
	if (have_dir) {
		unlink(tmpkey);
		rmdir(tmpdir);
	}
	free(out);
	free(blob);
	return r;
}

int keys_generate(const char *dir, bool force, bool *created)
{
	bool made = false;
	int r;

	if ((r = keys_check_not_system(dir)) < 0)
		return r;
	if ((r = keys_make_dir(dir)) < 0)
		return r;
	for (size_t i = 0; i < KEYS_COUNT; i++) {
		const struct host_key *hk = &host_keys[i];
		char path[PATH_MAX];
		struct stat st;

		if (snprintf(path, sizeof(path), "%s/%s", dir, hk->file) >=
		    (int)sizeof(path))
			return -ENAMETOOLONG;
		if (lstat(path, &st) == 0) {
			if (!S_ISREG(st.st_mode)) {
				log_err("%s: not a regular file", path);
				return -EINVAL;
			}
			if (st.st_mode & 077)
				log_warn("%s: readable by others (mode %04o); "
					 "chmod 600 it",
					 path, (unsigned)(st.st_mode & 07777));
			if (!force)
				continue;
		} else if (errno != ENOENT) {
			return log_err_errno(-errno, "%s", path);
		}
		r = keys_make_one(dir, hk, force);
		if (r == -EEXIST)
			continue; /* made meanwhile by someone else: theirs */
		if (r < 0)
			return r;
		made = true;
	}
	*created = made;
	return 0;
}

int keys_ensure(const char *dir, bool *created)
{
	return keys_generate(dir, false, created);
}

int keys_read_public(const char *dir, char **textp, size_t *lenp)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f;
	int r = 0;

	if ((r = keys_check_not_system(dir)) < 0)
		return r;
	f = open_memstream(&text, &size);
	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < KEYS_COUNT && r == 0; i++) {
		const struct host_key *hk = &host_keys[i];
		char path[PATH_MAX], *b64 = NULL;
		uint8_t *blob = NULL;
		size_t bloblen;
		struct stat st;

		if (snprintf(path, sizeof(path), "%s/%s", dir, hk->file) >=
		    (int)sizeof(path)) {
			r = -ENAMETOOLONG;
			break;
		}
		if (lstat(path, &st) < 0) {
			r = log_err_errno(-errno, "%s", path);
			break;
		}
		if (!S_ISREG(st.st_mode)) {
			log_err("%s: not a regular file", path);
			r = -EINVAL;
			break;
		}
		if ((r = keys_read_one(path, hk, &blob, &bloblen)) == 0 &&
		    (r = pubkey_encode_base64(blob, bloblen, &b64)) == 0)
			fprintf(f, "%s %s sesame\n", hk->type, b64);
		free(blob);
		free(b64);
	}
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(text);
		return r;
	}
	*textp = text;
	*lenp = size;
	return 0;
}

/*
 * The system's own host keys, under a root: OpenSSH's public key files,
 * and dropbear's keys (dropbear's private format; dropbearkey -y gives
 * their public half), the daemon's and dropbear-initramfs's.
 */
static const struct system_key_dir {
	const char *dir; /* relative to the root */
	const char *prefix, *suffix;
	bool dropbear;
} system_key_files[] = {
    {"etc/ssh", "ssh_host_", "_key.pub", false},
    {"etc/dropbear", "dropbear_", "_host_key", true},
    {"etc/dropbear/initramfs", "dropbear_", "_host_key", true},
    {"etc/dropbear-initramfs", "dropbear_", "_host_key", true},
};

static bool keys_name_matches(const char *name, const char *prefix,
			      const char *suffix)
{
	size_t n = strlen(name), p = strlen(prefix), s = strlen(suffix);

	return n > p + s && !strncmp(name, prefix, p) &&
	       !strcmp(name + n - s, suffix);
}

/* The public key blob of an OpenSSH public key file (its first line). */
static int keys_read_openssh_pub(const char *path, uint8_t **blobp,
				 size_t *lenp)
{
	struct pubkey_info info;
	char *buf = NULL;
	size_t buflen;
	int r;

	if ((r = file_read_all(path, 64u << 10, &buf, &buflen)) < 0)
		return r;
	r = pubkey_decode_line(buf, strcspn(buf, "\n"), blobp, lenp, &info);
	free(buf);
	return r;
}

/* The public key blob of a dropbear private key file, any type. */
static int keys_read_dropbear_pub(const char *path, uint8_t **blobp,
				  size_t *lenp)
{
	const char *args[] = {"-y", "-f", path, NULL};
	struct pubkey_info info;
	char *out = NULL, *line;
	size_t outlen;
	int r;

	if (access(path, R_OK) < 0)
		return -errno;
	if ((r = keys_run_dropbearkey(args, &out, &outlen)) < 0)
		return r;
	/* "Public key portion is:", the key line, "Fingerprint: ..." */
	r = -EBADMSG;
	for (line = out; line && *line && r < 0;) {
		char *nl = strchr(line, '\n');
		size_t llen = nl ? (size_t)(nl - line) : strlen(line);
		r = pubkey_decode_line(line, llen, blobp, lenp, &info);
		line = nl ? nl + 1 : NULL;
	}
	free(out);
	return r;
}

/*
 * -EEXIST (logged) when a key line of text holds blob, the public half of
 * the system's key at path.
 */
static int keys_compare_lines(const char *text, size_t len, const char *path,
			      const uint8_t *sys, size_t syslen)
{
	size_t pos = 0;
	int r = 0;

	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;
		struct pubkey_info info;
		uint8_t *blob = NULL;
		size_t bloblen;

		pos += llen + (nl ? 1 : 0);
		if (pubkey_decode_line(line, llen, &blob, &bloblen, &info) < 0)
			continue;
		if (bloblen == syslen && !memcmp(blob, sys, syslen)) {
			log_err("the image's %s host key is the system's own "
				"(%s)",
				info.type, path);
			r = -EEXIST;
		}
		free(blob);
	}
	return r;
}

int keys_check_distinct(const char *text, size_t len, const char *root)
{
	int r = 0;

	if (!root || !*root)
		root = "/";
	for (size_t i = 0;
	     i < sizeof(system_key_files) / sizeof(system_key_files[0]); i++) {
		const struct system_key_dir *sk = &system_key_files[i];
		char dir[PATH_MAX];
		struct dirent *e;
		DIR *d;

		if (snprintf(dir, sizeof(dir), "%s/%s", root, sk->dir) >=
		    (int)sizeof(dir))
			return -ENAMETOOLONG;
		if (!(d = opendir(dir)))
			continue; /* no such system keys */
		while ((e = readdir(d))) {
			char path[PATH_MAX];
			uint8_t *sys = NULL;
			size_t syslen;
			int q;

			if (!keys_name_matches(e->d_name, sk->prefix,
					       sk->suffix) ||
			    snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) >= (int)sizeof(path))
				continue;
			q = sk->dropbear
				? keys_read_dropbear_pub(path, &sys, &syslen)
				: keys_read_openssh_pub(path, &sys, &syslen);
			if (q == -EACCES || q == -EPERM) {
				/* dropbear's keys are root's: say what was
				 * not compared rather than pass silently */
				log_warn(
				    "cannot read %s to compare it with the "
				    "image's host keys (run as root)",
				    path);
				continue;
			}
			if (q < 0)
				continue; /* not a key we can read: not ours */
			if (keys_compare_lines(text, len, path, sys, syslen) <
			    0)
				r = -EEXIST;
			free(sys);
		}
		closedir(d);
	}
	return r;
}
