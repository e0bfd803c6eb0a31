import type { Finding, Machine, PollResult } from '../model/index.js';
import { createFleetStore, type FleetStore } from '../store/index.js';
import type { CachedPoll, HostState } from '../store/fleet-store.js';
import type { FleetCache } from '../persist/fleet-cache.js';

/** The detectors, run on one cached poll (no history): for caches without findings or a changed machine. */
export type RedetectCached = (machine: Machine, poll: PollResult) => Finding[];

const sameMachine = (a: Machine | undefined, b: Machine): boolean => a === b || (a !== undefined && JSON.stringify(a) === JSON.stringify(b));

/** The machines of `cache` whose cached findings cannot be shown as saved (none saved, or the machine changed since). */
export function needsRedetect(hosts: Readonly<Record<string, HostState>>, cache: FleetCache): boolean {
  const saved = new Map(cache.machines.map((m) => [m.id, m]));
  return cache.polls.some((p) => {
    const h = hosts[p.machineId];
    return h !== undefined && !(cache.findings?.[p.machineId] && sameMachine(saved.get(p.machineId), h.machine));
  });
}

/**
 * The cached polls of the machines in `hosts`, with the findings the console showed for them when it
 * saved; recomputed by `redetect` for a machine declared differently now, or when the cache has none.
 */
export function cachedPolls(hosts: Readonly<Record<string, HostState>>, cache: FleetCache, redetect: RedetectCached): CachedPoll[] {
  const saved = new Map(cache.machines.map((m) => [m.id, m]));
  return cache.polls.flatMap((poll) => {
    const h = hosts[poll.machineId];
    if (!h) return [];
    const shown = cache.findings?.[poll.machineId];
    if (shown && sameMachine(saved.get(poll.machineId), h.machine)) return [{ result: poll, findings: shown.own, ...(shown.derived?.length ? { derived: shown.derived } : {}) }];
    return [{ result: poll, findings: redetect(h.machine, poll) }];
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
