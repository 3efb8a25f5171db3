LIBS += common
common_SRCS := common/log.c common/fileio.c common/strutil.c common/proc.c \
	common/cmdline_split.c common/spawn_child.c common/wire.c \
	common/loop.c
