import type { Finding } from '../model/index.js';
import { fit, remoteNow, serviceLine } from './text.js';
import type { Detector } from './types.js';

/** Units systemd has restarted at least `restartLoopCount` times (NRestarts). */
export const detectServiceRestartLoop: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const out: Finding[] = [];
  for (const s of probe.services) {
    if (s.restarts === undefined || s.restarts < ctx.thresholds.restartLoopCount) continue;
    out.push({
      machineId: ctx.machine.id,
      class: 'service-restart-loop',
      severity: 'warning',
      summary: fit(`service ${s.name} restarted ${s.restarts} times`),
      evidence: [serviceLine(s, remoteNow(ctx.poll, ctx.now)), `threshold: ${ctx.thresholds.restartLoopCount} restarts`],
      subject: s.name,
      repairs: [],
    });
  }
  return out;
};
