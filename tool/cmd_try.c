/* cmd_try: `sesame try` boots an image in QEMU and reports what a remote
 * admin would see, before the image is trusted to a reboot. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "common/strutil.h"
#include "keys/fingerprint.h"
#include "keys/keys.h"
#include "tool/commands.h"
#include "try/cmdline.h"
#include "try/console.h"
#include "try/hostnic.h"
#include "try/inventory.h"
#include "try/proc.h"
#include "try/report.h"

#define TRY_DISKS_MAX 8
#define TRY_IDENTITIES 2
/* ssh and ssh-keyscan get this long per call. */
#define TRY_SSH_CALL_MS 40000
#define TRY_OUT_MAX (64u << 10)
/* SSH must answer this long after the network is up. */
#define TRY_SSH_WAIT_MS 60000

/* The steps, in the table's order. */
enum {
	S_KERNEL,
	S_NETWORK,
	S_SSH,
	S_HOSTKEY,
	S_UNLOCK,
	S_RESCUE,
	S_CONSOLE,
	S_SWITCH,
	S_HOSTNIC,
	S_COUNT
};

static const struct {
	const char *id, *title;
} step_names[S_COUNT] = {
    [S_KERNEL] = {"kernel", "kernel reached /init"},
    [S_NETWORK] = {"network", "network up"},
    [S_SSH] = {"ssh", "SSH answered"},
    [S_HOSTKEY] = {"hostkey", "host key is the image's"},
    [S_UNLOCK] = {"unlock", "unlock key: unlock --status"},
    [S_RESCUE] = {"rescue", "rescue key: shell"},
    [S_CONSOLE] = {"console", "console prompt offered"},
    [S_SWITCH] = {"switch", "unlocked, switch to real init"},
    [S_HOSTNIC] = {"hostnic", "this host's NICs in the image"},
};

/* What the running ssh child is doing. */
enum job { JOB_NONE, JOB_KEYSCAN, JOB_UNLOCK, JOB_RESCUE, JOB_PASS };

struct opts {
	const char *image, *kernel, *cmdline, *keydir;
	const char *identity, *rescue_identity, *passfile, *qemu, *accel;
	const char *disks[TRY_DISKS_MAX];
	size_t ndisks;
	unsigned timeout_s, mem_mb;
	bool json, keep;
};

struct
try {
	struct opts o;
	char tmp[PATH_MAX];
	char image[PATH_MAX];
	char log[PATH_MAX];
	char known_hosts[PATH_MAX];
	struct try_inventory inv;
	struct try_cmdline cmd;
	struct try_step steps[S_COUNT];
	const char *accel, *nic_model, *nic_driver;
	char accel_why[160];
	unsigned port;
	long t0;
	int logfd;
	/* QEMU */
	pid_t qemu;
	int serial, con_in, qemu_status;
	bool qemu_exited, disks_checked;
	struct try_console con;
	/* what the console said */
	bool seen_nic, seen_no_ssh, seen_luks, seen_emergency, pass_sent;
	unsigned dhcp_ms;
	char emergency[TRY_EV_TEXT], panic[TRY_EV_TEXT];
	char nic_load_error[TRY_EV_TEXT];
	/* the ssh child */
	enum job job;
	pid_t job_pid;
	int job_fd;
	long job_started, next_keyscan;
	char *out;
	size_t outlen;
	/* notes under the table */
	char *notes[64];
	size_t nnotes;
	bool tty, reported[S_COUNT];
	long last_progress;
};

