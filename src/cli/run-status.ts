import { fleetRows } from '../store/selectors.js';
import type { Startup } from './startup.js';
import { probeOnce } from './probe-once.js';
import { statusJson, statusTable } from './status-format.js';
import { sanitizeLine } from '../util/sanitize.js';

/**
 * Probes every host once (in parallel) and prints the fleet. Exit 0 when every host answered (or is
 * marked not probed by its provider), 1 when one did not, 3 when a provider failed (the fleet is
 * incomplete; the JSON's `failures` says which and why).
 */
export async function runStatus(startup: Startup, json: boolean): Promise<number> {
  const state = await probeOnce(startup);
  process.stdout.write(json ? statusJson(state) : statusTable(fleetRows(state, { filter: '', sortKey: 'name', sortDesc: false, groupByPool: false, now: Date.now() })));
  for (const w of startup.warnings) process.stderr.write(`remlite: warning: ${sanitizeLine(w)}\n`);
  for (const [name, p] of Object.entries(state.providers)) if (!p.ok) process.stderr.write(`remlite: provider ${name}: ${sanitizeLine(p.message ?? 'failed')}\n`);
  const allAnswered = state.order.every((id) => {
    const r = state.hosts[id]?.last?.reach;
    return r === 'ok' || r === 'slow' || r === 'cloud-stopped' || (r === 'no-ssh' && !!state.hosts[id]?.machine.notProbed);
  });
  if (Object.values(state.providers).some((p) => !p.ok)) return 3;
  return allAnswered ? 0 : 1;
}
