import type { Finding } from '../model/index.js';
import { brokenConfigs, declaredChecks, restoreConfigRepair } from './declared.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/**
 * A service's own config test (apachectl configtest, sshd -t, ...) fails. The baseline copy is
 * offered only for configs that drifted from it: otherwise there is nothing known-good to restore.
 */
export const detectConfigTestFailed: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe?.configTests) return [];
  const checks = declaredChecks(ctx.machine);
  const out: Finding[] = [];
  for (const t of probe.configTests) {
    if (t.ok) continue;
    const broken = brokenConfigs(probe, ctx.baseline, checks, t.service).filter((b) => b.base.copy);
    const evidence = [fit(`$ ${t.command}`), ...t.output.split('\n').filter((l) => l.trim()).map((l) => fit(`  ${l}`))];
    if (broken.length === 0) evidence.push('no declared config of this service differs from a baseline copy');
    out.push({
      machineId: ctx.machine.id,
      class: 'config-test-failed',
      severity: 'critical',
      summary: fit(`config test of ${t.service} fails`),
      evidence,
      subject: t.service,
      repairs: broken.map((b) => restoreConfigRepair(b.decl.path, t.service)),
    });
  }
  return out;
};
