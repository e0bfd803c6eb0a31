import { formatBytes } from './text.js';
import type { Detector } from './types.js';

/** MemAvailable below the warning / critical share of MemTotal. */
export const detectMemoryPressure: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe || probe.memTotalBytes <= 0) return [];
  const pct = (probe.memAvailableBytes * 100) / probe.memTotalBytes;
  const { memAvailWarnPct, memAvailCritPct } = ctx.thresholds;
  const severity = pct < memAvailCritPct ? 'critical' : pct < memAvailWarnPct ? 'warning' : undefined;
  if (!severity) return [];
  const swapUsed = probe.swapTotalBytes - probe.swapFreeBytes;
  return [
    {
      machineId: ctx.machine.id,
      class: 'memory-pressure',
      severity,
      summary: `only ${pct.toFixed(1)}% of memory available`,
      evidence: [
        `available ${formatBytes(probe.memAvailableBytes)} of ${formatBytes(probe.memTotalBytes)}`,
        `swap used ${formatBytes(swapUsed)} of ${formatBytes(probe.swapTotalBytes)}`,
        `thresholds: warn below ${memAvailWarnPct}%, critical below ${memAvailCritPct}%`,
      ],
      repairs: [],
    },
  ];
};
