# tool: the host tool `sesame`: its dispatcher and its commands (cmd_*.c).
# The commands are libtool's so the areas' tests can run them; the areas
# (image, keys, audit, try) never include tool/ (layers point one way).
LIBS += tool
tool_SRCS := tool/cmd_build.c tool/cmd_ls.c tool/cmd_keys.c tool/cmd_audit.c

PROGS += sesame
sesame_SRCS := tool/sesame.c
# Areas link in as they exist; keep this list in link order.
sesame_LIBS = $(filter $(LIBS),tool audit image keys sshd common)
