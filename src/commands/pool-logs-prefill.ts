import type { FleetData } from '../store/fleet-store.js';
import { sanitizeLine } from '../util/sanitize.js';
import { isSafeServiceName } from '../util/shell-quote.js';

/**
 * The command line the pool-logs key puts in the command bar for a pool: `plogs POOL UNIT`, UNIT the
 * first service the inventory declares on every host of the pool (the pool's own service, e.g. apache2
 * on web), or `plogs POOL ` for the operator to finish when the hosts share none. The operator sees the
 * exact command and runs it with Enter, or edits the source first.
 */
export function poolLogsPrefill(state: Pick<FleetData, 'hosts' | 'order'>, pool: string): string {
  const members = state.order.map((id) => state.hosts[id]).filter((h) => h !== undefined && (h.machine.pool === pool || (h.machine.groups ?? []).includes(pool)));
  const [first, ...rest] = members;
  const shared = (first?.machine.services ?? []).filter((s) => isSafeServiceName(s) && rest.every((h) => h!.machine.services.includes(s)));
  return `plogs ${sanitizeLine(pool)} ${shared[0] ? `-u ${shared[0]}` : ''}`;
}