/* exec's argv is char *const[]; it never writes the strings. */
static char *unconst(const char *s)
{
	return (char *)(uintptr_t)s;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long elapsed(const struct try *t)
{
	return now_ms() - t->t0;
}

static void note(struct try *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct try *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (t->nnotes == sizeof(t->notes) / sizeof(t->notes[0]))
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		t->notes[t->nnotes++] = s;
	va_end(ap);
}

static struct try_step *step(struct try *t, int i)
{
	return &t->steps[i];
}

static bool decided(const struct try *t, int i)
{
	return t->steps[i].mark != TRY_PENDING;
}

/* ---- options -------------------------------------------------------- */

static void try_usage(FILE *f)
{
	fprintf(f,
		"usage: sesame try [OPTIONS] [IMAGE]\n\n"
		"Boots IMAGE (default: what `sesame build` would write, built "
		"into a\ntemporary file) in QEMU on loopback-only user "
		"networking and reports, step by\nstep, what a remote admin "
		"would see. Exit 0 only when no step failed.\n\n"
		"  --kernel FILE           kernel (default "
		"/boot/vmlinuz-$(uname -r))\n"
		"  --cmdline TEXT          kernel command line (default "
		"/proc/cmdline); what\n"
		"                          QEMU cannot honour is left out, "
		"each one named\n"
		"  --keydir DIR            the host keys the image should "
		"offer (default\n"
		"                          $SESAME_KEYDIR or %s)\n"
		"  --identity FILE         an unlock key's private key: "
		"runs unlock --status\n"
		"  --rescue-identity FILE  a rescue key's private key: "
		"opens a shell\n"
		"  --disk DEV              attach DEV read-only through a "
		"snapshot (repeatable)\n"
		"  --passphrase-file FILE  unlock for real and follow the "
		"boot to the switch\n"
		"  --timeout S             give up after S seconds (default "
		"300)\n"
		"  --memory MB             the VM's memory (default 512)\n"
		"  --qemu PATH             the QEMU binary (default "
		"qemu-system-x86_64)\n"
		"  --accel kvm|tcg         force an accelerator (default: "
		"KVM when usable)\n"
		"  --json                  the report as JSON\n"
		"  --keep                  keep the VM's console log\n"
		"See sesame-try(1).\n",
		KEYS_DEFAULT_DIR);
}

static int parse_uint(const char *s, unsigned max, unsigned *v)
{
	uint64_t x;

	if (str_to_u64(s, 10, max, &x) < 0 || x == 0)
		return -EINVAL;
	*v = (unsigned)x;
	return 0;
}

/* Returns 0, or EXIT_USAGE / EXIT_OK (for --help) as a positive value. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	enum {
		O_KERNEL = 256,
		O_CMDLINE,
		O_KEYDIR,
		O_IDENTITY,
		O_RESCUE,
		O_DISK,
		O_PASS,
		O_TIMEOUT,
		O_MEMORY,
		O_QEMU,
		O_JSON,
		O_KEEP,
		O_ACCEL,
	};
	static const struct option lopts[] = {
	    {"kernel", required_argument, NULL, O_KERNEL},
	    {"cmdline", required_argument, NULL, O_CMDLINE},
	    {"keydir", required_argument, NULL, O_KEYDIR},
	    {"identity", required_argument, NULL, O_IDENTITY},
	    {"rescue-identity", required_argument, NULL, O_RESCUE},
	    {"disk", required_argument, NULL, O_DISK},
	    {"passphrase-file", required_argument, NULL, O_PASS},
	    {"timeout", required_argument, NULL, O_TIMEOUT},
	    {"memory", required_argument, NULL, O_MEMORY},
	    {"qemu", required_argument, NULL, O_QEMU},
	    {"json", no_argument, NULL, O_JSON},
	    {"keep", no_argument, NULL, O_KEEP},
	    {"accel", required_argument, NULL, O_ACCEL},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	o->timeout_s = 300;
	o->mem_mb = 512;
	o->qemu = "qemu-system-x86_64";
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case O_KERNEL:
			o->kernel = optarg;
			break;
		case O_CMDLINE:
			o->cmdline = optarg;
			break;
		case O_KEYDIR:
			o->keydir = optarg;
			break;
		case O_IDENTITY:
			o->identity = optarg;
			break;
		case O_RESCUE:
			o->rescue_identity = optarg;
			break;
		case O_DISK:
			if (o->ndisks == TRY_DISKS_MAX) {
				log_err("--disk: at most %d disks",
					TRY_DISKS_MAX);
				return EXIT_USAGE;
			}
			o->disks[o->ndisks++] = optarg;
			break;
		case O_PASS:
			o->passfile = optarg;
			break;
		case O_TIMEOUT:
			if (parse_uint(optarg, 86400, &o->timeout_s) < 0) {
				log_err("--timeout %s: want seconds, 1 to "
					"86400",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case O_MEMORY:
			if (parse_uint(optarg, 65536, &o->mem_mb) < 0 ||
			    o->mem_mb < 128) {
				log_err("--memory %s: want MiB, 128 to 65536",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case O_QEMU:
			o->qemu = optarg;
			break;
		case O_JSON:
			o->json = true;
			break;
		case O_KEEP:
			o->keep = true;
			break;
		case O_ACCEL:
			if (strcmp(optarg, "kvm") && strcmp(optarg, "tcg")) {
				log_err("--accel %s: kvm or tcg", optarg);
				return EXIT_USAGE;
			}
			o->accel = optarg;
			break;
		case 'h':
			try_usage(stdout);
			return -1;
		default:
			try_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		log_err("one IMAGE at most");
		try_usage(stderr);
		return EXIT_USAGE;
	}
	if (argc - optind == 1)
		o->image = argv[optind];
	if (o->passfile && o->ndisks == 0) {
		log_err("--passphrase-file needs --disk: without disks there "
			"is nothing to unlock");
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- preparation ---------------------------------------------------- */

/* Runs argv to completion with stdout and stderr to ours; its status. */
static int run_wait(char *const argv[], int out)
{
	pid_t pid = try_spawn(argv, -1, out, 2);
	int status;

	if (pid < 0)
		return pid;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

/* The image `sesame build` would write, built into the temp dir. */
static int build_default_image(struct try *t)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status;

	if (n < 0)
		return log_err_errno(-errno, "/proc/self/exe");
	self[n] = '\0';
	if ((size_t)snprintf(t->image, sizeof(t->image), "%s/image", t->tmp) >=
	    sizeof(t->image))
		return -ENAMETOOLONG;
	{
		char *argv[] = {self, "build", "-o", t->image, NULL};
		if (!t->o.json)
			log_info("no IMAGE given: building one with `sesame "
				 "build -o %s`",
				 t->image);
		status = run_wait(argv, 2);
	}
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_err("`sesame build` failed; give an IMAGE to try");
		return -EINVAL;
	}
	return 0;
}

static int read_cmdline(struct try *t)
{
	char *buf = NULL;
	size_t len;
	int r;

	if (t->o.cmdline) {
		r = try_cmdline_filter(t->o.cmdline, strlen(t->o.cmdline),
				       &t->cmd);
	} else {
		if ((r = file_read_all("/proc/cmdline", 65536, &buf, &len)) < 0)
			return log_err_errno(r, "/proc/cmdline");
		r = try_cmdline_filter(buf, len, &t->cmd);
		free(buf);
	}
	if (r < 0)
		return log_err_errno(r, "the kernel command line%s",
				     t->o.cmdline ? " (--cmdline)" : "");
	return 0;
}

static int pick_kernel(struct try *t, char *buf, size_t size)
{
	struct utsname u;

	if (t->o.kernel) {
		if (access(t->o.kernel, R_OK) < 0)
			return log_err_errno(-errno, "--kernel %s",
					     t->o.kernel);
		return str_copy(buf, size, t->o.kernel);
	}
	if (uname(&u) < 0)
		return log_err_errno(-errno, "uname");
	snprintf(buf, size, "/boot/vmlinuz-%s", u.release);
	if (access(buf, R_OK) < 0)
		return log_err_errno(-errno,
				     "%s (this host's kernel); give "
				     "--kernel FILE",
				     buf);
	if (t->inv.kver[0] && strcmp(t->inv.kver, u.release))
		note(t,
		     "note: the image's modules are for %s, the kernel is "
		     "%s",
		     t->inv.kver, u.release);
	return 0;
}

/*
 * KVM is used when /dev/kvm opens read-write, makes a VM, and the CPU
 * shows vmx or svm: seen here, a /dev/kvm on a paravirtualized guest
 * (no vmx) that makes VMs whose QEMU guest never prints a byte. why says
 * which test failed.
 */
static bool kvm_usable(char *why, size_t size)
{
	char *cpu = NULL;
	size_t len;
	bool ok = false;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC), vm;

	if (fd < 0) {
		snprintf(why, size, "/dev/kvm: %s", strerror(errno));
		return false;
	}
	if ((vm = ioctl(fd, KVM_CREATE_VM, 0)) < 0) {
		snprintf(why, size, "/dev/kvm: cannot make a VM: %s",
			 strerror(errno));
		goto out;
	}
	close(vm);
	if (file_read_all("/proc/cpuinfo", 16u << 20, &cpu, &len) < 0 ||
	    (!strstr(cpu, " vmx") && !strstr(cpu, " svm"))) {
		snprintf(why, size,
			 "/dev/kvm works but the CPU has no vmx or "
			 "svm (a paravirtualized host)");
		goto out;
	}
	ok = true;
out:
	free(cpu);
	close(fd);
	return ok;
}

/* A free TCP port on 127.0.0.1 for the hostfwd. */
static int free_port(unsigned *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return -errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0)
		r = -errno;
	else
		*port = ntohs(a.sin_port);
	close(fd);
	return r;
}

