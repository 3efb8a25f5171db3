/* catalog: every hardening check sesame knows, by stable ID (the docs are
 * generated from this table). */
#include <stddef.h>
#include <string.h>

#include "audit/audit.h"

/*
 * Rules for this table: an id is never renamed or reused; a check that is
 * dropped keeps its row with the title "(retired)". Text is plain ASCII
 * without backslashes (it goes into man and Markdown as is).
 */
const struct audit_check audit_catalog[] = {
    /* ---- the image file on the host ---- */
    {"image-mode", AUDIT_ERROR, "host", "image readable or writable by others",
     "The image holds the private SSH host keys of the initramfs. Anyone who "
     "can read it can impersonate the box at its next boot and collect the "
     "passphrase typed into it (CVE-2019-13179, CVE-2024-23301).",
     "chmod 0600 the image; `sesame build` writes it 0600, so look for the "
     "copy or install step that changed the mode."},
    {"image-owner", AUDIT_WARNING, "host", "image not owned by root",
     "Whoever owns the image can change its mode and its contents, and so the "
     "program that runs first at boot.",
     "chown root:root the image."},
    {"image-dir", AUDIT_WARNING, "host", "image directory writable by others",
     "A directory that others can write lets them replace the image (and so "
     "/init) between builds.",
     "Keep images in a directory owned by root and writable only by it, such "
     "as /boot."},
    {"boot-fs-mode", AUDIT_WARNING, "host",
     "boot file system shows every file to every user",
     "FAT has no owners or modes: without fmask/umask mount options every file "
     "in it, the image included, is readable by all local users whatever "
     "chmod says.",
     "Mount the boot partition with fmask=0077,dmask=0077 (or umask=0077)."},
    {"boot-image-readable", AUDIT_ERROR, "host",
     "a sesame image in /boot readable by others",
     "Copies to /boot made by other tools (kernel postinst hooks, cp) often "
     "get mode 0644; Debian's mkinitramfs writes 0644 too. The copy holds the "
     "same private host keys.",
     "chmod 0600 the file, and make the hook that copies it preserve the "
     "mode."},
    /* ---- what the image holds ---- */
    {"image-setuid", AUDIT_WARNING, "image",
     "setuid or setgid file in the image",
     "Everything in the initramfs runs as root already; a setuid bit there "
     "only matters if the file escapes into the real root, where it is a "
     "ready-made privilege escalation.",
     "Drop the bit in the list (mode 0755) or leave the file out."},
    {"image-world-writable", AUDIT_WARNING, "image",
     "world-writable file or directory in the image",
     "A world-writable file or a directory without the sticky bit lets any "
     "process in early boot (the DHCP child runs as nobody) change what root "
     "later runs or reads.",
     "Give the entry mode 0644/0755 (or 1777 for a scratch directory)."},
    {"hostkey-mode", AUDIT_ERROR, "image",
     "host key in the image readable by others",
     "A private host key with group or other permissions can be read by the "
     "unprivileged helpers of the boot.",
     "Give host keys mode 0600 and owner 0 in the list (`sesame build` does)."},
    {"hostkey-system", AUDIT_ERROR, "keys",
     "host key equal to the system's own",
     "The initramfs sits unencrypted on /boot. A host key shared with the "
     "running system (the default of dracut-sshd and mkinitcpio-dropbear) "
     "lets anyone who reads /boot impersonate the real system too.",
     "Give the image its own keys: `sesame keys init --force`, then update "
     "known_hosts with `sesame keys show`."},
    {"hostkey-weak-type", AUDIT_WARNING, "keys", "weak or old host key type",
     "DSA keys are 1024 bits with SHA-1 and RSA keys under 3072 bits are "
     "below current recommendations (NIST SP 800-57).",
     "Use the Ed25519 and ECDSA keys `sesame keys init` makes."},
    {"hostkey-host-mode", AUDIT_WARNING, "keys",
     "host key files on the build host readable by others",
     "The image's private keys are kept on the build host between builds; "
     "readable there, they are as good as published.",
     "chmod 0700 the key directory and 0600 its files."},
    {"authkeys-none", AUDIT_WARNING, "keys", "no authorized keys",
     "Without authorized keys the image starts no SSH server: the box cannot "
     "be unlocked or rescued remotely.",
     "Write /etc/sesame/authorized_keys (or give --authorized-keys) and "
     "rebuild."},
    {"authkey-rescue", AUDIT_WARNING, "keys", "key with the rescue role",
     "A rescue key gets a root shell in early boot, before the disks are "
     "unlocked, with nothing between it and the passphrase prompt.",
     "Give such keys only to admins who need the shell, or mark the key "
     "sesame-role=unlock; accept the finding with a reason when it is "
     "deliberate."},
    {"authkey-no-from", AUDIT_INFO, "keys", "key usable from any address",
     "Dropbear cannot enforce from= (sesame refuses keys with it rather than "
     "drop it), so every key is usable from any address that reaches port "
     "22.",
     "Limit who reaches the SSH port (a management network, "
     "sesame.ssh_listen=ADDRESS:22) and keep few keys."},
    {"authkey-rsa-short", AUDIT_WARNING, "keys", "RSA key under 3072 bits",
     "RSA keys under 3072 bits give less than 128-bit security (NIST SP "
     "800-57).",
     "Replace the key with an Ed25519 key (ssh-keygen -t ed25519)."},
    {"authkey-dsa", AUDIT_ERROR, "keys", "DSA key",
     "DSA keys are 1024 bits with SHA-1; OpenSSH disabled them in 7.0 and "
     "dropbear 2022.83 no longer accepts them.",
     "Replace the key with an Ed25519 key."},
    {"authkey-duplicate", AUDIT_WARNING, "keys", "the same key twice",
     "A key listed twice gets whichever line comes first; a second line with "
     "other options or another role is silently ignored.",
     "Keep one line per key."},
    {"authkey-unknown", AUDIT_WARNING, "keys",
     "authorized_keys line not understood",
     "A line that is not a key of a known type is ignored by dropbear; it "
     "often is a key pasted with a line break or a certificate.",
     "Fix or remove the line."},
    {"authkey-forwarding", AUDIT_WARNING, "keys", "agent forwarding allowed",
     "Dropbear's -j and -k stop port forwarding, but not agent forwarding: "
     "a key without no-agent-forwarding lets whatever runs in a tampered "
     "initramfs use the admin's agent.",
     "Add no-agent-forwarding (or restrict) to the key's options; `sesame "
     "build` does for unlock keys."},
    {"password-login", AUDIT_ERROR, "keys", "password hash in the image",
     "A usable password hash in the image's passwd or shadow lets anyone at "
     "the console or on the network guess offline against it, and reveals "
     "the hash of the real system's password when it is copied from there.",
     "Leave passwd and shadow to sesame (root:x, no shadow); log in with "
     "keys."},
    {"dropbear-cve", AUDIT_WARNING, "keys", "dropbear version with known CVEs",
     "The dropbear in the image is older than the upstream release that fixed "
     "a known vulnerability (for example Terrapin, CVE-2023-48795) and the "
     "package changelog does not show a backported fix, or cannot be read.",
     "Upgrade dropbear-bin (Debian 12: 2022.83-1+deb12u1 or later) and "
     "rebuild."},
    {"dropbear-version-unknown", AUDIT_INFO, "keys",
     "dropbear version not found",
     "The dropbear binary in the image has no version banner; sesame cannot "
     "tell which CVEs apply.",
     "Use the distribution's dropbear-bin."},
    {"modules-unsigned", AUDIT_WARNING, "image",
     "unsigned module while the kernel enforces signatures",
     "With module.sig_enforce=1 (or a kernel that forces signatures) the "
     "kernel refuses unsigned modules: a locally built or DKMS module in the "
     "image fails to load at boot, possibly the NIC or disk driver.",
     "Sign the module (the kernel's scripts/sign-file, or DKMS with a MOK "
     "key) or leave it out of the image."},
    /* ---- LUKS ---- */
    {"keyfile-embedded", AUDIT_ERROR, "luks", "keyfile inside the image",
     "The image is not encrypted: a keyfile in it unlocks the disk for anyone "
     "who can read /boot or steal the machine.",
     "Unlock with a passphrase over SSH or on the console; keep keyfiles "
     "on the encrypted root only."},
    {"keyfile-host-readable", AUDIT_ERROR, "luks",
     "keyfile readable by others on the host",
     "A keyfile named in crypttab that others can read gives them the disk.",
     "chmod 0400 the keyfile and chown it to root."},
    {"luks1", AUDIT_WARNING, "luks", "LUKS1 header",
     "LUKS1 keyslots use PBKDF2, which GPUs attack cheaply, and the header "
     "has no checksum or second copy.",
     "cryptsetup convert --type luks2 DEVICE, then cryptsetup "
     "luksConvertKey --pbkdf argon2id (test with a backup header first)."},
    {"luks-pbkdf2-weak", AUDIT_WARNING, "luks",
     "PBKDF2 keyslot weaker than cryptsetup would make today",
     "A keyslot with fewer PBKDF2 iterations than cryptsetup's benchmark "
     "chooses for 2 s makes each passphrase guess cheap.",
     "cryptsetup luksConvertKey --pbkdf argon2id DEVICE (or re-add the key "
     "with the default --iter-time)."},
    {"luks-argon2-memory", AUDIT_ERROR, "luks",
     "Argon2 memory cost larger than the target's memory",
     "A keyslot made on a bigger machine can ask for more memory than the "
     "target has: at boot sesame-unlockd does not try it (never an OOM "
     "kill) and says how much it needs; with no slot that fits, the disk "
     "cannot be unlocked there.",
     "cryptsetup luksConvertKey --pbkdf-memory KIB on a value below the "
     "target's free memory in early boot."},
    {"luks-weak-cipher", AUDIT_WARNING, "luks", "weak cipher or hash",
     "ECB or CBC with a plain IV leak patterns of the data; SHA-1, MD5 and "
     "RIPEMD-160 are weak hashes for a keyslot; AES-XTS with a 256-bit key "
     "is AES-128.",
     "Re-encrypt with cryptsetup reencrypt --cipher aes-xts-plain64 "
     "--key-size 512 (or the distribution default)."},
    {"luks-token", AUDIT_INFO, "luks", "LUKS2 token",
     "A token (systemd-tpm2, fido2, clevis) is unlocked by a plugin the "
     "image does not run: this slot is not used by sesame and the header "
     "reveals how else the disk opens.",
     "Nothing when the token is deliberate; remove stale ones with "
     "cryptsetup token remove."},
    /* ---- boot ---- */
    {"boot-shell", AUDIT_WARNING, "boot",
     "console shell without authentication",
     "rd.shell, rd.emergency=shell or sesame.emergency=shell give whoever is "
     "at the console (or a remote KVM) a root shell when boot fails, with no "
     "password (CVE-2016-4484).",
     "Drop the parameter; rescue over SSH with a rescue key instead."},
    {"boot-break", AUDIT_WARNING, "boot", "rd.break in the boot config",
     "rd.break stops the boot for a shell, every boot.",
     "Remove rd.break from the boot config and the kernel command line."},
    {"boot-init-override", AUDIT_WARNING, "boot",
     "init= or rdinit= on the command line",
     "The command line names another init; if that is not deliberate, the "
     "command line can be edited by whoever reaches the bootloader.",
     "Drop init=/rdinit=; set a bootloader password, and with Secure Boot "
     "use a signed image that includes the command line (UKI)."},
    {"secureboot-initrd-unsigned", AUDIT_INFO, "boot",
     "Secure Boot on, but the initramfs and command line are not signed",
     "Secure Boot verifies the kernel, not an initramfs or a command line "
     "loaded beside it: whoever can write /boot can change /init or add "
     "init=, and the firmware still boots it.",
     "Boot a signed unified kernel image (UKI) that contains this initramfs "
     "and the command line, or accept the finding when /boot is trusted."},
    {"bootloader-unlocked", AUDIT_INFO, "boot",
     "bootloader lets anyone edit the command line",
     "GRUB without superusers and a password lets whoever is at the console "
     "add rd.break or init=/bin/sh and get a root shell before any unlock.",
     "Set superusers and password_pbkdf2 in GRUB (grub-mkpasswd-pbkdf2)."},
    {"unlock-attempts", AUDIT_WARNING, "boot",
     "many passphrase attempts per boot",
     "sesame.luks_tries above 10 lets an attacker on the network guess more "
     "passphrases per boot before the failure action.",
     "Keep sesame.luks_tries at 10 or below; sesame.luks_fail=reboot makes "
     "each round cost a boot."},
    /* ---- network ---- */
    {"ssh-listen-all", AUDIT_WARNING, "net",
     "SSH listening on every address while a static address is given",
     "With ip= naming an address, dropbear still listens on every address "
     "the box gets, including ones on networks that should not reach it.",
     "Add sesame.ssh_listen=ADDRESS:22 for the static address."},
    {"ssh-down", AUDIT_WARNING, "net",
     "network up but SSH not listening (at boot)",
     "Checked by the image itself 30 s into the boot: an address is "
     "configured but nothing listens on the SSH port, so nobody can reach the "
     "unlock prompt remotely (dropbear failed to start, or was disabled).",
     "Read the boot log for dropbear's error (host keys, authorized keys, a "
     "port in use); see docs/unlock.md."},
    {"net-dhcp-hostname", AUDIT_INFO, "net", "DHCP sends the hostname",
     "The DHCP request carries the host's name to everyone on the segment, "
     "before the disks are unlocked.",
     "Leave out sesame.hostname (and the hostname field of ip=) unless the "
     "DHCP server needs it."},
    {"net-driver-missing", AUDIT_ERROR, "net",
     "image lacks the driver of a NIC that is up",
     "A network interface that is up on the build host has a driver module "
     "the image does not hold and the kernel does not build in: after a "
     "reboot the box is unreachable.",
     "Add the module (sesame build -m NAME) or do not pass "
     "--no-modules/--omit-module for it."},
    {"net-firmware-missing", AUDIT_ERROR, "net",
     "image lacks firmware the NIC's driver loads on this host",
     "The driver of an interface that is up asks for firmware that this host "
     "has in /lib/firmware but the image does not: the driver loads in early "
     "boot and the NIC stays down.",
     "Install the firmware package before building, or add the file with "
     "sesame build -f /lib/firmware/NAME:/lib/firmware/NAME."},
    {"net-no-static-fallback", AUDIT_INFO, "net",
     "static address on the host, DHCP only in the image",
     "The running system has a static address, so the network's DHCP server "
     "may not know this box: the initramfs waits for a lease that never "
     "comes and the box stays unreachable.",
     "Give the address in the boot config: sesame build --set "
     "ip=ADDRESS::GATEWAY:NETMASK::IF:none."},
};

