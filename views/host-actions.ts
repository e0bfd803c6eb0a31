import type { ActionIntent, ActionPlan } from '../src/model/index.js';
import type { KeySection, Registry } from '../src/registry/index.js';
import { poolRepairHosts, type FleetStore, type Intents, type PoolRepairRequest } from '../src/store/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import type { PoolConfirm } from './ConfirmPoolRepair.js';
import { READ_ONLY_REFUSAL } from './keymap.js';
import { markedRequest } from './marks.js';

export interface HostActionDeps {
  registry: Registry;
  intents: Intents;
  store: FleetStore;
  machineId: string;
  /** Shows a line in the host view's footer. */
  say: (text: string, level: 'info' | 'warning' | 'error') => void;
  onConfirm: (plan: ActionPlan) => void;
  onConfirmPool: (confirm: PoolConfirm) => void;
}

/** How the host view's keys reach the planner: through the registry, every refusal said in the footer. */
export function hostActions(d: HostActionDeps) {
  /** A key whose entry read-only mode did not register. */
  const refuseReadOnly = () => d.say(READ_ONLY_REFUSAL, 'warning');

  /**
   * Plans an intent of a registered entry and asks for confirmation. A host-, service- or cloud-scoped
   * key (`overMarks`) fired while hosts are marked asks for the same action over the marked hosts.
   */
  const requestAction = (intent: ActionIntent, overMarks = false) => {
    const bulk = overMarks ? markedRequest(d.store, d.intents, intent) : undefined;
    if (bulk && 'refused' in bulk) return d.say(`refused: ${sanitizeLine(bulk.refused)}`, 'error');
    if (bulk) return d.onConfirmPool(bulk);
    const r = d.intents.plan(intent);
    if ('refused' in r) d.say(`refused: ${sanitizeLine(r.refused)}`, 'error');
    else d.onConfirm(r.plan);
  };

  /**
   * Plans the entry a key triggers in a registry section, with params from its scope; a key whose
   * entry read-only mode did not register is refused with the reason. True when the key was one.
   */
  const dispatchKey = (section: KeySection, input: string, params: Record<string, string>): boolean => {
    const entry = d.registry.keyEntry(section, input);
    if (entry?.intent.kind === 'plan') {
      requestAction({ action: entry.intent.action, machineId: d.machineId, params }, entry.scope === 'host' || entry.scope === 'service' || entry.scope === 'cloud');
      return true;
    }
    if (d.registry.withheld(section, input)) {
      refuseReadOnly();
      return true;
    }
    return false;
  };

  /** The same repair across the host's pool, canary first: asks with the hosts it will reach. */
  const requestPoolRepair = (request: PoolRepairRequest) => {
    const r = d.intents.plan({ action: request.action, machineId: request.machineId, params: request.params });
    if ('refused' in r) d.say(`refused: ${sanitizeLine(r.refused)}`, 'error');
    else d.onConfirmPool({ plan: r.plan, request, hosts: poolRepairHosts(d.store.getState(), request.machineId, request.clears) });
  };

  return { refuseReadOnly, requestAction, dispatchKey, requestPoolRepair };
}