static void check_host_nics(struct try *t)
{
	struct try_hostnic nics[TRY_HOSTNIC_MAX];
	struct try_step *s = step(t, S_HOSTNIC);
	char buf[TRY_DETAIL - 64];
	size_t n = 0;
	int bad;

	if (try_hostnics_list("/sys/class/net", nics, TRY_HOSTNIC_MAX, &n) <
	    0) {
		try_step_set(s, TRY_SKIP, -1, "cannot read /sys/class/net");
		return;
	}
	if (n == 0) {
		try_step_set(s, TRY_SKIP, -1,
			     "no NIC with a driver is up on this host");
		return;
	}
	bad = try_hostnics_check(nics, n, &t->inv, buf, sizeof(buf));
	try_step_set(s, bad ? TRY_FAIL : TRY_PASS, -1, "%s", buf);
}

/* ---- QEMU ----------------------------------------------------------- */

static int start_qemu(struct try *t, const char *kernel)
{
	char netdev[256], device[96], mem[16], *drives[TRY_DISKS_MAX];
	char *argv[64];
	int sp[2] = {-1, -1}, in[2] = {-1, -1}, err = -1;
	size_t a = 0;
	char errpath[PATH_MAX + 16];
	int r = 0;

	memset(drives, 0, sizeof(drives));
	if (t->cmd.ip.set) {
		/* QEMU's network made to match the static ip=: its subnet,
		 * the gateway as QEMU's own address, SSH forwarded to the
		 * client address */
		char c[INET_ADDRSTRLEN], n[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN],
		    d[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &t->cmd.ip.client, c, sizeof(c));
		inet_ntop(AF_INET, &t->cmd.ip.net, n, sizeof(n));
		inet_ntop(AF_INET, &t->cmd.ip.gw, g, sizeof(g));
		inet_ntop(AF_INET, &t->cmd.ip.dns, d, sizeof(d));
		snprintf(netdev, sizeof(netdev),
			 "user,id=n0,restrict=on,net=%s/%u,host=%s,dns=%s,"
			 "hostfwd=tcp:127.0.0.1:%u-%s:22",
			 n, t->cmd.ip.prefix, g, d, t->port, c);
	} else {
		snprintf(netdev, sizeof(netdev),
			 "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:%u-:22",
			 t->port);
	}
	snprintf(device, sizeof(device), "%s,netdev=n0", t->nic_model);
	snprintf(mem, sizeof(mem), "%u", t->o.mem_mb);
	argv[a++] = unconst(t->o.qemu);
	argv[a++] = "-nodefaults";
	argv[a++] = "-no-user-config";
	argv[a++] = "-display";
	argv[a++] = "none";
	argv[a++] = "-machine";
	argv[a++] = "pc";
	argv[a++] = "-accel";
	argv[a++] = unconst(t->accel);
	if (!strcmp(t->accel, "kvm")) {
		argv[a++] = "-cpu";
		argv[a++] = "host";
	}
	argv[a++] = "-smp";
	argv[a++] = "1";
	argv[a++] = "-m";
	argv[a++] = mem;
	argv[a++] = "-no-reboot";
	argv[a++] = "-serial";
	argv[a++] = "stdio";
	argv[a++] = "-kernel";
	argv[a++] = unconst(kernel);
	argv[a++] = "-initrd";
	argv[a++] = t->image;
	argv[a++] = "-append";
	argv[a++] = t->cmd.text;
	argv[a++] = "-netdev";
	argv[a++] = netdev;
	argv[a++] = "-device";
	argv[a++] = device;
	for (size_t i = 0; i < t->o.ndisks; i++) {
		/* snapshot=on: writes go to a temporary overlay (in TMPDIR,
		 * our temp dir); QEMU opens the disk itself read-only, which
		 * check_disks_readonly() verifies. */
		if (asprintf(&drives[i],
			     "file=%s,format=raw,if=virtio,snapshot=on",
			     t->o.disks[i]) < 0) {
			r = -ENOMEM;
			goto out;
		}
		argv[a++] = "-drive";
		argv[a++] = drives[i];
	}
	argv[a] = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 ||
	    pipe2(in, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	snprintf(errpath, sizeof(errpath), "%s/qemu.err", t->tmp);
	if ((err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			0600)) < 0) {
		r = -errno;
		goto out;
	}
	if (setenv("TMPDIR", t->tmp, 1) < 0) {
		r = -errno;
		goto out;
	}
	t->t0 = now_ms();
	t->qemu = try_spawn(argv, in[0], sp[1], err);
	if (t->qemu < 0) {
		r = (int)t->qemu;
		t->qemu = 0;
		goto out;
	}
	t->serial = sp[0];
	sp[0] = -1;
	t->con_in = in[1];
	in[1] = -1;
	(void)fcntl(t->serial, F_SETFL, O_NONBLOCK);
out:
	if (r < 0)
		log_err_errno(r, "starting %s", t->o.qemu);
	for (size_t i = 0; i < TRY_DISKS_MAX; i++)
		free(drives[i]);
	for (int i = 0; i < 2; i++) {
		if (sp[i] >= 0)
			close(sp[i]);
		if (in[i] >= 0)
			close(in[i]);
	}
	if (err >= 0)
		close(err);
	return r;
}

/* The first line QEMU wrote on its stderr, for a failure's reason. */
static void qemu_said(const struct try *t, char *buf, size_t size)
{
	char path[PATH_MAX + 16];
	char *text = NULL, *nl;
	size_t len;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/qemu.err", t->tmp);
	if (file_read_all(path, 65536, &text, &len) < 0)
		return;
	if ((nl = strchr(text, '\n')))
		*nl = '\0';
	(void)strn_copy(buf, size, text, strnlen(text, size - 1));
	free(text);
}

/*
 * Proof that QEMU cannot write to a --disk: every descriptor it holds on
 * the disk is open read-only (snapshot=on puts the writes in an overlay).
 * Returns -EROFS naming the disk otherwise; QEMU is then stopped at once.
 */
static int check_disks_readonly(struct try *t)
{
	char dir[64], link[PATH_MAX], path[PATH_MAX + 64];
	struct stat want, have;
	unsigned found[TRY_DISKS_MAX] = {0};

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)t->qemu);
	for (int fd = 0; fd < 1024; fd++) {
		char *info = NULL;
		size_t len;
		unsigned long flags = 0;
		char *f;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%d", dir, fd);
		if ((n = readlink(path, link, sizeof(link) - 1)) < 0 ||
		    stat(path, &have) < 0)
			continue;
		link[n] = '\0';
		for (size_t i = 0; i < t->o.ndisks; i++) {
			if (stat(t->o.disks[i], &want) < 0 ||
			    want.st_dev != have.st_dev ||
			    want.st_ino != have.st_ino ||
			    want.st_rdev != have.st_rdev)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d",
				 (int)t->qemu, fd);
			if (file_read_all(path, 4096, &info, &len) < 0)
				continue;
			if ((f = strstr(info, "flags:")))
				flags = strtoul(f + 6, NULL, 8);
			free(info);
			info = NULL;
			if ((flags & O_ACCMODE) != O_RDONLY) {
				log_err("QEMU holds %s open for writing: "
					"stopped",
					t->o.disks[i]);
				return -EROFS;
			}
			found[i]++;
		}
	}
	for (size_t i = 0; i < t->o.ndisks; i++)
		if (!found[i])
			return 0; /* not open yet: checked again later */
	t->disks_checked = true;
	return 0;
}

