import type { Finding, PollResult } from '../model/index.js';
import { detectAll, DEFAULT_THRESHOLDS } from '../matrix/index.js';
import { createFleetStore, type FleetStore } from '../store/index.js';
import type { HostState } from '../store/fleet-store.js';
import type { FleetCache } from '../persist/fleet-cache.js';

/** The cached polls of the machines in `hosts`, with their findings recomputed (no history). */
export function cachedPolls(hosts: Readonly<Record<string, HostState>>, cache: FleetCache, now = Date.now()): { result: PollResult; findings: Finding[] }[] {
  return cache.polls.flatMap((poll) => {
    const h = hosts[poll.machineId];
    if (!h) return [];
    return [{ result: poll, findings: detectAll({ machine: h.machine, poll, now, thresholds: DEFAULT_THRESHOLDS, history: [] }) }];
  });
}

/** A store holding only the last-known fleet, for the first paint before anything else is loaded. */
export function storeFromCache(cache: FleetCache, opts: { readOnly?: boolean } = {}): FleetStore {
  const store = createFleetStore(opts.readOnly ? { readOnly: true } : {});
  store.getState().setMachines(cache.machines);
  store.getState().restoreCached(cachedPolls(store.getState().hosts, cache));
  return store;
}
