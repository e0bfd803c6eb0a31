import type { Startup } from './startup.js';
import { probeOnce } from './probe-once.js';
import { checkReport, NAGIOS } from './check-report.js';

export { NAGIOS };

/** `remlite check`: one probe of the selected hosts, findings printed, Nagios exit code. */
export async function runCheck(startup: Startup, select: { pools: string[]; hosts: string[] }): Promise<number> {
  const wanted = (m: { id: string; name: string; pool: string; groups?: string[] }) =>
    (select.pools.length === 0 || select.pools.includes(m.pool) || (m.groups ?? []).some((g) => select.pools.includes(g))) && (select.hosts.length === 0 || select.hosts.includes(m.id) || select.hosts.includes(m.name));
  const unknownHosts = select.hosts.filter((h) => !startup.options.machines.some((m) => m.id === h || m.name === h));
  if (unknownHosts.length && !startup.options.metrics) {
    process.stdout.write(`REMLITE UNKNOWN - no such host: ${unknownHosts.join(', ')}\n`);
    return NAGIOS.UNKNOWN;
  }
  const state = await probeOnce(startup, wanted);
  // Metrics providers (Prometheus, and Alertmanager for their alerts) are where these hosts' state comes from: one that failed leaves it unknown.
  const failed = Object.entries(state.providers)
    .filter(([name, p]) => !p.ok && (name.startsWith('prometheus') || name.startsWith('alertmanager:')))
    .map(([name, p]) => ({ name, ...(p.message ? { message: p.message } : {}) }));
  const { code, text } = checkReport(state, failed);
  process.stdout.write(text);
  return code;
}