/* ---- the console ---------------------------------------------------- */

static void on_event(const struct try_event *ev, void *arg)
{
	struct try *t = arg;
	long ms = elapsed(t);

	switch (ev->type) {
	case TRY_EV_INIT:
		try_step_set(step(t, S_KERNEL), TRY_PASS, ms,
			     "sesame-init started");
		break;
	case TRY_EV_NIC:
		t->seen_nic = true;
		break;
	case TRY_EV_DHCP_BOUND:
		t->dhcp_ms = ev->ms;
		break;
	case TRY_EV_REACHABLE:
		if (t->dhcp_ms || !t->cmd.ip.set)
			try_step_set(step(t, S_NETWORK), TRY_PASS, ms,
				     "%s at %s, DHCP %u ms (QEMU's %s, driver "
				     "%s)",
				     ev->a, ev->b, t->dhcp_ms, t->nic_model,
				     t->nic_driver ? t->nic_driver
						   : "built in");
		else
			try_step_set(step(t, S_NETWORK), TRY_PASS, ms,
				     "%s at %s, static (QEMU's %s, driver %s)",
				     ev->a, ev->b, t->nic_model,
				     t->nic_driver ? t->nic_driver
						   : "built in");
		break;
	case TRY_EV_NET_WAITING:
		/* sesame-init's own verdict: no address after its wait */
		if (t->nic_load_error[0])
			try_step_set(step(t, S_NETWORK), TRY_FAIL, ms,
				     "the NIC driver %s did not load: %s",
				     t->nic_driver, t->nic_load_error);
		else
			try_step_set(step(t, S_NETWORK), TRY_FAIL, ms,
				     "sesame-init: no address after %s%s",
				     ev->text,
				     t->nic_driver ? ""
						   : " (the image holds no "
						     "driver for any NIC "
						     "QEMU emulates)");
		break;
	case TRY_EV_MODULE_FAIL:
		if (t->nic_driver && !strcmp(ev->a, t->nic_driver))
			(void)str_copy(t->nic_load_error,
				       sizeof(t->nic_load_error), ev->text);
		break;
	case TRY_EV_NO_SSH:
		t->seen_no_ssh = true;
		break;
	case TRY_EV_LUKS_QUEUED:
		t->seen_luks = true;
		break;
	case TRY_EV_PROMPT:
		try_step_set(step(t, S_CONSOLE), TRY_PASS, ms, "\"%s\"",
			     TRY_CONSOLE_PROMPT);
		break;
	case TRY_EV_WRONG:
		if (t->pass_sent)
			try_step_set(step(t, S_SWITCH), TRY_FAIL, ms,
				     "the passphrase file's passphrase is "
				     "wrong for every LUKS device");
		break;
	case TRY_EV_SWITCH:
		try_step_set(step(t, S_SWITCH), TRY_PASS, ms,
			     "passphrase %s; switching to %s on %s (stopped "
			     "there)",
			     !t->pass_sent   ? "not needed"
			     : t->o.identity ? "over SSH (unlock < FILE)"
					     : "typed on the console",
			     ev->a, ev->b);
		break;
	case TRY_EV_EMERGENCY:
		t->seen_emergency = true;
		if (!t->emergency[0])
			(void)str_copy(t->emergency, sizeof(t->emergency),
				       ev->text);
		break;
	case TRY_EV_PANIC:
		if (!t->panic[0])
			(void)str_copy(t->panic, sizeof(t->panic), ev->text);
		break;
	default:
		break;
	}
}

static void read_serial(struct try *t)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(t->serial, buf, sizeof(buf))) > 0) {
		if (t->logfd >= 0)
			(void)fd_write_all(t->logfd, buf, (size_t)n);
		try_console_feed(&t->con, buf, (size_t)n, on_event, t);
	}
	if (n == 0) {
		close(t->serial);
		t->serial = -1;
	}
}

/* ---- ssh children --------------------------------------------------- */

static int job_start(struct try *t, enum job job, char *const argv[], int in)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	t->job_pid = try_spawn(argv, in, p[1], p[1]);
	close(p[1]);
	if (t->job_pid < 0) {
		int r = (int)t->job_pid;
		close(p[0]);
		t->job_pid = 0;
		return r;
	}
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	t->job = job;
	t->job_fd = p[0];
	t->job_started = now_ms();
	t->outlen = 0;
	return 0;
}

static void ssh_argv(struct try *t, char **argv, char *port, size_t psize,
		     const char *identity, const char *cmd)
{
	static char khost[PATH_MAX + 32];
	size_t a = 0;

	snprintf(port, psize, "%u", t->port);
	snprintf(khost, sizeof(khost), "UserKnownHostsFile=%s", t->known_hosts);
	argv[a++] = "ssh";
	argv[a++] = "-F";
	argv[a++] = "/dev/null";
	argv[a++] = "-o";
	argv[a++] = "BatchMode=yes";
	argv[a++] = "-o";
	argv[a++] = "StrictHostKeyChecking=yes";
	argv[a++] = "-o";
	argv[a++] = khost;
	argv[a++] = "-o";
	argv[a++] = "GlobalKnownHostsFile=/dev/null";
	argv[a++] = "-o";
	argv[a++] = "IdentitiesOnly=yes";
	argv[a++] = "-o";
	argv[a++] = "IdentityAgent=none";
	argv[a++] = "-o";
	argv[a++] = "ConnectTimeout=20";
	argv[a++] = "-o";
	argv[a++] = "LogLevel=ERROR";
	argv[a++] = "-i";
	argv[a++] = unconst(identity);
	argv[a++] = "-p";
	argv[a++] = port;
	argv[a++] = "root@127.0.0.1";
	argv[a++] = unconst(cmd);
	argv[a] = NULL;
}

static void start_keyscan(struct try *t)
{
	char port[16];
	char *argv[] = {
	    "ssh-keyscan",	 "-T",	      "10", "-p", port, "-t",
	    "ed25519,ecdsa,rsa", "127.0.0.1", NULL};
	int r;

	snprintf(port, sizeof(port), "%u", t->port);
	t->next_keyscan = now_ms() + 2000;
	if ((r = job_start(t, JOB_KEYSCAN, argv, -1)) < 0)
		try_step_set(step(t, S_SSH), TRY_FAIL, elapsed(t),
			     "cannot run ssh-keyscan: %s", strerror(-r));
}

