#!/bin/bash
# The harness itself, without sesame: the Debian kernel boots a throwaway
# busybox initramfs that loads the VM modules, mounts /dev/vda and
# switch_roots into a test root whose init prints the marker. When this
# fails, the harness or the machine is broken, not sesame.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

root_tree "$T/root"
disk_ext4 root "$T/root" 5e5a0000-0000-4000-8000-000000000001 smokeroot
busybox_image smoke "$VM_DIR/t/smoke-init" virtio_pci virtio_blk ext4
vm_boot smoke --disk root
expect_log '^SMOKE-INIT ' "the kernel ran /init"
expect_clean_switch
expect_field root /dev/vda:ext4:ro
vm_done
