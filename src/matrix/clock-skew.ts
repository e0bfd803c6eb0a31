import type { Severity } from '../model/index.js';
import type { Detector } from './types.js';

/**
 * The remote clock against ours: the probe's `date +%s` ran about half the latency after the
 * poll started. `date +%s` truncates to the second, so half a second is added back.
 */
export const detectClockSkew: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe || probe.remoteTimeMs <= 0) return [];
  const localMs = ctx.poll.at + (ctx.poll.latencyMs ?? 0) / 2;
  const skewMs = probe.remoteTimeMs + 500 - localMs;
  const abs = Math.abs(skewMs);
  const { clockSkewWarnMs, clockSkewCritMs } = ctx.thresholds;
  const severity: Severity | undefined = abs >= clockSkewCritMs ? 'critical' : abs >= clockSkewWarnMs ? 'warning' : undefined;
  if (!severity) return [];
  const sec = Math.round(abs / 1000);
  return [
    {
      machineId: ctx.machine.id,
      class: 'clock-skew',
      severity,
      summary: `clock is ${sec} s ${skewMs > 0 ? 'ahead' : 'behind'}`,
      evidence: [
        `remote ${new Date(probe.remoteTimeMs).toISOString()}, console ${new Date(localMs).toISOString()}`,
        `thresholds: warn ${clockSkewWarnMs / 1000} s, critical ${clockSkewCritMs / 1000} s`,
        'fix NTP on the host (timedatectl, chrony); no automatic repair',
      ],
      repairs: [],
    },
  ];
};