static void start_ssh(struct try *t, enum job job, const char *identity,
		      const char *cmd, int in)
{
	char port[16];
	char *argv[40];
	int r;

	ssh_argv(t, argv, port, sizeof(port), identity, cmd);
	if ((r = job_start(t, job, argv, in)) < 0)
		log_err_errno(r, "running ssh");
}

/* The lines of s joined with "; " into buf (cut), blank lines dropped. */
static void join_lines(const char *s, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	while (*s && off + 1 < size) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
			n--;
		if (n) {
			int w = snprintf(buf + off, size - off, "%s%.*s",
					 off ? "; " : "", (int)n, s);
			if (w < 0 || (size_t)w >= size - off)
				break;
			off += (size_t)w;
		}
		s = nl ? nl + 1 : s + strlen(s);
	}
}

/* Checks the keys ssh-keyscan got against the key dir (or the image's
 * own list when the key dir cannot be read). */
static void compare_host_keys(struct try *t, const char *scan)
{
	const char *dir = t->o.keydir ? t->o.keydir : keys_default_dir();
	char *want = NULL, *from = NULL;
	char offered[TRY_DETAIL / 2] = "", miss[TRY_DETAIL / 2] = "";
	size_t wlen, n = 0, bad = 0;
	const char *p = scan;
	int r;
	long ms = elapsed(t);

	if ((r = keys_read_public(dir, &want, &wlen)) < 0) {
		if (!t->inv.host_keys) {
			try_step_set(step(t, S_HOSTKEY), TRY_FAIL, ms,
				     "the key dir %s: %s, and the image "
				     "holds no host_keys.pub",
				     dir, strerror(-r));
			return;
		}
		note(t,
		     "note: the key dir %s could not be read (%s): the "
		     "offered keys were compared with the image's own "
		     "/etc/sesame/host_keys.pub",
		     dir, strerror(-r));
		want = strdup(t->inv.host_keys);
		from = "the image's host_keys.pub";
		if (!want)
			return;
	}
	if (!from)
		from = unconst(dir);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *sp = memchr(p, ' ', len);
		char desc[KEYS_DESCRIBE_MAX];
		bool match = false;

		if (p[0] != '#' && sp &&
		    keys_describe_line(sp + 1, len - (size_t)(sp + 1 - p), desc,
				       sizeof(desc)) == 0) {
			const char *w = want;
			n++;
			while (*w && !match) {
				const char *wn = strchr(w, '\n');
				size_t wl = wn ? (size_t)(wn - w) : strlen(w);
				char wd[KEYS_DESCRIBE_MAX];
				if (keys_describe_line(w, wl, wd, sizeof(wd)) ==
					0 &&
				    !strcmp(wd, desc))
					match = true;
				w = wn ? wn + 1 : w + wl;
			}
			if (!match) {
				bad++;
				if (!miss[0])
					snprintf(miss, sizeof(miss), "%s",
						 desc);
			} else if (!offered[0]) {
				snprintf(offered, sizeof(offered), "%s", desc);
			}
		}
		p = nl ? nl + 1 : p + len;
	}
	if (n == 0)
		try_step_set(step(t, S_HOSTKEY), TRY_FAIL, ms,
			     "no host key offered");
	else if (bad)
		try_step_set(step(t, S_HOSTKEY), TRY_FAIL, ms,
			     "offered %s, not one of %s (%zu of %zu keys "
			     "differ): known_hosts made from it would "
			     "refuse the server",
			     miss, from, bad, n);
	else
		try_step_set(step(t, S_HOSTKEY), TRY_PASS, ms,
			     "%zu key(s) as in %s, e.g. %s", n, from, offered);
	free(want);
}

static void keyscan_done(struct try *t)
{
	const char *banner = NULL;
	char line[160];
	char *p = t->out;
	FILE *kh;

	/* "# 127.0.0.1:PORT SSH-2.0-dropbear_2022.83" (stderr) and one
	 * "[127.0.0.1]:PORT TYPE BASE64" line per key (stdout). */
	for (char *q = p; (q = strstr(q, "SSH-")); q++)
		if (q == p || q[-1] == ' ') {
			banner = q;
			break;
		}
	if (!banner)
		return; /* not yet: tried again while time is left */
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(banner, "\r\n"),
		 banner);
	try_step_set(step(t, S_SSH), TRY_PASS, elapsed(t), "%s on 127.0.0.1:%u",
		     line, t->port);
	compare_host_keys(t, t->out);
	/* known_hosts for the ssh steps: what was offered, so that those
	 * steps test the keys' roles whatever the host key step found */
	if ((kh = fopen(t->known_hosts, "we"))) {
		for (char *q = p; *q;) {
			size_t n = strcspn(q, "\n");
			if (q[0] == '[')
				fprintf(kh, "%.*s\n", (int)n, q);
			q += n + (q[n] == '\n');
		}
		fclose(kh);
	}
}

static void job_finished(struct try *t, int status)
{
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	char joined[TRY_DETAIL - 64];
	long ms = elapsed(t);

	join_lines(t->out ? t->out : "", joined, sizeof(joined));
	switch (t->job) {
	case JOB_KEYSCAN:
		keyscan_done(t);
		break;
	case JOB_UNLOCK:
		try_step_set(step(t, S_UNLOCK), ok ? TRY_PASS : TRY_FAIL, ms,
			     "%s%s", ok ? "" : "refused or failed: ",
			     joined[0] ? joined : "no output");
		break;
	case JOB_RESCUE:
		ok = ok && t->out && strstr(t->out, "sesame-try-shell-ok");
		try_step_set(step(t, S_RESCUE), ok ? TRY_PASS : TRY_FAIL, ms,
			     "%s%s", ok ? "a shell ran `echo`" : "no shell: ",
			     ok ? "" : (joined[0] ? joined : "no output"));
		break;
	case JOB_PASS:
		if (!ok)
			try_step_set(step(t, S_SWITCH), TRY_FAIL, ms,
				     "`unlock` over SSH failed: %s",
				     joined[0] ? joined : "no output");
		break;
	case JOB_NONE:
		break;
	}
	t->job = JOB_NONE;
	t->job_pid = 0;
}

static void read_job(struct try *t)
{
	char buf[4096];
	ssize_t n;
	int status;

	while ((n = read(t->job_fd, buf, sizeof(buf))) > 0) {
		size_t take = (size_t)n;
		char *o;
		if (t->outlen + take > TRY_OUT_MAX)
			take = TRY_OUT_MAX - t->outlen;
		if (!(o = realloc(t->out, t->outlen + take + 1)))
			continue;
		t->out = o;
		memcpy(t->out + t->outlen, buf, take);
		t->outlen += take;
		t->out[t->outlen] = '\0';
	}
	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		close(t->job_fd);
		t->job_fd = -1;
		status = try_kill_group(t->job_pid, 0);
		if (!t->out && (t->out = malloc(1)))
			t->out[0] = '\0';
		job_finished(t, status);
	}
}

