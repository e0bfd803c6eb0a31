import type { Finding } from '../model/index.js';
import { hostFsErrors } from './fs-errors.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/** Filesystem types that are read-only by nature or commonly mounted ro on purpose. */
export const READ_ONLY_OK_FS = ['tmpfs', 'squashfs', 'iso9660', 'udf', 'cramfs', 'erofs'];

/**
 * Filesystems mounted read-only that should be writable: usually the kernel remounted them ro
 * after an I/O or filesystem error. The root filesystem being ro is critical.
 */
export const detectFsReadOnly: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const out: Finding[] = [];
  for (const v of probe.volumes) {
    if (!v.readOnly || READ_ONLY_OK_FS.includes(v.fstype)) continue;
    if (ctx.thresholds.readOnlyOkMounts.includes(v.mount)) continue;
    const root = v.mount === '/';
    const evidence = [fit(`${v.mount} on ${v.device} (${v.fstype}) mounted ro`), 'often a remount after I/O errors: check dmesg'];
    // Remounting rw over a damaged filesystem spreads the damage: only offered when the probe saw no
    // errors on this host's filesystems (another mount namespace's ext4 on the same kernel is not its business).
    const errorsKnown = probe.fsErrors !== undefined;
    const errors = hostFsErrors(probe).length;
    const damaged = probe.fsState?.find((d) => d.mount === v.mount && (d.superblockError || d.errorsCount));
    if (root) evidence.push('root filesystem: repair it from a console, no automatic remount');
    else if (!errorsKnown) evidence.push('filesystem error counters unknown: no remount offered');
    else if (errors > 0) evidence.push(`${errors} filesystem(s) report errors: fsck first, no remount offered`);
    else if (damaged) evidence.push(`${damaged.device} is damaged (see fs-errors): fsck first, no remount offered`);
    out.push({
      machineId: ctx.machine.id,
      class: 'fs-read-only',
      severity: root ? 'critical' : 'warning',
      summary: fit(`${v.mount} is mounted read-only`),
      evidence,
      subject: v.mount,
      repairs:
        !root && errorsKnown && errors === 0 && !damaged
          ? [{ action: 'fs.remount-rw', params: { mount: v.mount }, label: `Remount ${v.mount} read-write` }]
          : [],
    });
  }
  return out;
};
