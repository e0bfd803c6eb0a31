// What a user waits for at start, under a real pty (as startup.ts measures the first frame):
// `npm start` on a built tree beside the bundle's own start; the first run (no fleet cache) until
// rows are drawn and until a key typed at once takes effect; and, against the lab's real hosts, until
// the first live (polled, not cached) row.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fleetCachePath } from '../src/persist/fleet-cache.js';
import type { PollResult } from '../src/model/index.js';
import { isLabSkip, labInfo } from '../test/support/lab.js';
import { cannedProbe } from './canned-probe.js';
import { runUnderPty } from './pty-run.js';
import { cachedFleet, inventory } from './startup.js';
import { figure, median, type Figure } from './stats.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const BUNDLE = path.join(ROOT, 'dist/bundle/remlite.cjs');

export async function benchUserStart(tmp: string, runs: number, hosts = 200): Promise<Figure[]> {
  const home = path.join(tmp, 'user-start-home');
  const stateDir = path.join(home, 'state');
  mkdirSync(stateDir, { recursive: true });
  const { yaml, machines } = inventory(hosts);
  const inv = path.join(home, 'inventory.yaml');
  writeFileSync(inv, yaml);
  const now = Date.now();
  const polls: PollResult[] = machines.map((m, i) => ({ machineId: m.id, at: now - 20_000, reach: 'ok', latencyMs: 20 + (i % 30), probe: cannedProbe(m.name, i) }));
  const cache = JSON.stringify(cachedFleet(machines, polls));
  const withCache = () => writeFileSync(fleetCachePath(stateDir), cache);
  const noCache = () => rmSync(fleetCachePath(stateDir), { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, REMLITE_CONFIG_DIR: path.join(home, 'config'), REMLITE_STATE_DIR: stateDir, TERM: 'xterm-256color' };
  delete env['CI'];
  const args = (inventoryPath: string) => `--no-ssh-config --no-local --inventory ${inventoryPath}`;
  const bundle = (inventoryPath: string) => `${process.execPath} ${BUNDLE} ${args(inventoryPath)}`;
  const npmStart = `npm start --silent -- ${args(inv)}`;
  // A stale stamp would make the first `npm start` build: say so rather than time a build.
  const stale = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, encoding: 'utf8' });
  const built = !/building/.test(stale.stderr);

  const cachedFrame = '~\\d\\.\\d\\d'; // a stale load figure: only the cache has it
  const rowsFrame = 'web0000'; // the first host's row, pending
  const selected = `2/${hosts} sort`; // the status line after one j
  const samples = { npm: [] as number[], bundle: [] as number[], firstRun: [] as number[], keysFirstRun: [] as number[], keysCached: [] as number[] };
  for (let i = 0; i < runs + 1; i++) {
    const keep = i > 0; // the first round warms the page cache
    withCache();
    const n = await runUnderPty(npmStart, { env, pattern: cachedFrame, cwd: ROOT });
    withCache();
    const b = await runUnderPty(bundle(inv), { env, pattern: cachedFrame });
    noCache();
    const f = await runUnderPty(bundle(inv), { env, pattern: rowsFrame });
    noCache();
    const k = await runUnderPty(bundle(inv), { env, pattern: selected, keys: 'j' });
    withCache();
    const kc = await runUnderPty(bundle(inv), { env, pattern: selected, keys: 'j' });
    if (!keep) continue;
    samples.npm.push(n.wallMs);
    samples.bundle.push(b.wallMs);
    samples.firstRun.push(f.wallMs);
    samples.keysFirstRun.push(k.wallMs);
    samples.keysCached.push(kc.wallMs);
  }
  const over = samples.npm.map((ms, i) => ms - samples.bundle[i]!);
  const figures = [
    figure(`start: \`npm start\` (built tree) -> first grid frame (${hosts} cached hosts)`, 'info', 'ms', samples.npm, undefined, built ? 'tsc and the bundler did not run (build stamp matched)' : 'the tree was stale: the first run built it'),
    figure('start: same, the bundle run by node directly', 'info', 'ms', samples.bundle),
    figure('start: `npm start` over the bundle\'s own start', '<= 1000 ms', 'ms', over, (m) => m <= 1000, `median of per-round differences; npm itself and the stamp check (${median(over).toFixed(0)} ms)`),
    figure(`start, first run (no fleet cache): spawn -> rows drawn (${hosts} hosts, pending)`, 'info', 'ms', samples.firstRun),
    figure('start, first run: a key typed at spawn (j) -> its frame', 'info', 'ms', samples.keysFirstRun, undefined, 'when keys work: typed keys wait in the terminal until the console reads them'),
    figure('start, with the fleet cache: a key typed at spawn -> its frame', 'info', 'ms', samples.keysCached),
  ];
  const lab = labInfo();
  if (isLabSkip(lab)) {
    figures.push({ metric: 'start, first run: first live row (lab hosts)', target: '', unit: '', samples: [], verdict: 'FAIL', note: `lab not running: ${lab.skip}` });
    return figures;
  }
  const live: number[] = [];
  for (let i = 0; i < runs; i++) {
    noCache();
    // A latency figure ("82ms") is drawn only for a host that answered a probe in this run.
    live.push((await runUnderPty(bundle(lab.inventoryPath), { env, pattern: '\\d+ms', timeoutMs: 60_000 })).wallMs);
  }
  figures.push(figure(`start, first run: spawn -> first live row (${lab.hosts.length} lab hosts over OpenSSH)`, 'info', 'ms', live, undefined, 'no fleet cache; the console at its default settings'));
  return figures;
}
