import type { Finding, Machine, PollResult } from '../model/index.js';
import { createFleetStore, type FleetStore } from '../store/index.js';
import { hostRowsOf, type HostRow } from '../store/selectors.js';
import { hostOf, type CachedPoll, type HostState } from '../store/fleet-store.js';
import type { CachedFindings, FleetCache } from '../persist/fleet-cache.js';

/** The detectors, run on one cached poll (no history): for caches without findings or a changed machine. */
export type RedetectCached = (machine: Machine, poll: PollResult) => Finding[];

/** RedetectCached from the detectors module (passed in: the first frame loads it only when needed), as of `now`. */
export function redetectWith(matrix: Pick<typeof import('../matrix/index.js'), 'detectAll' | 'DEFAULT_THRESHOLDS'>, now = Date.now()): RedetectCached {
  return (machine, poll) => matrix.detectAll({ machine, poll, now, thresholds: matrix.DEFAULT_THRESHOLDS, history: [] });
}

const sameMachine = (a: Machine | undefined, b: Machine): boolean => a === b || (a !== undefined && JSON.stringify(a) === JSON.stringify(b));

/** A cached poll of a machine in the fleet, with the findings saved for it when they can be shown as saved. */
interface SavedPoll {
  poll: PollResult;
  machine: Machine;
  shown: CachedFindings | undefined;
}

function savedPolls(hosts: Readonly<Record<string, HostState>>, cache: FleetCache): SavedPoll[] {
  const saved = new Map(cache.machines.map((m) => [m.id, m]));
  return cache.polls.flatMap((poll) => {
    const h = hostOf(hosts, poll.machineId);
    if (!h) return [];
    // Own keys only: a host named "constructor" has no saved findings from Object.prototype.
    const shown = cache.findings && Object.hasOwn(cache.findings, poll.machineId) ? cache.findings[poll.machineId] : undefined;
    // A machine declared differently since (inventory edited, instance changed) gets them recomputed.
    return [{ poll, machine: h.machine, shown: shown && sameMachine(saved.get(poll.machineId), h.machine) ? shown : undefined }];
  });
}

function withFindings(list: SavedPoll[], redetect: RedetectCached): CachedPoll[] {
  return list.map(({ poll, machine, shown }) =>
    shown ? { result: poll, findings: shown.own, ...(shown.derived?.length ? { derived: shown.derived } : {}) } : { result: poll, findings: redetect(machine, poll) },
  );
}

/**
 * The cached polls of the machines in `hosts`, with the findings the console showed for them when it
 * saved; recomputed by `redetect` for a machine declared differently now, or when the cache has none.
 */
export function cachedPolls(hosts: Readonly<Record<string, HostState>>, cache: FleetCache, redetect: RedetectCached): CachedPoll[] {
  return withFindings(savedPolls(hosts, cache), redetect);
}

/**
 * The grid rows of the fleet this cache restores, for the next start's first frame (the cache's
 * screen line): the rows storeFromCache's store would give. None when some findings would have to be
 * recomputed at the next start (the rows could differ from what the detectors find then).
 */
export function restoredRows(cache: FleetCache, now = Date.now()): HostRow[] | undefined {
  const store = createFleetStore();
  store.getState().setMachines(cache.machines);
  const saved = savedPolls(store.getState().hosts, cache);
  if (!saved.every((s) => s.shown)) return undefined;
  store.getState().restoreCached(withFindings(saved, () => []));
  return hostRowsOf(store.getState(), now);
}

/**
 * A store holding only the last-known fleet, for the first paint before anything else is loaded.
 * The detectors are loaded only when some findings must be recomputed.
 */
export async function storeFromCache(cache: FleetCache, opts: { readOnly?: boolean } = {}): Promise<FleetStore> {
  const store = createFleetStore(opts.readOnly ? { readOnly: true } : {});
  store.getState().setMachines(cache.machines);
  const saved = savedPolls(store.getState().hosts, cache);
  const redetect: RedetectCached = saved.every((s) => s.shown) ? () => [] : redetectWith(await import('../matrix/index.js'));
  store.getState().restoreCached(withFindings(saved, redetect));
  return store;
}
