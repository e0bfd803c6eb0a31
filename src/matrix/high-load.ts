import { level } from './disk-full.js';
import type { Detector } from './types.js';

/** 5-minute load average per CPU above the thresholds. */
export const detectHighLoad: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const cpus = Math.max(1, probe.cpus);
  const perCpu = probe.load5 / cpus;
  const severity = level(perCpu, ctx.thresholds.loadPerCpuWarn, ctx.thresholds.loadPerCpuCrit);
  if (!severity) return [];
  return [
    {
      machineId: ctx.machine.id,
      class: 'high-load',
      severity,
      summary: `load ${probe.load5.toFixed(2)} on ${cpus} CPU(s)`,
      evidence: [
        `load1 ${probe.load1} load5 ${probe.load5} load15 ${probe.load15}, cpus ${cpus}`,
        `load5 per CPU ${perCpu.toFixed(2)}; warn ${ctx.thresholds.loadPerCpuWarn}, critical ${ctx.thresholds.loadPerCpuCrit}`,
      ],
      repairs: [],
    },
  ];
};
