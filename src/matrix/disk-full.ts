import type { Finding, RepairRef, Severity } from '../model/index.js';
import { fit, usedPercent } from './text.js';
import { formatBytes } from '../util/format-bytes.js';
import type { Detector } from './types.js';
import { hasCleanupTargets } from '../util/mount-of.js';
import { declaredChecks } from './declared.js';
import type { DetectContext } from './types.js';
import { secondsToFull } from './fill-rate.js';
import { formatAge } from '../util/format-age.js';

function cleanupRepair(mount: string): RepairRef {
  return { action: 'disk.cleanup', params: { mount }, label: `Free space on ${mount} (old logs, journal, cleanup paths)` };
}

/** disk.cleanup, offered only on a writable mount where it has something to clean (/var/log or a declared cleanup path). */
export function cleanupRepairs(ctx: DetectContext, v: { mount: string; readOnly: boolean }): RepairRef[] {
  if (v.readOnly) return [];
  return hasCleanupTargets(ctx.poll.probe?.volumes, v.mount, declaredChecks(ctx.machine).cleanupPaths) ? [cleanupRepair(v.mount)] : [];
}

/** Read-only image filesystems are always 100% full by construction. */
export const ALWAYS_FULL_FS = ['squashfs', 'iso9660', 'udf', 'cramfs', 'erofs'];

export function level(pct: number, warn: number, crit: number): Severity | undefined {
  if (pct >= crit) return 'critical';
  if (pct >= warn) return 'warning';
  return undefined;
}

/** "filling at 1.5 MiB/min, full in about 12m at this rate", when the volume is filling. */
function fillEvidence(ctx: DetectContext, v: { mount: string; availBytes: number }): string[] {
  const rate = ctx.fillRate?.(v.mount);
  if (!rate) return [];
  const perMin = formatBytes(Math.round(rate.bytesPerSec * 60));
  return [fit(`filling at ${perMin}/min over the last ${formatAge(rate.spanMs)}, full in about ${formatAge(secondsToFull(v.availBytes, rate) * 1000)} at this rate`)];
}

/** Filesystems whose used space crosses the warning or critical percentage. */
export const detectDiskFull: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const { diskWarnPct, diskCritPct } = ctx.thresholds;
  const out: Finding[] = [];
  for (const v of probe.volumes) {
    if (v.sizeBytes <= 0 || ALWAYS_FULL_FS.includes(v.fstype)) continue;
    const pct = usedPercent(v.usedBytes, v.availBytes);
    const severity = level(pct, diskWarnPct, diskCritPct);
    if (!severity) continue;
    out.push({
      machineId: ctx.machine.id,
      class: 'disk-full',
      severity,
      summary: fit(`${v.mount} is ${pct}% full`),
      evidence: [
        fit(`${v.mount} on ${v.device} (${v.fstype})`),
        fit(`used ${formatBytes(v.usedBytes)} of ${formatBytes(v.sizeBytes)}, ${formatBytes(v.availBytes)} free`),
        `thresholds: warn ${diskWarnPct}%, critical ${diskCritPct}%`,
        ...fillEvidence(ctx, v),
      ],
      subject: v.mount,
      repairs: cleanupRepairs(ctx, v),
    });
  }
  return out;
};
