import type { Finding } from '../model/index.js';
import { sameService } from './declared.js';
import { RUNNING_STATES, severityOf } from './service-state.js';
import { findService, fit, remoteNow, serviceLine } from './text.js';
import type { Detector } from './types.js';

/**
 * Units running when the host was accepted and no longer running, though nobody declared them
 * (`systemctl stop cron` on a host with nothing declared). Expected services and failed units are
 * service.down's already; a unit stopped on purpose is made the known-good state by accepting again.
 */
export const detectLearnedServiceDown: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  const learned = ctx.baseline?.learned;
  if (!probe || !learned || probe.init !== 'systemd') return [];
  const out: Finding[] = [];
  for (const unit of learned.units) {
    if (ctx.machine.services.some((e) => sameService(e, unit))) continue;
    const s = findService(probe.services, unit);
    if (!s || RUNNING_STATES.has(s.active) || s.active === 'failed') continue;
    const name = unit.replace(/\.service$/, '');
    const evidence = [serviceLine(s, remoteNow(ctx.poll, ctx.now)), fit(`not declared; it ran when the host was accepted (${ctx.baseline?.acceptedAt ?? '?'})`)];
    if (s.load === 'not-found') evidence.push('its unit file is gone');
    if (s.load === 'masked') evidence.push('unit is masked: unmask it before starting');
    evidence.push('stopped on purpose? accept the host again (A) to make this its known-good state');
    out.push({
      machineId: ctx.machine.id,
      class: 'service-down',
      severity: severityOf(s),
      summary: fit(`service ${name} is ${s.active} (${s.sub}); it ran at accept`),
      evidence,
      subject: name,
      repairs:
        s.load === 'loaded'
          ? [
              { action: 'service.start', params: { service: name }, label: `Start ${name}` },
              { action: 'service.restart', params: { service: name }, label: `Restart ${name}` },
            ]
          : [],
    });
  }
  return out;
};
