import type { HostProbe, VolumeStatus } from '../model/index.js';
import { kernelDeviceName } from './device-name.js';

/** The mounted volume holding a path: the longest mount point that is a prefix of it. */
function volumeOf(volumes: readonly VolumeStatus[], path: string): VolumeStatus | undefined {
  let best: VolumeStatus | undefined;
  for (const v of volumes) {
    const inside = v.mount === '/' || path === v.mount || path.startsWith(`${v.mount}/`);
    if (inside && (!best || v.mount.length > best.mount.length)) best = v;
  }
  return best;
}

/** The probe's user may not look (EACCES, EPERM): the file's state is unknown, the volume is not suspect. */
export function isAccessError(unreadable: string): boolean {
  return /^(EACCES|EPERM)\b/.test(unreadable);
}

/**
 * Why nothing may be written to a path on this host right now, from the last probe: the file
 * exists but cannot be read (an I/O error), or its filesystem recorded errors. Writing onto a
 * failing volume can make it worse: the volume is checked first (fsck / remount).
 */
export function writeBlocker(probe: HostProbe | undefined, path: string): string | undefined {
  if (!probe) return undefined;
  const stat = probe.files?.find((f) => f.path === path);
  if (stat?.exists && stat.unreadable) {
    return isAccessError(stat.unreadable)
      ? `${path} cannot be read by the probe's user (${stat.unreadable}): its state is unknown`
      : `${path} is unreadable (${stat.unreadable}): check the volume first (fsck / remount)`;
  }
  const vol = volumeOf(probe.volumes, path);
  const device = vol ? kernelDeviceName(vol.device) : undefined;
  const errors = device ? probe.fsErrors?.find((e) => e.device === device) : undefined;
  if (vol && errors) return `filesystem errors on ${errors.device} (${vol.mount}): ${errors.count}; check the volume first (fsck / remount)`;
  // The fsstate section knows the device under any node name (a mapper or mknod'ed node).
  const state = vol ? probe.fsState?.find((d) => d.mount === vol.mount) : undefined;
  if (state?.superblockError) return `the superblock of ${state.device} (${state.mount}) is unreadable; check the volume first (fsck)`;
  if (state?.errorsCount) return `filesystem errors on ${state.device} (${state.mount}): ${state.errorsCount}; check the volume first (fsck / remount)`;
  return undefined;
}
