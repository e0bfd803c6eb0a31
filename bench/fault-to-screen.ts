// From a fault to the finding on screen: apache2 stopped on a lab host (real systemd, OpenSSH), the
// console at its default poll interval drawing into a recording terminal; the time from the unit's
// stop until a frame shows the host's services as 2/3. The unit is started again between rounds.
import { labExec } from '../test/support/lab.js';
import { SETTINGS_DEFAULTS } from '../src/persist/settings.js';
import { labMachines, startLabTui } from './lab-console-tui.js';
import { frameAfter } from './ui-fleet.js';
import { figure, percentile, sleep, type Figure } from './stats.js';

const HOST = 'lab-web2';
const UNIT = 'apache2';

export async function benchFaultToScreen(runs = Number(process.env['BENCH_FAULT_RUNS'] ?? 5)): Promise<Figure[]> {
  const found = await labMachines();
  if ('skip' in found) return [{ metric: 'fault -> screen: skipped', target: '', unit: '', samples: [], verdict: 'FAIL', note: `lab not running: ${found.skip}` }];
  const machine = found.machines.find((m) => m.id === HOST);
  if (!machine) return [{ metric: 'fault -> screen: skipped', target: '', unit: '', samples: [], verdict: 'FAIL', note: `no ${HOST} in the lab` }];
  const total = machine.services.length;
  const row = (ok: number) => new RegExp(`${HOST}[^\\n]*\\s${ok}/${total}\\s`);
  await labExec(HOST, `systemctl start ${UNIT}`);
  const t = await startLabTui(found.lab, found.machines);
  const interval = SETTINGS_DEFAULTS.pollIntervalMs;
  const samples: number[] = [];
  const misses: string[] = [];
  try {
    if (!(await frameAfter(t.out, 0, (f) => row(total).test(f.text), 60_000))) throw new Error(`${HOST} never showed ${total}/${total} services`);
    for (let i = 0; i < runs; i++) {
      // Faults do not wait for our polls: strike at a random point of the interval.
      await sleep(Math.random() * interval);
      const stop = await labExec(HOST, `systemctl stop ${UNIT} && ! systemctl is-active --quiet ${UNIT}`);
      const at = performance.now();
      if (stop.code !== 0) throw new Error(`could not stop ${UNIT}: ${stop.stderr}`);
      const f = await frameAfter(t.out, at, (fr) => row(total - 1).test(fr.text), interval * 3 + 10_000);
      if (f) samples.push(f.at - at);
      else misses.push(`round ${i + 1}: no frame in ${(interval * 3 + 10_000) / 1000} s`);
      const start = await labExec(HOST, `systemctl start ${UNIT}`);
      const back = performance.now();
      if (start.code !== 0) throw new Error(`could not start ${UNIT} again: ${start.stderr}`);
      await frameAfter(t.out, back, (fr) => row(total).test(fr.text), interval * 3 + 10_000);
    }
  } finally {
    await t.close();
    await labExec(HOST, `systemctl start ${UNIT}`).catch(() => undefined);
  }
  const target = interval + 1000;
  return [
    figure(`fault -> screen: ${UNIT} stopped on a lab host -> its row shows it (poll every ${interval / 1000} s)`, `<= ${target} ms`, 'ms', samples, (m) => m <= target && misses.length === 0 && percentile(samples, 100) <= target, `max ${percentile(samples, 100).toFixed(0)} ms; a poll lands at a random point of the interval${misses.length ? `; ${misses.join('; ')}` : ''}`),
  ];
}
