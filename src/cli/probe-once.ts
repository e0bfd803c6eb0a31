import { createConsole } from '../app/console.js';
import type { Machine } from '../model/index.js';
import type { FleetState } from '../store/index.js';
import type { Startup } from './startup.js';

/** Probes the given machines (default: the whole fleet) once, in parallel, and returns the store's state. */
export async function probeOnce(startup: Startup, only?: (m: Machine) => boolean): Promise<FleetState> {
  const machines = only ? startup.options.machines.filter(only) : startup.options.machines;
  const core = createConsole({ ...startup.options, machines, pollIntervalMs: 3_600_000 });
  const ids = core.store.getState().order;
  const done = Promise.all(ids.map((id) => core.poller.nextPoll(id)));
  core.poller.start();
  await done;
  await core.close();
  return core.store.getState();
}
