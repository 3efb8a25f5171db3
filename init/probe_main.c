/* probe_main: sesame-probe, the process that runs libblkid for PID 1: one
 * PROBE in, one RESULT out, in order, until its link closes. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/log.h"
#include "init/blockdev.h"
#include "init/probe_proto.h"

#define PROBE_LINK_FD STDIN_FILENO

static void probe_answer(const char *node)
{
	struct probe_result res;
	struct dev_props p;
	uint8_t out[PROBE_MSG_MAX];
	size_t len;
	int r;

	memset(&p, 0, sizeof(p));
	memset(&res, 0, sizeof(res));
	r = blockdev_probe(node, &p);
	res.err = r < 0 && -r <= 4095 ? -r : r < 0 ? EIO : 0;
	memcpy(res.type, p.type, sizeof(res.type));
	memcpy(res.uuid, p.uuid, sizeof(res.uuid));
	memcpy(res.label, p.label, sizeof(res.label));
	memcpy(res.partuuid, p.partuuid, sizeof(res.partuuid));
	memcpy(res.partlabel, p.partlabel, sizeof(res.partlabel));
	/* A field PID 1 would refuse (a control byte in a label) is
	 * emptied here rather than lose the whole answer. */
	if (probe_encode_result(&res, out, sizeof(out), &len) < 0) {
		res.label[0] = res.partlabel[0] = '\0';
		if (probe_encode_result(&res, out, sizeof(out), &len) < 0)
			return;
	}
	if (send(PROBE_LINK_FD, out, len, MSG_NOSIGNAL) < 0)
		_exit(1);
}

int main(int argc, char **argv)
{
	uint8_t buf[PROBE_MSG_MAX + 1];
	char node[sizeof(((struct dev_props *)0)->node)];

	ssize_t n;

	(void)argv;
	log_set_ident("sesame-probe");
	if (argc > 1 || fd_check_seqpacket(PROBE_LINK_FD) < 0) {
		fprintf(stderr, "usage: sesame-probe (started by /init, its "
				"link on standard input; probes block devices "
				"with libblkid)\n");
		return 2;
	}
	log_set_sinks_kmsg(LOG_SINK_STDERR, -1);
	signal(SIGPIPE, SIG_IGN);
	while ((n = recv(PROBE_LINK_FD, buf, sizeof(buf), 0)) > 0) {
		if ((size_t)n > PROBE_MSG_MAX ||
		    probe_parse_request(buf, (size_t)n, node, sizeof(node)) <
			0) {
			log_err("a malformed request from init: stopping");
			return 1;
		}
		probe_answer(node);
	}
	return 0;
}
