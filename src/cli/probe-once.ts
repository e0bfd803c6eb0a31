import { createConsole, type RemliteConsole } from '../app/console.js';
import type { Machine } from '../model/index.js';
import { appliedPollAfter, type FleetState } from '../store/index.js';
import type { Startup } from './startup.js';

/**
 * A console over the fleet as listed (including one cloud listing when a cloud provider is on),
 * narrowed to the selected machines (default: all), each probed once, in parallel, and that probe
 * in the store (what the planner reads). The caller closes it.
 */
export async function openProbed(startup: Startup, only?: (m: Machine) => boolean): Promise<RemliteConsole> {
  const core = createConsole({ ...startup.options, pollIntervalMs: 3_600_000 });
  for (const [name, status] of Object.entries(startup.providers)) core.store.getState().setProvider(name, status);
  // Left running (close() stops it): a repair's verification waits for a scrape after the action.
  if (core.metricsRefresh) await core.metricsRefresh.start();
  if (core.providerRefresh) {
    await core.providerRefresh.start();
    core.providerRefresh.stop();
  }
  if (only) core.store.getState().setMachines(Object.values(core.store.getState().hosts).map((h) => h.machine).filter(only));
  const ids = core.store.getState().order;
  // Planning reads the store: wait until each probe is applied there (the poller batches its
  // results), not merely finished.
  const since = Date.now();
  // A metrics-fed host's poll is dated by its scrape (before now): any applied poll of it will do.
  const fedElsewhere = (id: string) => core.store.getState().hosts[id]?.machine.probedBy !== undefined;
  const done = Promise.all(ids.map((id) => appliedPollAfter(core.store, id, fedElsewhere(id) ? 0 : since)));
  core.poller.start();
  await done;
  return core;
}

/** Probes the selected machines once and returns the store's state. */
export async function probeOnce(startup: Startup, only?: (m: Machine) => boolean): Promise<FleetState> {
  const core = await openProbed(startup, only);
  await core.close();
  return core.store.getState();
}
