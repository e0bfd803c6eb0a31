import type { ActionIntent } from '../src/model/index.js';
import { hostsMatching } from '../src/store/selectors.js';
import type { FleetStore, Intents } from '../src/store/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import type { PoolConfirm } from './ConfirmPoolRepair.js';

/** `:mark FILTER` / `:unmark [FILTER]`: the hosts the `/` language matches join or leave the marked set; said in the status line. */
export function markByFilter(store: FleetStore, filter: string, on: boolean): void {
  const s = store.getState();
  const all = !on && filter.trim() === '';
  const ids = all ? [...s.marked] : hostsMatching(s, filter, Date.now());
  if (ids.length === 0) return s.notify(all ? 'no host is marked' : `no host matches "${sanitizeLine(filter)}"`, 'warning');
  if (on) s.mark(ids);
  else s.unmark(all ? undefined : ids);
  const now = store.getState().marked.size;
  s.notify(`${on ? 'marked' : 'unmarked'} ${ids.length} host${ids.length === 1 ? '' : 's'}; ${now} marked`, 'info');
}

/**
 * An action fired while hosts are marked applies to the marked set, through the rollout: the host
 * it was fired on is the canary when it is marked (else the first marked host), then the others in
 * fleet order. Undefined when nothing is marked (the action is for its own host only).
 */
export function markedRequest(store: FleetStore, intents: Intents, intent: ActionIntent): PoolConfirm | { refused: string } | undefined {
  const s = store.getState();
  if (s.marked.size === 0) return undefined;
  const marked = s.order.filter((id) => s.marked.has(id));
  const canary = marked.includes(intent.machineId) ? intent.machineId : marked[0];
  if (canary === undefined) return undefined;
  const r = intents.plan({ ...intent, machineId: canary });
  if ('refused' in r) return { refused: `${sanitizeLine(s.hosts[canary]?.machine.name ?? canary)}: ${r.refused}` };
  const hosts = [canary, ...marked.filter((id) => id !== canary)];
  return { plan: r.plan, request: { machineId: canary, action: intent.action, params: intent.params, hosts }, hosts, marked: true };
}
