/**
 * The kernel's name of a block device from its node path ("/dev/vdb" -> "vdb"): what
 * /sys/fs/ext4 and the probe's error counters call it. Exact for /dev/<name> nodes; a mapper or
 * mknod'ed node is known by its kernel name only through the fsstate section.
 */
export const kernelDeviceName = (device: string): string => device.split('/').pop() ?? device;
