PROGS += sesame
sesame_SRCS := tool/sesame.c
# Areas link in as they exist; keep this list in link order.
sesame_LIBS = $(filter $(LIBS),audit image keys sshd common)
