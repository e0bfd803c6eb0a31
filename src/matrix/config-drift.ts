import type { Finding, Severity } from '../model/index.js';
import { writeBlocker } from '../util/write-gate.js';
import { contentState, declaredChecks, failedTests, needsBaseline, restoreConfigRepair, shortSha, unreadableFinding } from './declared.js';
import { findService, fit } from './text.js';
import type { Detector } from './types.js';

const DOWN_STATES = new Set(['failed', 'inactive']);

/**
 * Declared configs whose checksum differs from the accepted baseline. Without a baseline nothing
 * can drift: one info finding asks the operator to accept the current state as good.
 */
export const detectConfigDrift: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe) return [];
  const checks = declaredChecks(ctx.machine);
  if (!ctx.baseline) {
    if (!needsBaseline(checks)) return [];
    return [
      {
        machineId: ctx.machine.id,
        class: 'config-drift',
        severity: 'info',
        summary: 'no baseline yet: accept current as good',
        evidence: ['configs, permissions, data and tables are compared with an accepted baseline', 'none is stored for this host'],
        repairs: [],
      },
    ];
  }
  const out: Finding[] = [];
  for (const c of checks.configs) {
    const cmp = contentState(probe, ctx.baseline, c.path);
    if (cmp.state === 'unreadable') {
      out.push({
        machineId: ctx.machine.id,
        class: 'config-drift',
        ...unreadableFinding(cmp.stat),
        summary: fit(`config ${c.path} is unreadable (${cmp.stat.unreadable})`),
        subject: c.path,
        repairs: [],
      });
      continue;
    }
    if (cmp.state !== 'drifted' && cmp.state !== 'missing') continue;
    const evidence: string[] = [];
    let severity: Severity = 'warning';
    if (cmp.state === 'missing') {
      severity = 'critical';
      evidence.push(fit(`${c.path} no longer exists`));
    } else {
      evidence.push(fit(`sha256 ${shortSha(cmp.stat.sha256)} now, ${shortSha(cmp.base.sha256)} in the baseline`));
      evidence.push(fit(`size ${cmp.stat.size ?? '?'} now, ${cmp.base.size ?? '?'} in the baseline`));
    }
    if (c.service) {
      for (const t of failedTests(probe, c.service)) {
        severity = 'critical';
        evidence.push(fit(`config test failed: ${t.command}`));
      }
      const s = findService(probe.services, c.service);
      if (s && DOWN_STATES.has(s.active)) {
        severity = 'critical';
        evidence.push(fit(`service ${s.name} is ${s.active}`));
      }
    }
    if (!cmp.base.copy) evidence.push('no stored copy in the baseline: cannot restore');
    const blocked = writeBlocker(probe, c.path);
    if (blocked) evidence.push(fit(blocked));
    out.push({
      machineId: ctx.machine.id,
      class: 'config-drift',
      severity,
      summary: fit(cmp.state === 'missing' ? `config ${c.path} is missing` : `config ${c.path} changed since the baseline`),
      evidence,
      subject: c.path,
      repairs: cmp.base.copy && !blocked ? [restoreConfigRepair(c.path, c.service)] : [],
    });
  }
  return out;
};
