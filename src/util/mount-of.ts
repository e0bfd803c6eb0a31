import type { VolumeStatus } from '../model/index.js';

/** The mount a path lives on: the longest mount point of the probe's volumes that contains it. */
export function mountOf(volumes: readonly Pick<VolumeStatus, 'mount'>[] | undefined, p: string): string | undefined {
  let best: string | undefined;
  for (const v of volumes ?? []) {
    const m = v.mount;
    const inside = m === '/' || p === m || p.startsWith(m + '/');
    if (inside && (best === undefined || m.length > best.length)) best = m;
  }
  return best;
}

/** Where disk.cleanup looks: rotated logs and the journal under /var/log, plus the declared cleanup paths. */
export const CLEANUP_LOG_DIR = '/var/log';

/** Whether disk.cleanup has anything it may clean on a mount (so it is offered only there). */
export function hasCleanupTargets(volumes: readonly Pick<VolumeStatus, 'mount'>[] | undefined, mount: string, cleanupPaths: readonly string[]): boolean {
  return (
    mountOf(volumes, CLEANUP_LOG_DIR) === mount ||
    mountOf(volumes, `${CLEANUP_LOG_DIR}/journal`) === mount ||
    cleanupPaths.some((p) => mountOf(volumes, p) === mount)
  );
}
