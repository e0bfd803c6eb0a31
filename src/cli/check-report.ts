import type { FleetData } from '../store/index.js';
import { SEVERITY_RANK, type Finding } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';

/** Probes that did not reach a host that should have answered. */
const UNREACHED: ReadonlySet<string> = new Set(['unreachable', 'timeout', 'auth-failed', 'untrusted', 'unreadable']);

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
  // Stopped instances and hosts not probed on purpose are counted apart: they are not unreachable.
  const reaches = state.order.map((id) => state.hosts[id]?.last?.reach);
  const unreachable = reaches.filter((r) => r !== undefined && UNREACHED.has(r)).length;
  const stopped = reaches.filter((r) => r === 'cloud-stopped').length;
  const notProbed = reaches.filter((r) => r === 'no-ssh').length;
  const total = state.order.length;
  // A provider that could not tell the fleet's state (Prometheus down, an EC2 region failing) makes the whole answer unknown.
  const failed = failedProviders.map((p) => `provider ${p.name} failed: ${p.message ?? 'no reason given'}`).join('; ');
  const code = failed ? NAGIOS.UNKNOWN : total === 0 ? NAGIOS.UNKNOWN : critical ? NAGIOS.CRITICAL : warning ? NAGIOS.WARNING : NAGIOS.OK;
  const summary = failed
    ? failed + (critical || warning ? `; ${critical} critical, ${warning} warning on ${total} host${total === 1 ? '' : 's'}` : '')
    : total === 0
      ? 'no hosts to check'
      : critical || warning
        ? `${critical} critical, ${warning} warning on ${total} host${total === 1 ? '' : 's'}`
        : `${total} host${total === 1 ? '' : 's'} healthy`;
  const perf = `hosts=${total} critical=${critical} warning=${warning} unreachable=${unreachable} stopped=${stopped} not_probed=${notProbed}`;
  const lines = [sanitizeLine(`REMLITE ${LABEL[code]} - ${summary} | ${perf}`)];
  for (const f of findings) lines.push(sanitizeLine(`${f.severity.toUpperCase()} ${f.host}: ${f.summary}`));
  return { code, text: lines.join('\n') + '\n' };
}
