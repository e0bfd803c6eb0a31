import type { RemliteConsole } from '../app/console.js';
import type { Startup } from './startup.js';
import { StartupError } from './startup.js';
import { openProbed } from './probe-once.js';

/** A console over one host (by id or name, cloud hosts included), with its first poll done. The caller closes it. */
export async function openOneHost(startup: Startup, host: string): Promise<{ core: RemliteConsole; id: string }> {
  const core = await openProbed(startup, (m) => m.id === host || m.name === host);
  const id = core.store.getState().order[0];
  if (id === undefined) {
    await core.close();
    const known = startup.options.machines.map((m) => m.name).slice(0, 12).join(', ');
    throw new StartupError(`no host "${host}" in the fleet (known: ${known}${startup.options.machines.length > 12 ? ', …' : ''})`);
  }
  return { core, id };
}
