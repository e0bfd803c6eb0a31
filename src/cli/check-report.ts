import type { FleetData } from '../store/index.js';
import { SEVERITY_RANK, type Finding } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';

export const NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;
const LABEL = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

/**
 * The Nagios plugin view of the fleet: first line "REMLITE STATE - summary | perfdata", then one
 * line per finding, worst first. Pure.
 */
export function checkReport(state: Pick<FleetData, 'hosts' | 'order'>, failedProviders: { name: string; message?: string }[] = []): { code: number; text: string } {
  const findings: (Finding & { host: string })[] = [];
  for (const id of state.order) {
    const h = state.hosts[id];
    if (!h) continue;
    for (const f of h.findings) if (f.severity !== 'ok' && f.severity !== 'info') findings.push({ ...f, host: h.machine.name });
  }
  findings.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.host.localeCompare(b.host));
  const critical = findings.filter((f) => f.severity === 'critical').length;
  const warning = findings.filter((f) => f.severity === 'warning').length;
  const unreachable = state.order.filter((id) => {
    const r = state.hosts[id]?.last?.reach;
    return r !== undefined && r !== 'ok' && r !== 'slow';
  }).length;
  const total = state.order.length;
  // A provider that could not tell the fleet's state (Prometheus down) makes the whole answer unknown.
  const failed = failedProviders.map((p) => `provider ${p.name} failed: ${p.message ?? 'no reason given'}`).join('; ');
  const code = failed ? NAGIOS.UNKNOWN : total === 0 ? NAGIOS.UNKNOWN : critical ? NAGIOS.CRITICAL : warning ? NAGIOS.WARNING : NAGIOS.OK;
  const summary = failed
    ? failed + (critical || warning ? `; ${critical} critical, ${warning} warning on ${total} host${total === 1 ? '' : 's'}` : '')
    : total === 0
      ? 'no hosts to check'
      : critical || warning
        ? `${critical} critical, ${warning} warning on ${total} host${total === 1 ? '' : 's'}`
        : `${total} host${total === 1 ? '' : 's'} healthy`;
  const perf = `hosts=${total} critical=${critical} warning=${warning} unreachable=${unreachable}`;
  const lines = [sanitizeLine(`REMLITE ${LABEL[code]} - ${summary} | ${perf}`)];
  for (const f of findings) lines.push(sanitizeLine(`${f.severity.toUpperCase()} ${f.host}: ${f.summary}`));
  return { code, text: lines.join('\n') + '\n' };
}