/* ---- the steps ------------------------------------------------------ */

static void send_passphrase(struct try *t)
{
	int fd = open(t->o.passfile, O_RDONLY | O_CLOEXEC);
	long ms = elapsed(t);

	if (fd < 0) {
		try_step_set(step(t, S_SWITCH), TRY_FAIL, ms, "%s: %s",
			     t->o.passfile, strerror(errno));
		return;
	}
	t->pass_sent = true;
	if (t->o.identity) {
		/* As the admin would: ssh root@host unlock < passfile */
		start_ssh(t, JOB_PASS, t->o.identity, "unlock", fd);
	} else {
		/* Typed on the console: the first line and Enter. */
		char buf[512];
		ssize_t n = read(fd, buf, sizeof(buf));
		size_t len = n > 0 ? strcspn(buf, "\n") : 0;
		if (len == 0 || len >= sizeof(buf)) {
			try_step_set(step(t, S_SWITCH), TRY_FAIL, ms,
				     "%s: no passphrase line (1 to 511 "
				     "bytes)",
				     t->o.passfile);
		} else {
			buf[len++] = '\r';
			(void)fd_write_all(t->con_in, buf, len);
		}
		explicit_bzero(buf, sizeof(buf));
	}
	close(fd);
}

/* Fails every step still pending, with why. */
static void fail_pending(struct try *t, const char *why)
{
	for (int i = 0; i < S_COUNT; i++)
		try_step_set(step(t, i), TRY_FAIL, -1, "%s", why);
}

/* The next thing to do, from what has been seen so far. */
static void advance(struct try *t)
{
	long ms = elapsed(t);

	/* An image without any NIC driver QEMU can emulate: the guest is
	 * given 20 s after /init to show a NIC anyway (built in). */
	if (!decided(t, S_NETWORK) && decided(t, S_KERNEL) && !t->seen_nic &&
	    !t->nic_driver && t->inv.nmodules &&
	    ms > step(t, S_KERNEL)->ms + 20000)
		try_step_set(step(t, S_NETWORK), TRY_FAIL, ms,
			     "no NIC appeared in the guest: the image holds "
			     "no driver for any NIC QEMU emulates (%s)",
			     try_nic_drivers());
	if (!decided(t, S_NETWORK))
		return;
	if (step(t, S_NETWORK)->mark != TRY_PASS) {
		fail_pending(t, "not reached: no network");
		return;
	}
	if (t->job != JOB_NONE)
		return;
	if (!decided(t, S_SSH)) {
		if (t->seen_no_ssh)
			try_step_set(step(t, S_SSH), TRY_FAIL, ms,
				     "the image has no authorized_keys: "
				     "sesame-init started no SSH server");
		else if (ms > step(t, S_NETWORK)->ms + TRY_SSH_WAIT_MS)
			try_step_set(step(t, S_SSH), TRY_FAIL, ms,
				     "no SSH banner on 127.0.0.1:%u within "
				     "%d s of the network%s",
				     t->port, TRY_SSH_WAIT_MS / 1000,
				     t->inv.has_dropbear
					 ? ""
					 : " (the image has no dropbear)");
		else if (now_ms() >= t->next_keyscan)
			start_keyscan(t);
		return;
	}
	if (step(t, S_SSH)->mark != TRY_PASS) {
		try_step_set(step(t, S_HOSTKEY), TRY_FAIL, -1,
			     "not reached: SSH did not answer");
		try_step_set(step(t, S_UNLOCK), TRY_FAIL, -1,
			     "not reached: SSH did not answer");
		try_step_set(step(t, S_RESCUE), TRY_FAIL, -1,
			     "not reached: SSH did not answer");
	}
	if (!decided(t, S_UNLOCK)) {
		if (!t->o.identity)
			try_step_set(
			    step(t, S_UNLOCK), TRY_SKIP, -1,
			    "no --identity FILE (an unlock key) given");
		else
			start_ssh(t, JOB_UNLOCK, t->o.identity,
				  "unlock --status", -1);
		return;
	}
	if (!decided(t, S_RESCUE)) {
		size_t n = try_inventory_rescue_keys(&t->inv);
		if (t->o.rescue_identity)
			start_ssh(t, JOB_RESCUE, t->o.rescue_identity,
				  "echo sesame-try-shell-ok", -1);
		else if (n)
			try_step_set(step(t, S_RESCUE), TRY_SKIP, -1,
				     "the image has %zu rescue key(s); "
				     "--rescue-identity FILE tests one",
				     n);
		else
			try_step_set(step(t, S_RESCUE), TRY_SKIP, -1,
				     "no rescue key in the image");
		return;
	}
	if (!decided(t, S_CONSOLE)) {
		if (t->o.ndisks == 0)
			try_step_set(step(t, S_CONSOLE), TRY_SKIP, -1,
				     "no LUKS device to ask for without "
				     "--disk (the real disks)");
		else if (!t->seen_luks &&
			 (t->seen_emergency || decided(t, S_SWITCH)))
			try_step_set(step(t, S_CONSOLE), TRY_SKIP, -1,
				     "no LUKS device on the attached disks");
	}
	if (!decided(t, S_SWITCH)) {
		if (t->o.ndisks == 0)
			try_step_set(step(t, S_SWITCH), TRY_SKIP, -1,
				     "no --disk: the boot stops at the "
				     "missing root");
		else if (!t->o.passfile && t->seen_luks &&
			 decided(t, S_CONSOLE))
			try_step_set(step(t, S_SWITCH), TRY_SKIP, -1,
				     "no --passphrase-file: stopped at the "
				     "prompt");
		else if (t->o.passfile && t->seen_luks && !t->pass_sent &&
			 decided(t, S_CONSOLE))
			send_passphrase(t);
		else if (t->seen_emergency && t->pass_sent)
			try_step_set(step(t, S_SWITCH), TRY_FAIL, ms,
				     "emergency: %s", t->emergency);
	}
}

static bool all_decided(const struct try *t)
{
	for (int i = 0; i < S_COUNT; i++)
		if (!decided(t, i))
			return false;
	return true;
}

/*
 * The progress on stderr: on a terminal one line rewritten in place (what
 * is awaited, seconds so far); otherwise a line per decided step and one
 * every 15 s while waiting, for logs.
 */
