import type { Finding, Machine, PollResult } from '../model/index.js';
import { createFleetStore, type FleetStore } from '../store/index.js';
import { hostOf, type CachedPoll, type HostState } from '../store/fleet-store.js';
import type { CachedFindings, FleetCache } from '../persist/fleet-cache.js';

/** The detectors, run on one cached poll (no history): for caches without findings or a changed machine. */
export type RedetectCached = (machine: Machine, poll: PollResult) => Finding[];

const sameMachine = (a: Machine | undefined, b: Machine): boolean => a === b || (a !== undefined && JSON.stringify(a) === JSON.stringify(b));

/** Reads the findings a cache saved for its machines, where they can be shown as saved. */
function savedFindings(cache: FleetCache): (id: string, now: Machine) => CachedFindings | undefined {
  const saved = new Map(cache.machines.map((m) => [m.id, m]));
  // A machine declared differently since (inventory edited, instance changed) gets them recomputed.
  return (id, now) => {
    // Own keys only: a host named "constructor" has no saved findings from Object.prototype.
    const shown = cache.findings && Object.hasOwn(cache.findings, id) ? cache.findings[id] : undefined;
    return shown && sameMachine(saved.get(id), now) ? shown : undefined;
  };
}

/** Whether some cached poll of a machine in `hosts` has no findings that can be shown as saved. */
export function needsRedetect(hosts: Readonly<Record<string, HostState>>, cache: FleetCache): boolean {
  const saved = savedFindings(cache);
  return cache.polls.some((p) => {
    const h = hostOf(hosts, p.machineId);
    return h !== undefined && !saved(p.machineId, h.machine);
  });
}

/**
 * The cached polls of the machines in `hosts`, with the findings the console showed for them when it
 * saved; recomputed by `redetect` for a machine declared differently now, or when the cache has none.
 */
export function cachedPolls(hosts: Readonly<Record<string, HostState>>, cache: FleetCache, redetect: RedetectCached): CachedPoll[] {
  const saved = savedFindings(cache);
  return cache.polls.flatMap((poll) => {
    const h = hostOf(hosts, poll.machineId);
    if (!h) return [];
    const shown = saved(poll.machineId, h.machine);
    if (!shown) return [{ result: poll, findings: redetect(h.machine, poll) }];
    return [{ result: poll, findings: shown.own, ...(shown.derived?.length ? { derived: shown.derived } : {}) }];
  });
}

/**
 * A store holding only the last-known fleet, for the first paint before anything else is loaded.
 * The detectors are loaded only when some findings must be recomputed.
 */
export async function storeFromCache(cache: FleetCache, opts: { readOnly?: boolean } = {}): Promise<FleetStore> {
  const store = createFleetStore(opts.readOnly ? { readOnly: true } : {});
  store.getState().setMachines(cache.machines);
  const hosts = store.getState().hosts;
  let redetect: RedetectCached = () => [];
  if (needsRedetect(hosts, cache)) {
    const { detectAll, DEFAULT_THRESHOLDS } = await import('../matrix/index.js');
    const now = Date.now();
    redetect = (machine, poll) => detectAll({ machine, poll, now, thresholds: DEFAULT_THRESHOLDS, history: [] });
  }
  store.getState().restoreCached(cachedPolls(hosts, cache, redetect));
  return store;
}
