/* require_tool: the unit tests' outside oracles (ssh-keygen, readelf,
 * dropbearkey, dropbear) are installed by `scripts/deps.sh test`, so a
 * missing one fails the test instead of skipping its comparison. */
#ifndef SESAME_TESTS_REQUIRE_TOOL_H
#define SESAME_TESTS_REQUIRE_TOOL_H

#include <stdio.h>
#include <stdlib.h>

/* Fails the running test unless tool is on PATH; include after cmocka.h. */
static inline void require_tool(const char *tool, const char *package)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "command -v '%s' >/dev/null 2>&1", tool);
	if (system(cmd) != 0)
		fail_msg("%s is missing: `scripts/deps.sh test` installs %s",
			 tool, package);
}

#endif