static void progress(struct try *t, bool end)
{
	static const char *const word[] = {"", "ok", "FAIL", "skip"};
	long ms = elapsed(t);
	const char *waiting = "";

	for (int i = 0; i < S_COUNT && !waiting[0]; i++)
		if (!decided(t, i))
			waiting = step_names[i].title;
	if (t->tty) {
		if (end)
			fputs("\r\033[K", stderr);
		else if (ms - t->last_progress >= 500) {
			fprintf(stderr,
				"\r\033[Ksesame try: %ld s (%s): "
				"waiting for: %s",
				ms / 1000, t->accel, waiting);
			t->last_progress = ms;
		}
		fflush(stderr);
		return;
	}
	for (int i = 0; i < S_COUNT; i++) {
		const struct try_step *s = &t->steps[i];
		if (t->reported[i] || s->mark == TRY_PENDING)
			continue;
		t->reported[i] = true;
		fprintf(stderr, "sesame try: %ld.%ld s: %s: %s\n", ms / 1000,
			ms % 1000 / 100, s->title, word[s->mark]);
	}
	if (!end && ms - t->last_progress >= 15000) {
		fprintf(stderr, "sesame try: %ld s: waiting for: %s\n",
			ms / 1000, waiting);
		t->last_progress = ms;
	}
}

/* The main loop: QEMU's console, the ssh children, signals, time. */
static int run(struct try *t, int sigfd)
{
	long deadline = t->t0 + (long)t->o.timeout_s * 1000;
	int r = 0;

	while (!all_decided(t)) {
		struct pollfd p[3] = {{t->serial, POLLIN, 0},
				      {t->job_fd, POLLIN, 0},
				      {sigfd, POLLIN, 0}};
		int status;

		if (poll(p, 3, 200) < 0 && errno != EINTR)
			return -errno;
		if (p[2].revents) {
			struct signalfd_siginfo si;
			if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				log_err("%s: stopping QEMU",
					strsignal((int)si.ssi_signo));
				return -EINTR;
			}
		}
		if (t->serial >= 0 && p[0].revents)
			read_serial(t);
		if (t->job_fd >= 0 && p[1].revents)
			read_job(t);
		if (t->o.ndisks && !t->disks_checked && t->serial >= 0 &&
		    (r = check_disks_readonly(t)) < 0)
			return r;
		if (t->job != JOB_NONE &&
		    now_ms() - t->job_started > TRY_SSH_CALL_MS) {
			log_warn("ssh took over %d s: stopped",
				 TRY_SSH_CALL_MS / 1000);
			(void)kill(-t->job_pid, SIGKILL);
		}
		if (!t->qemu_exited &&
		    waitpid(t->qemu, &status, WNOHANG) == t->qemu) {
			char said[200];
			t->qemu_exited = true;
			t->qemu_status = status;
			if (t->serial >= 0)
				read_serial(t);
			qemu_said(t, said, sizeof(said));
			advance(t);
			if (t->panic[0])
				fail_pending(t, "kernel panic");
			else if (said[0]) {
				char why[260];
				snprintf(why, sizeof(why), "QEMU: %s", said);
				fail_pending(t, why);
			} else
				fail_pending(t, "QEMU exited: the guest "
						"powered off or rebooted");
			break;
		}
		if (t->panic[0]) {
			char why[TRY_EV_TEXT + 32];
			snprintf(why, sizeof(why), "kernel panic: %s",
				 t->panic);
			fail_pending(t, why);
			break;
		}
		advance(t);
		if (decided(t, S_SWITCH) &&
		    step(t, S_SWITCH)->mark == TRY_PASS) {
			/* The real system must not run: sesame-init prints
			 * the line after checking the new init and before
			 * stopping its children, the network and exec'ing
			 * (a few hundred ms of guest time); QEMU is killed at
			 * once, no graceful shutdown. */
			(void)kill(-t->qemu, SIGKILL);
			fail_pending(t, "not seen before the switch");
			break;
		}
		if (now_ms() > deadline) {
			char why[64];
			snprintf(why, sizeof(why),
				 "not seen within %u s "
				 "(--timeout)",
				 t->o.timeout_s);
			if (!decided(t, S_NETWORK) && !t->seen_nic &&
			    decided(t, S_KERNEL))
				try_step_set(step(t, S_NETWORK), TRY_FAIL, -1,
					     "no NIC appeared in the guest: "
					     "the image has no driver for "
					     "QEMU's %s",
					     t->nic_model);
			fail_pending(t, why);
			break;
		}
		progress(t, false);
	}
	progress(t, true);
	return 0;
}

/* ---- audit ---------------------------------------------------------- */

/*
 * The hardening audit's findings on the same image, under the table: the
 * single place `sesame try` shows them. Runs `sesame audit IMAGE` when
 * this sesame has that command (issue 12), and says so when not.
 */
