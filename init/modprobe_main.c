/* modprobe_main: sesame-modprobe, the image's /sbin/modprobe: the kernel's
 * request_module() and PID 1's module queue (init/modqueue.h) run it; it
 * alone links libkmod. */
#include "init/modules.h"

int main(int argc, char **argv)
{
	return modprobe_main(argc, argv);
}
