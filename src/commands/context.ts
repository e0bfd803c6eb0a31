import type { FleetData } from '../store/fleet-store.js';
import { hostOf } from '../store/fleet-store.js';
import { SORT_KEYS } from '../store/selectors.js';
import { sanitizeLine } from '../util/sanitize.js';
import { isSafeServiceName } from '../util/shell-quote.js';

/** What the command bar can name right now: the parser checks arguments against it, completion offers it. */
export interface CommandContext {
  screen: 'grid' | 'host';
  /** The open host's id, on a host. */
  openHostId?: string;
  readOnly: boolean;
  /** Every host: its name, machine id and (EC2) instance id, each of which :host accepts. */
  hosts: { id: string; name: string; instanceId?: string }[];
  pools: string[];
  /** On a host: its services (reported and declared); on the grid: every service of the fleet. */
  services: string[];
  /** On a host: the services :restart / :start / :stop may name (the planner refuses a name that is not a safe unit name). */
  actionServices?: string[];
  /** The open host's log sources. */
  logSources: { id: string; target: string }[];
  sortKeys: readonly string[];
  /** The service selected in the Services tab: what :restart / :start / :stop act on without an argument. */
  selectedService?: string;
  /** Machine ids per pool and inventory group, and the marked hosts (:plogs). */
  poolMembers?: Record<string, string[]>;
  marked?: string[];
}

/** The marked hosts when the store keeps marks (Space in the grid), else none. */
function markedIds(state: object): string[] {
  const marked = (state as { marked?: ReadonlySet<string> }).marked;
  return marked ? [...marked] : [];
}

function hostServices(h: FleetData['hosts'][string]): string[] {
  return [...(h.probe?.services ?? []).map((s) => s.name), ...h.machine.services];
}

/** Every name is sanitized: service names and host names come from probes, inventories and ssh configs. */
export function commandContext(
  state: Pick<FleetData, 'hosts' | 'order' | 'readOnly'>,
  at: { machineId?: string; selectedService?: string } = {},
): CommandContext {
  const list = state.order.map((id) => state.hosts[id]).filter((h) => h !== undefined);
  const open = at.machineId ? hostOf(state.hosts, at.machineId) : undefined;
  const uniq = (names: string[]) => [...new Set(names.map(sanitizeLine).filter((n) => n !== ''))];
  return {
    screen: open ? 'host' : 'grid',
    ...(open ? { openHostId: open.machine.id } : {}),
    readOnly: state.readOnly,
    hosts: list.map((h) => ({ id: h.machine.id, name: sanitizeLine(h.machine.name), ...(h.machine.cloud ? { instanceId: h.machine.cloud.instanceId } : {}) })),
    pools: uniq(list.flatMap((h) => [h.machine.pool, ...(h.machine.groups ?? [])])).sort(),
    services: open ? uniq(hostServices(open)) : uniq(list.flatMap(hostServices)).sort(),
    ...(open ? { actionServices: uniq(hostServices(open).filter(isSafeServiceName)) } : {}),
    logSources: open ? open.machine.logs.map((l) => ({ id: sanitizeLine(l.id), target: sanitizeLine(l.target) })) : [],
    sortKeys: SORT_KEYS,
    ...(open && at.selectedService ? { selectedService: sanitizeLine(at.selectedService) } : {}),
    poolMembers: poolMembers(list),
    marked: markedIds(state).filter((id) => hostOf(state.hosts, id)),
  };
}

function poolMembers(list: readonly FleetData['hosts'][string][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const h of list) {
    for (const g of new Set([h.machine.pool, ...(h.machine.groups ?? [])].map(sanitizeLine).filter((n) => n !== ''))) (out[g] ??= []).push(h.machine.id);
  }
  return out;
}
