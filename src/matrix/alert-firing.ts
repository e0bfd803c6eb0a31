import type { Finding } from '../model/index.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/** Alertmanager alerts active on the host (silenced and inhibited ones are not fetched); kept alerts of a failing Alertmanager say they are stale. */
export const detectAlertFiring: Detector = (ctx) => {
  const alerts = ctx.poll.probe?.alerts;
  if (!alerts?.length) return [];
  return alerts.map(
    (a): Finding => ({
      machineId: ctx.machine.id,
      class: 'alert-firing',
      severity: a.severity,
      summary: fit(`${a.staleSince ? 'stale ' : ''}alert ${a.name}${a.summary ? `: ${a.summary}` : ''}`),
      evidence: [
        ...(a.staleSince ? [fit(`stale since ${a.staleSince}: Alertmanager ${a.source} failing`)] : []),
        ...(a.description ? [fit(a.description)] : []),
        fit(`firing since ${a.startsAt} (Alertmanager ${a.source})`),
      ],
      subject: `${a.name}/${a.fingerprint}`,
      repairs: [{ action: 'alertmanager.silence', params: { alert: a.name, label: a.hostLabel, duration: '2h', comment: `silenced from remlite: ${a.name}` }, label: `Silence ${a.name} on this host for 2h` }],
    }),
  );
};