static void show_audit(struct try *t)
{
	char self[PATH_MAX], path[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *text = NULL;
	size_t len;
	int fd, status;

	if (n < 0)
		return;
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/audit.out", t->tmp);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) <
	    0)
		return;
	{
		char *argv[] = {self, "audit", t->image, NULL};
		pid_t pid = try_spawn(argv, -1, fd, fd);
		close(fd);
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			return;
	}
	if (file_read_all(path, 65536, &text, &len) < 0)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_USAGE &&
	    strstr(text, "unknown command"))
		note(t, "audit: `sesame audit` is not in this sesame; no "
			"hardening findings shown");
	else {
		char *save = NULL;
		note(t, "audit (`sesame audit %s`, exit %d):", t->image,
		     WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		for (char *l = strtok_r(text, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			note(t, "  %s", l);
	}
	free(text);
}

/* ---- main ----------------------------------------------------------- */

static void try_cleanup(struct try *t)
{
	char path[PATH_MAX + 32];
	static const char *const files[] = {"image", "qemu.err", "audit.out",
					    "known_hosts"};

	if (t->job_pid > 0)
		(void)try_kill_group(t->job_pid, 0);
	if (t->job_fd >= 0)
		close(t->job_fd);
	if (t->qemu > 0 && !t->qemu_exited)
		(void)try_kill_group(t->qemu, 2000);
	if (t->serial >= 0)
		close(t->serial);
	if (t->con_in >= 0)
		close(t->con_in);
	if (t->logfd >= 0)
		close(t->logfd);
	if (t->log[0] && !t->o.keep)
		unlink(t->log);
	if (t->tmp[0]) {
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", t->tmp, files[i]);
			unlink(path);
		}
		if (rmdir(t->tmp) < 0)
			log_warn_errno(-errno, "%s: left behind", t->tmp);
	}
	try_inventory_free(&t->inv);
	free(t->out);
	for (size_t i = 0; i < t->nnotes; i++)
		free(t->notes[i]);
}

/* The steps that the options or the image rule out, before the boot. */
static void decide_skips(struct try *t)
{
	size_t n = try_inventory_rescue_keys(&t->inv);

	if (!t->o.identity)
		try_step_set(step(t, S_UNLOCK), TRY_SKIP, -1,
			     "no --identity FILE (an unlock key) given");
	if (!t->o.rescue_identity && n)
		try_step_set(step(t, S_RESCUE), TRY_SKIP, -1,
			     "the image has %zu rescue key(s); "
			     "--rescue-identity FILE tests one",
			     n);
	else if (!t->o.rescue_identity)
		try_step_set(step(t, S_RESCUE), TRY_SKIP, -1,
			     "no rescue key in the image");
	if (t->o.ndisks == 0) {
		try_step_set(step(t, S_CONSOLE), TRY_SKIP, -1,
			     "no LUKS device to ask for without --disk (the "
			     "real disks)");
		try_step_set(step(t, S_SWITCH), TRY_SKIP, -1,
			     "no --disk: the boot stops at the missing root");
	}
}

static int prepare(struct try *t, char *kernel, size_t ksize)
{
	const char *tmpdir = getenv("TMPDIR");
	int r;

	snprintf(t->tmp, sizeof(t->tmp), "%s/sesame-try.XXXXXX",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(t->tmp)) {
		r = log_err_errno(-errno, "%s", t->tmp);
		t->tmp[0] = '\0';
		return r;
	}
	if ((size_t)snprintf(t->known_hosts, sizeof(t->known_hosts),
			     "%s/known_hosts",
			     t->tmp) >= sizeof(t->known_hosts))
		return -ENAMETOOLONG;
	snprintf(t->log, sizeof(t->log), "%s/sesame-try-console.XXXXXX.log",
		 tmpdir && *tmpdir ? tmpdir : "/tmp");
	if ((t->logfd = mkostemps(t->log, 4, O_CLOEXEC)) < 0) {
		r = log_err_errno(-errno, "%s", t->log);
		t->log[0] = '\0';
		return r;
	}
	if ((r = read_cmdline(t)) < 0)
		return r;
	for (size_t i = 0; i < t->o.ndisks; i++) {
		int fd = open(t->o.disks[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return log_err_errno(-errno, "--disk %s",
					     t->o.disks[i]);
		close(fd);
	}
	if (t->o.image) {
		if ((r = str_copy(t->image, sizeof(t->image), t->o.image)) < 0)
			return log_err_errno(r, "%s", t->o.image);
	} else if ((r = build_default_image(t)) < 0) {
		return r;
	}
	if ((r = try_inventory_read(t->image, &t->inv)) < 0)
		return r;
	if (t->inv.boot_conf &&
	    (r = try_cmdline_override_config(&t->cmd, t->inv.boot_conf,
					     strlen(t->inv.boot_conf))) < 0)
		return log_err_errno(r, "the kernel command line");
	if ((r = pick_kernel(t, kernel, ksize)) < 0)
		return r;
	if (!t->o.accel)
		t->accel = kvm_usable(t->accel_why, sizeof(t->accel_why))
			       ? "kvm"
			       : "tcg";
	else
		t->accel = t->o.accel;
	t->nic_model = try_nic_model(&t->inv, &t->nic_driver);
	if ((r = free_port(&t->port)) < 0)
		return log_err_errno(r, "no free port on 127.0.0.1");
	check_host_nics(t);
	decide_skips(t);
	if (t->cmd.ip.set) {
		char n[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &t->cmd.ip.net, n, sizeof(n));
		inet_ntop(AF_INET, &t->cmd.ip.gw, g, sizeof(g));
		note(t,
		     "the static %s (%s) is tried as it is: QEMU's network "
		     "is %s/%u with QEMU at %s",
		     t->cmd.ip.param,
		     t->cmd.ip.from_conf ? "the image's boot.conf"
					 : "the command line",
		     n, t->cmd.ip.prefix, g);
	}
	note(t,
	     "QEMU cannot test this host's real NIC: the try used an "
	     "emulated %s%s%s%s",
	     t->nic_model, t->nic_driver ? " (driver " : "",
	     t->nic_driver ? t->nic_driver : "", t->nic_driver ? ")" : "");
	return 0;
}

int cmd_try(int argc, char **argv)
{
	struct try t;
	char kernel[PATH_MAX];
	sigset_t mask, old;
	void (*oldpipe)(int);
	int sigfd = -1, r, ret = EXIT_FAIL;

	memset(&t, 0, sizeof(t));
	t.serial = t.con_in = t.logfd = t.job_fd = -1;
	if ((r = parse_opts(argc, argv, &t.o)) != 0)
		return r < 0 ? EXIT_OK : r;
	for (int i = 0; i < S_COUNT; i++) {
		t.steps[i].id = step_names[i].id;
		t.steps[i].title = step_names[i].title;
		t.steps[i].ms = -1;
	}
	t.tty = isatty(2);
	/* Ctrl-C, a kill or a hangup end the try through the same cleanup. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	/* A write to QEMU's console after it died is an EPIPE, not a death. */
	oldpipe = signal(SIGPIPE, SIG_IGN);
	if ((sigfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		log_err_errno(-errno, "signalfd");
		goto out;
	}
	if (prepare(&t, kernel, sizeof(kernel)) < 0)
		goto out;
	if (!t.o.json)
		fprintf(stderr,
			"sesame try: %s with %s in QEMU (%s%s%s), SSH on "
			"127.0.0.1:%u\nsesame try: cmdline: %s\n",
			t.image, kernel, t.accel, t.accel_why[0] ? ": " : "",
			t.accel_why, t.port, t.cmd.text);
	if (start_qemu(&t, kernel) < 0)
		goto out;
	if ((r = run(&t, sigfd)) < 0) {
		ret = r == -EINTR ? 130 : EXIT_FAIL;
		goto out;
	}
	if (t.emergency[0])
		note(&t, "console: sesame-init's emergency: %s%s", t.emergency,
		     t.o.ndisks ? ""
				: " (without --disk the real root "
				  "cannot be found)");
	for (size_t i = 0; i < t.o.ndisks; i++)
		note(&t, "%s: %s", t.o.disks[i],
		     t.disks_checked ? "attached with snapshot=on; every "
				       "descriptor QEMU held on it was "
				       "read-only (checked in /proc)"
				     : "attached with snapshot=on; QEMU's "
				       "descriptors on it were not seen");
	show_audit(&t);
	if (t.o.keep)
		note(&t, "console log kept in %s", t.log);
	{
		struct try_report rep = {
		    .image = t.image,
		    .kernel = kernel,
		    .accel = t.accel,
		    .cmdline = t.cmd.text,
		    .dropped = t.cmd.dropped,
		    .ndropped = t.cmd.ndropped,
		    .steps = t.steps,
		    .nsteps = S_COUNT,
		    .notes = (const char *const *)t.notes,
		    .nnotes = t.nnotes,
		};
		if (t.o.json)
			r = try_report_json(stdout, &rep);
		else
			r = try_report_table(stdout, &rep);
		if (fflush(stdout) != 0 || r < 0)
			log_err("writing the report failed");
		else
			ret = try_report_passed(&rep) ? EXIT_OK : EXIT_FAIL;
	}
out:
	try_cleanup(&t);
	if (sigfd >= 0)
		close(sigfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGPIPE, oldpipe);
	return ret;
}
