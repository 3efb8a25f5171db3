# try: `sesame try` (issue 13): boots an image in QEMU and reports each step.
LIBS += try
try_SRCS := try/console.c try/cmdline.c try/report.c try/inventory.c \
	try/hostnic.c try/proc.c
try_PKGS := libkmod
# The command itself links into the host tool (tool/module.mk is read
# first). libtry goes in front of tool/module.mk's list, kept unexpanded
# (it filters $(LIBS), which areas included after this one still extend).
sesame_SRCS += tool/cmd_try.c
$(eval try_prev_sesame_LIBS = $(value sesame_LIBS))
sesame_LIBS = try $(try_prev_sesame_LIBS)

UNIT_TESTS += test_try_console test_try_cmdline test_try_report \
	test_try_inventory
test_try_console_SRCS := tests/unit/test_try_console.c
test_try_console_LIBS := try common
test_try_console_PKGS := cmocka
test_try_cmdline_SRCS := tests/unit/test_try_cmdline.c
test_try_cmdline_LIBS := try common
test_try_cmdline_PKGS := cmocka
test_try_report_SRCS := tests/unit/test_try_report.c
test_try_report_LIBS := try common
test_try_report_PKGS := cmocka
test_try_inventory_SRCS := tests/unit/test_try_inventory.c
test_try_inventory_LIBS := try image common
test_try_inventory_PKGS := cmocka libkmod libarchive

FUZZ_TARGETS += fuzz_try_console
# Only the parser: libFuzzer builds link every source of the listed libs.
fuzz_try_console_SRCS := tests/fuzz/fuzz_try_console.c try/console.c
fuzz_try_console_LIBS := common
