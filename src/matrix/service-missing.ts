import type { Finding } from '../model/index.js';
import { findService, fit } from './text.js';
import type { Detector } from './types.js';

/** Expected services the host does not know (LoadState not-found), or that the probe did not report. */
export const detectServiceMissing: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const out: Finding[] = [];
  for (const name of ctx.machine.services) {
    const s = findService(probe.services, name);
    if (s && s.load !== 'not-found') continue;
    out.push({
      machineId: ctx.machine.id,
      class: 'service-missing',
      severity: 'warning',
      summary: fit(s ? `service ${name} is not installed` : `service ${name} was not reported`),
      evidence: [
        s ? fit(`${s.init}: LoadState ${s.load}`) : fit(`init system: ${probe.init}; no status for ${name}`),
      ],
      subject: name,
      repairs: [],
    });
  }
  return out;
};
