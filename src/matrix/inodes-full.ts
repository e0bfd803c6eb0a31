import type { Finding } from '../model/index.js';
import { cleanupRepairs, level } from './disk-full.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/** Filesystems running out of inodes (many small files) while bytes may still be free. */
export const detectInodesFull: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const { inodeWarnPct, inodeCritPct } = ctx.thresholds;
  const out: Finding[] = [];
  for (const v of probe.volumes) {
    if (v.inodesTotal <= 0) continue; // df -i unsupported, or a filesystem without fixed inodes
    const pct = Math.ceil((v.inodesUsed * 100) / v.inodesTotal);
    const severity = level(pct, inodeWarnPct, inodeCritPct);
    if (!severity) continue;
    out.push({
      machineId: ctx.machine.id,
      class: 'inodes-full',
      severity,
      summary: fit(`${v.mount} has used ${pct}% of its inodes`),
      evidence: [
        fit(`${v.mount} on ${v.device} (${v.fstype})`),
        `inodes used ${v.inodesUsed} of ${v.inodesTotal}, ${v.inodesTotal - v.inodesUsed} free`,
        `thresholds: warn ${inodeWarnPct}%, critical ${inodeCritPct}%`,
      ],
      subject: v.mount,
      repairs: cleanupRepairs(ctx, v),
    });
  }
  return out;
};
