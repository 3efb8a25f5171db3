/* params: the boot parameters an image will see (its boot.conf, then the
 * kernel command line), reduced to what the checks ask. */
#ifndef SESAME_AUDIT_PARAMS_H
#define SESAME_AUDIT_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

struct audit_inputs;

#define PARAMS_WORD_MAX 1024
#define PARAMS_LUKS_MAX 16

struct audit_params {
	bool shell;	      /* rd.shell, or an emergency action "shell" */
	const char *shell_by; /* the parameter that asked for it */
	bool brk;	      /* rd.break */
	char init[128];	      /* init= or rdinit= on the kernel command line */
	unsigned luks_tries;  /* 0: not given (the default is 10) */
	bool ip_static;	      /* ip= with an address */
	char ip_addr[64];
	bool ssh_listen_addr; /* sesame.ssh_listen names an address */
	bool hostname;	      /* the DHCP request carries a host name */
	bool dhcp;	      /* DHCP is used (ip=dhcp or no static ip=) */
	bool luks_key;	      /* rd.luks.key= */
	char luks_key_path[256];
	char luks_uuids[PARAMS_LUKS_MAX][64];
	size_t n_luks_uuids;
	bool sig_enforce;  /* module.sig_enforce=1 */
	bool ssh_off;	   /* sesame.ssh=0 */
	unsigned ssh_port; /* of the first sesame.ssh_listen; 0: 22 */
};

/*
 * Splits buf (len bytes, untrusted, not NUL-terminated) into words with
 * /init's own splitter (common/cmdline_split.h: white space separates,
 * double quotes group and are removed, '#' comments in a file, "--" ends
 * the kernel command line). fn gets each word as "name" and "value" (value
 * NULL for a bare word). Words /init ignores are skipped: longer than
 * PARAMS_WORD_MAX, or with control bytes.
 */
int params_split(const char *buf, size_t len, bool is_file,
		 void (*fn)(const char *name, const char *value, bool cmdline,
			    void *arg),
		 void *arg);

void params_init(struct audit_params *p);
/* Applies the words of buf to p (later words win, as in /init). */
void params_parse(struct audit_params *p, const char *buf, size_t len,
		  bool is_file);

typedef void (*params_emit_fn)(const char *id, const char *subject,
			       const char *message, void *arg);
/*
 * The checks that need only the parameters (boot-shell, boot-break,
 * boot-init-override, unlock-attempts, ssh-listen-all when ssh,
 * net-dhcp-hostname): the host audit and the boot hook share them.
 */
void params_rules(const struct audit_params *p, bool ssh, params_emit_fn emit,
		  void *arg);

/* Reads the image's /etc/sesame/boot.conf and the command line. */
void params_collect(const struct audit_inputs *in, struct audit_params *p);

#endif
