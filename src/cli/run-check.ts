import type { Startup } from './startup.js';
import { probeOnce } from './probe-once.js';
import { checkReport, NAGIOS } from './check-report.js';
import type { Machine } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';

/** `--host X` names a machine by its name, its id or (EC2) its instance id. */
export function hostMatches(m: Machine, wanted: string): boolean {
  return m.name === wanted || m.id === wanted || m.cloud?.instanceId === wanted;
}

export { NAGIOS };

/** `remlite check`: one probe of the selected hosts, findings printed, Nagios exit code. */
export async function runCheck(startup: Startup, select: { pools: string[]; hosts: string[] }): Promise<number> {
  const inPools = (m: Machine) => select.pools.length === 0 || select.pools.includes(m.pool) || (m.groups ?? []).some((g) => select.pools.includes(g));
  const wanted = (m: Machine) => inPools(m) && (select.hosts.length === 0 || select.hosts.some((h) => hostMatches(m, h)));
  const unknownIn = (machines: readonly Machine[]) => select.hosts.filter((h) => !machines.some((m) => hostMatches(m, h)));
  const unknown = (hosts: string[]) => {
    process.stdout.write(sanitizeLine(`REMLITE UNKNOWN - no such host: ${hosts.join(', ')}`) + '\n');
    return NAGIOS.UNKNOWN;
  };
  // Cloud and metrics hosts are known only once listed: their names are checked after the listing.
  const listed = !!startup.options.metrics || !!startup.options.cloud;
  if (!listed && unknownIn(startup.options.machines).length) return unknown(unknownIn(startup.options.machines));
  const state = await probeOnce(startup, wanted);
  const missing = unknownIn(state.order.map((id) => state.hosts[id]!.machine));
  // A provider that failed leaves the hosts it would list unknown: the whole answer is UNKNOWN, naming it.
  const failed = Object.entries(state.providers)
    .filter(([, p]) => !p.ok)
    .map(([name, p]) => ({ name, ...(p.message ? { message: p.message } : {}) }));
  if (missing.length && !failed.length) return unknown(missing);
  const { code, text } = checkReport(state, failed);
  process.stdout.write(text);
  return code;
}
