import type { HostProbe, Severity } from '../model/index.js';
import { sustained } from './sustained.js';
import { formatBytes } from '../util/format-bytes.js';
import type { Detector } from './types.js';

function availPct(p: HostProbe): number | undefined {
  return p.memTotalBytes > 0 ? (p.memAvailableBytes * 100) / p.memTotalBytes : undefined;
}

/** MemAvailable below the warning / critical share of MemTotal, in each of the last `sustainPolls` polls. */
export const detectMemoryPressure: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  const pct = probe && availPct(probe);
  if (!probe || pct === undefined) return [];
  const { memAvailWarnPct, memAvailCritPct } = ctx.thresholds;
  const held = sustained(ctx, (p): Severity | undefined => {
    const v = availPct(p);
    if (v === undefined) return undefined;
    return v < memAvailCritPct ? 'critical' : v < memAvailWarnPct ? 'warning' : undefined;
  });
  if (!held) return [];
  const swapUsed = probe.swapTotalBytes - probe.swapFreeBytes;
  return [
    {
      machineId: ctx.machine.id,
      class: 'memory-pressure',
      severity: held.severity,
      summary: `only ${pct.toFixed(1)}% of memory available`,
      evidence: [
        `available ${formatBytes(probe.memAvailableBytes)} of ${formatBytes(probe.memTotalBytes)}`,
        `swap used ${formatBytes(swapUsed)} of ${formatBytes(probe.swapTotalBytes)}`,
        `thresholds: warn below ${memAvailWarnPct}%, critical below ${memAvailCritPct}%`,
        `held for ${held.probes.length} poll(s): ${held.probes.map((p) => `${(availPct(p) ?? 0).toFixed(1)}%`).join(', ')}`,
      ],
      repairs: [],
    },
  ];
};
