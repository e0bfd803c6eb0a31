import type { FailureClass } from '../model/index.js';
import type { FleetData } from './fleet-store.js';

/**
 * The hosts a pool repair touches, canary first: the given host, then the other hosts of its pool
 * (in fleet order) that have the finding to clear (or all of them when no finding is named). Pure.
 */
export function poolRepairHosts(state: Pick<FleetData, 'hosts' | 'order'>, canary: string, clears?: { class: FailureClass; subject?: string }): string[] {
  const pool = state.hosts[canary]?.machine.pool;
  if (pool === undefined) return [];
  const rest = state.order.filter((id) => {
    if (id === canary) return false;
    const h = state.hosts[id];
    if (!h || h.machine.pool !== pool) return false;
    if (!clears) return true;
    return h.findings.some((f) => f.class === clears.class && (clears.subject === undefined || f.subject === clears.subject));
  });
  return [canary, ...rest];
}
