# lib-storage.sh: md RAID and LVM for the VM tests of issue 6
# (tests/vm/t/8*-storage-*.sh). Source it after lib.sh. Disks come from
# the helper VM (lib.sh's helper_disks); small (16-48 MiB), LUKS with
# PBKDF2 at 1000 iterations.
# shellcheck shell=bash

# Fixed identities, so the tests can name them (rd.md.uuid=, rd.lvm.vg=).
# shellcheck disable=SC2034
MD_UUID=5e5a0001:00000000:00000000:0000a001
# shellcheck disable=SC2034
MD_UUID2=5e5a0001:00000000:00000000:0000a002
# shellcheck disable=SC2034
MD_NONE_UUID=5e5a0001:00000000:00000000:0000dead
# shellcheck disable=SC2034
STORAGE_LUKS_UUID=5e5a0000-0000-4000-8000-0000000e0601
STORAGE_PASS=sesame-test
# md_mod and raid1 come with the storage set of sesame build; -m for the
# VM's disks and file system only.
STORAGE_MODULES=(virtio_pci virtio_blk ext4)

# storage_image NAME [build args]: an image with mdadm, lvm and their
# modules (the builder's default whenever the host has them), no host
# mdadm.conf, as IMAGES[NAME].
storage_image() {
	local name=$1 args=(--no-generic-modules --mdadm-conf none) m
	shift
	for m in "${STORAGE_MODULES[@]}"; do args+=(-m "$m"); done
	image_build "$name" "${args[@]}" "$@"
}

# storage_fs NAME SIZE_MB: the test root (root_tree; extra root_tree
# options after SIZE) as an ext4 image DISKS[NAME] for helper recipes.
storage_root_fs() {
	local name=$1 size=$2
	shift 2
	root_tree "$T/$name" "$@"
	disk_ext4 "$name" "$T/$name" "$ROOT_UUID" "$ROOT_LABEL" "$size"
}

# storage_usr_fs NAME: a /usr (usr_tree) of 8 MiB as DISKS[NAME].
storage_usr_fs() {
	usr_tree "$T/$1"
	disk_ext4 "$1" "$T/$1" "$USR_UUID" "$USR_LABEL" 8
}

# storage_expect_switch ROOT_RE: expect_clean_switch for a root on a
# device-mapper or md node (root=SRC:ext4:ro with SRC matching ROOT_RE).
storage_expect_switch() {
	expect_marker
	expect_field pid 1
	expect_field rootid real-root
	expect_field root "/^$1:ext4:r[ow]\$/"
	expect_field api dev,proc,sys,run
	expect_field others none
}

# storage_stamp RE: the kernel timestamp (guest seconds) of the first
# timestamped serial line matching RE, or nothing. (A console prompt may
# come before the stamp on the same line.)
storage_stamp() {
	{ grep -m1 -E "\[ *[0-9.]+\] .*$1" "$LOG_TXT" || true; } |
		sed -E 's/^[^[]*\[ *([0-9.]+)\].*/\1/'
}

# storage_lvm_raid1_disks: the seed's layout, DISKS[r1] and DISKS[r2]: md
# RAID1 (MD_UUID) over both, VG vg0 on it, LV root (the test root, fstab
# mounting /dev/vg0/usr on /usr) and LV usr.
storage_lvm_raid1_disks() {
	storage_root_fs rootfs 16 --fstab "/dev/vg0/usr /usr ext4 defaults 0 2"
	storage_usr_fs usrfs
	helper_disks r1:40 r2:40 -- rootfs usrfs <<RECIPE
mdadm --create /dev/md0 --run --level=1 --raid-devices=2 --metadata=1.2 \
	--uuid=$MD_UUID --assume-clean "\$OUT1" "\$OUT2"
lvm pvcreate /dev/md0
lvm vgcreate vg0 /dev/md0
lvm lvcreate -Zn -L 16M -n root vg0
lvm lvcreate -Zn -L 8M -n usr vg0
dd if="\$IN1" of=/dev/mapper/vg0-root bs=1M
dd if="\$IN2" of=/dev/mapper/vg0-usr bs=1M
lvm vgchange -an vg0
mdadm --stop /dev/md0
RECIPE
}
