import type { HostProbe } from '../model/index.js';
import { level } from './disk-full.js';
import { sustained } from './sustained.js';
import type { Detector } from './types.js';

/** 5-minute load average per CPU above the thresholds, in each of the last `sustainPolls` polls. */
export const detectHighLoad: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const perCpuOf = (p: HostProbe): number => p.load5 / Math.max(1, p.cpus);
  const held = sustained(ctx, (p) => level(perCpuOf(p), ctx.thresholds.loadPerCpuWarn, ctx.thresholds.loadPerCpuCrit));
  if (!held) return [];
  const cpus = Math.max(1, probe.cpus);
  return [
    {
      machineId: ctx.machine.id,
      class: 'high-load',
      severity: held.severity,
      summary: `load ${probe.load5.toFixed(2)} on ${cpus} CPU(s)`,
      evidence: [
        `load1 ${probe.load1} load5 ${probe.load5} load15 ${probe.load15}, cpus ${cpus}`,
        `load5 per CPU ${perCpuOf(probe).toFixed(2)}; warn ${ctx.thresholds.loadPerCpuWarn}, critical ${ctx.thresholds.loadPerCpuCrit}`,
        `held for ${held.probes.length} poll(s): load5 ${held.probes.map((p) => p.load5.toFixed(2)).join(', ')}`,
      ],
      repairs: [],
    },
  ];
};
