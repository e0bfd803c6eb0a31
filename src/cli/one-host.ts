import { createConsole, type RemliteConsole } from '../app/console.js';
import type { Startup } from './startup.js';
import { StartupError } from './startup.js';

/** A console over one host (by id or name), with its first poll done. The caller closes it. */
export async function openOneHost(startup: Startup, host: string): Promise<{ core: RemliteConsole; id: string }> {
  const machine = startup.options.machines.find((m) => m.id === host || m.name === host);
  if (!machine) {
    const known = startup.options.machines.map((m) => m.name).slice(0, 12).join(', ');
    throw new StartupError(`no host "${host}" in the fleet (known: ${known}${startup.options.machines.length > 12 ? ', …' : ''})`);
  }
  const core = createConsole({ ...startup.options, machines: [machine], pollIntervalMs: 3_600_000 });
  const first = core.poller.nextPoll(machine.id);
  core.poller.start();
  await first;
  return { core, id: machine.id };
}
