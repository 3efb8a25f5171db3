/* boot: PID 1's stages, from the early mounts to the exec of the real init. */
#ifndef SESAME_INIT_BOOT_H
#define SESAME_INIT_BOOT_H

/*
 * Runs /init. argv[1..] are the words the kernel did not take for itself
 * ("single", what followed "--"); they become the real init's arguments.
 * Returns only if the event loop itself breaks; main() then waits.
 */
int boot_main(int argc, char **argv);

#endif
