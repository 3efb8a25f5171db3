/* loop: moved to common/loop.h (both PID 1 and host programs use it); this
 * forwarder goes once no file includes it. */
#include "common/loop.h"
