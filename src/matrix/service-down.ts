import type { Finding, RepairRef, ServiceStatus } from '../model/index.js';
import { brokenConfigs, declaredChecks, failedTests, restoreConfigRepair } from './declared.js';
import { findService, fit, remoteNow, serviceLine } from './text.js';
import type { DetectContext, Detector } from './types.js';
import { RUNNING_STATES, severityOf } from './service-state.js';
import { detectLearnedServiceDown } from './learned-service-down.js';

/**
 * Restart and start; when the service's config drifted from the baseline, restoring it comes
 * first: restarting onto a bad config only fails again.
 */
function repairsFor(ctx: DetectContext, s: ServiceStatus): RepairRef[] {
  if (s.load === 'masked') return [];
  const probe = ctx.poll.probe;
  const broken = probe ? brokenConfigs(probe, ctx.baseline, declaredChecks(ctx.machine), s.name).filter((b) => b.base.copy) : [];
  return [
    ...broken.map((b) => restoreConfigRepair(b.decl.path, b.decl.service)),
    { action: 'service.restart', params: { service: s.name }, label: `Restart ${s.name}` },
    { action: 'service.start', params: { service: s.name }, label: `Start ${s.name}` },
  ];
}

function finding(ctx: DetectContext, s: ServiceStatus, expected: boolean): Finding {
  const evidence = [serviceLine(s, remoteNow(ctx.poll, ctx.now))];
  if (s.description) evidence.push(fit(`description: ${s.description}`));
  if (!expected) evidence.push('not in the expected list, but the unit is failed');
  if (s.load === 'masked') evidence.push('unit is masked: unmask it before starting');
  const probe = ctx.poll.probe;
  if (probe) {
    for (const t of failedTests(probe, s.name)) evidence.push(fit(`config test fails: ${t.command}`));
    for (const b of brokenConfigs(probe, ctx.baseline, declaredChecks(ctx.machine), s.name)) {
      evidence.push(fit(`config ${b.decl.path} ${b.state === 'missing' ? 'is missing' : 'differs from the baseline'}`));
    }
  }
  return {
    machineId: ctx.machine.id,
    class: 'service-down',
    severity: severityOf(s),
    summary: fit(`service ${s.name} is ${s.active} (${s.sub})`),
    evidence,
    subject: s.name,
    repairs: repairsFor(ctx, s),
  };
}

/** Expected services that are not running, any failed unit, and units that ran at accept (learned-service-down.ts). */
export const detectServiceDown: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const out: Finding[] = [];
  const flagged = new Set<ServiceStatus>();
  for (const name of ctx.machine.services) {
    const s = findService(probe.services, name);
    if (!s || s.load === 'not-found' || RUNNING_STATES.has(s.active)) continue;
    flagged.add(s);
    out.push(finding(ctx, s, true));
  }
  for (const s of probe.services) {
    if (s.active === 'failed' && !flagged.has(s)) out.push(finding(ctx, s, false));
  }
  out.push(...detectLearnedServiceDown(ctx));
  return out;
};
