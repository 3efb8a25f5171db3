# audit: the hardening checks (libaudit; `sesame audit`, and `sesame build`).
LIBS += audit
audit_SRCS := audit/catalog.c audit/report.c audit/image.c audit/run.c \
	audit/check_host.c audit/check_image.c audit/check_keys.c \
	audit/check_luks.c audit/check_boot.c audit/check_net.c \
	audit/authscan.c audit/dropbear_cve.c audit/params.c audit/params_collect.c \
	audit/unpack.c
audit_PKGS := libcryptsetup libarchive mbedcrypto

# The generator of docs/hardening.md and docs/man/sesame-audit.1.
PROGS += sesame-gendoc
sesame-gendoc_SRCS := audit/gendoc.c audit/catalog.c

.PHONY: docs
docs: $(B)/bin/sesame-gendoc
	$(B)/bin/sesame-gendoc md >docs/hardening.md.tmp && \
		mv docs/hardening.md.tmp docs/hardening.md
	$(B)/bin/sesame-gendoc man >docs/man/sesame-audit.1.tmp && \
		mv docs/man/sesame-audit.1.tmp docs/man/sesame-audit.1

AUDIT_TESTS := test_audit_report test_audit_checks test_audit_luks \
	test_audit_docs test_audit_integration
UNIT_TESTS += $(AUDIT_TESTS)
$(foreach t,$(AUDIT_TESTS),$(eval $(t)_SRCS := tests/unit/$(t).c))
$(foreach t,$(AUDIT_TESTS),$(eval $(t)_LIBS := tool audit image keys common))
$(foreach t,$(AUDIT_TESTS),$(eval $(t)_PKGS := cmocka libcryptsetup \
	libarchive libkmod mbedcrypto))

AUDIT_FUZZ := fuzz_audit_image fuzz_audit_accept
FUZZ_TARGETS += $(AUDIT_FUZZ)
$(foreach f,$(AUDIT_FUZZ),$(eval $(f)_SRCS := tests/fuzz/$(f).c))
$(foreach f,$(AUDIT_FUZZ),$(eval $(f)_LIBS := audit image keys common))
$(foreach f,$(AUDIT_FUZZ),$(eval $(f)_PKGS := libcryptsetup libarchive \
	libkmod mbedcrypto))

# Builds images with the real tool (and the programs it puts in them).
$(B)/tests/test_audit_integration: | $(B)/bin/sesame $(B)/bin/sesame-init \
	$(B)/bin/unlock

# The boot-time checks: a hook in /init (no libcryptsetup or libarchive).
LIBS += auditboot
auditboot_SRCS := audit/catalog.c audit/params.c audit/boot_hook.c
INIT_HOOKS += audit_hook
INIT_HOOK_LIBS += auditboot

UNIT_TESTS += test_audit_boot
test_audit_boot_SRCS := tests/unit/test_audit_boot.c
test_audit_boot_LIBS := auditboot init common
test_audit_boot_PKGS := cmocka libkmod blkid