const size_t audit_catalog_len =
    sizeof(audit_catalog) / sizeof(audit_catalog[0]);

static const struct {
	const char *area, *title;
} area_titles[] = {
    {"host", "The image file on the host"},
    {"image", "What the image holds"},
    {"keys", "SSH keys and the SSH server"},
    {"luks", "LUKS"},
    {"boot", "Boot configuration and command line"},
    {"net", "Network"},
};

const char *const audit_areas[] = {"host", "image", "keys",
				   "luks", "boot",  "net"};
const size_t audit_areas_len = sizeof(audit_areas) / sizeof(audit_areas[0]);

const char *audit_area_title(const char *area)
{
	for (size_t i = 0; i < sizeof(area_titles) / sizeof(area_titles[0]);
	     i++)
		if (!strcmp(area, area_titles[i].area))
			return area_titles[i].title;
	return area;
}

const char *audit_severity_name(enum audit_severity s)
{
	switch (s) {
	case AUDIT_INFO:
		return "info";
	case AUDIT_WARNING:
		return "warning";
	case AUDIT_ERROR:
		return "error";
	}
	return "?";
}

const struct audit_check *audit_check_find(const char *id)
{
	for (size_t i = 0; i < audit_catalog_len; i++)
		if (!strcmp(audit_catalog[i].id, id))
			return &audit_catalog[i];
	return NULL;
}
