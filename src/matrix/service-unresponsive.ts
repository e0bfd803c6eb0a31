import type { Finding, ReachCheckResult, RepairRef } from '../model/index.js';
import { sameService } from './declared.js';
import { RUNNING_STATES } from './service-state.js';
import { findService, fit, remoteNow, serviceLine } from './text.js';
import type { DetectContext, Detector } from './types.js';

function repairsFor(ctx: DetectContext, service: string): RepairRef[] {
  const restart: RepairRef = { action: 'service.restart', params: { service }, label: `Restart ${service}` };
  if (ctx.poll.probe?.init !== 'systemd') return [restart];
  return [{ action: 'service.force-restart', params: { service }, label: `Restart ${service}, killing it if it hangs` }, restart];
}

/** True when another finding already reports the unit as down (expected, learned at accept, or failed). */
function reportedDown(ctx: DetectContext, service: string, active: string): boolean {
  if (active === 'failed') return true;
  if (ctx.machine.services.some((e) => sameService(e, service))) return true;
  return (ctx.baseline?.learned?.units ?? []).some((u) => sameService(u, service));
}

/**
 * A service whose unit is running but whose port (learned at accept) or declared health check does
 * not answer from the host itself: frozen (SIGSTOP), deadlocked, or overloaded. One finding per
 * service, every failing check in the evidence. A unit that is not running is service-down's.
 */
export const detectServiceUnresponsive: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe?.reach) return [];
  const failing = new Map<string, ReachCheckResult[]>();
  for (const r of probe.reach) if (!r.ok) failing.set(r.service, [...(failing.get(r.service) ?? []), r]);
  const out: Finding[] = [];
  for (const [service, checks] of failing) {
    const s = findService(probe.services, service);
    if (s && !RUNNING_STATES.has(s.active) && reportedDown(ctx, service, s.active)) continue;
    const evidence = checks.map((c) => fit(`${c.origin === 'declared' ? 'health' : 'learned port'}: ${c.check}: ${c.detail ?? 'failed'}`));
    if (s) {
      evidence.push(serviceLine(s, remoteNow(ctx.poll, ctx.now)));
      if (s.mainPid) evidence.push(`main PID ${s.mainPid}`);
      evidence.push('the unit runs but does not answer: frozen, deadlocked or overloaded');
    } else evidence.push(fit(`the state of the ${service} unit was not reported`));
    out.push({
      machineId: ctx.machine.id,
      class: 'service-unresponsive',
      severity: 'critical',
      summary: fit(`service ${service} does not answer (${checks[0]?.check ?? 'check'}: ${checks[0]?.detail ?? 'failed'})`),
      evidence,
      subject: service,
      repairs: repairsFor(ctx, service),
    });
  }
  return out;
};
