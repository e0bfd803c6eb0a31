// Metric 1: process start to the first grid frame drawn from the cached last-known fleet.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildFleetCache, fleetCachePath, fleetCacheText, type FleetCache } from '../src/persist/fleet-cache.js';
import { detectAll, DEFAULT_THRESHOLDS } from '../src/matrix/index.js';
import { redetectWith, restoredRows } from '../src/app/cache-restore.js';
import { firstFrameRows, screenKeep } from '../src/store/screen-rows.js';
import type { Machine, PollResult } from '../src/model/index.js';
import { figure, type Figure } from './stats.js';
import { cannedProbe } from './canned-probe.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);
// What `npm start` and the installed `remlite` run: the bundle (scripts/bundle.mjs).
const BUNDLE = path.resolve(HERE, '../bundle/remlite.cjs');
// tsc's output, module by module: the same code without the bundle, for comparison.
const UNBUNDLED = path.resolve(HERE, '../src/cli/main.js');
// The pseudo-terminal every start runs in.
const PTY_ROWS = 40;
// A load figure drawn as stale (~) can only come from the cache: these hosts never answer.
const FRAME_MARK = /~\d\.\d\d/;
// What the start prints when the bench hook saw its frame (then it exits).
const FRAME_REPORT = /remlite-first-frame-ms ([\d.]+)/;
// The floor's one line.
const FLOOR_LINE = /x-ms ([\d.]+)/;

export function inventory(n: number): { yaml: string; machines: Machine[] } {
  const lines = ['defaults:', '  user: root', '  site: dc1', 'hosts:'];
  const machines: Machine[] = [];
  for (let i = 0; i < n; i++) {
    const name = `web${String(i).padStart(4, '0')}`;
    // 127.0.0.0/8 addresses where nothing listens: the bench ends before any probe could matter.
    const address = `127.79.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    lines.push(`  - name: ${name}`, `    address: ${address}`, '    pool: web', '    services: [nginx, rsyslog]');
    machines.push({ id: name, name, provider: 'datacenter', site: 'dc1', pool: 'web', role: '', services: ['nginx', 'rsyslog'], logs: [], origin: 'bench' });
  }
  return { yaml: lines.join('\n') + '\n', machines };
}

/** The cache a console leaves after polling these hosts: their polls and the findings it showed for them. */
export function cachedFleet(machines: Machine[], polls: PollResult[]): FleetCache {
  const byId = new Map(machines.map((m) => [m.id, m]));
  const findings = Object.fromEntries(polls.map((poll) => [poll.machineId, { own: redetectWith({ detectAll, DEFAULT_THRESHOLDS }, poll.at)(byId.get(poll.machineId)!, poll) }]));
  return buildFleetCache(machines, polls, { findings });
}

interface PtyStart {
  /** Spawn to the moment the terminal's output first held `shown` (read from `script`, as a terminal reads it). */
  shownMs: number;
  /** Spawn to the exit of `script`, after the program's own exit. */
  exitMs: number;
  /** What the program said of its own time (`reported`'s number). */
  reported: number;
  phases: Map<string, number>;
  codeCache?: string;
}

/**
 * Runs a command under `script` (a real pseudo-terminal, 120x40). `shown`: what on the terminal says
 * the frame (or the floor's line) arrived; `reported`: the line the program prints before it exits.
 */
function timeUnderPty(cmd: string, env: NodeJS.ProcessEnv, shown: RegExp, reported: RegExp, timeoutMs = 20_000): Promise<PtyStart> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('script', ['-qec', `stty cols 120 rows ${PTY_ROWS}; exec ${cmd}`, '/dev/null'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let shownMs: number | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no first frame within ${timeoutMs} ms: ${out.slice(-500)}`));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out = (out + d.toString()).slice(-64 * 1024);
      if (shownMs === undefined && shown.test(out)) shownMs = performance.now() - started;
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => {
      clearTimeout(timer);
      const exitMs = performance.now() - started;
      const m = reported.exec(out);
      if (!m || shownMs === undefined) return reject(new Error(`first frame not ${m ? 'seen' : 'reported'}: ${out.slice(-500)}`));
      const phases = new Map([...out.matchAll(/remlite-startup (\S+) ([\d.]+)/g)].map((p) => [p[1]!, Number(p[2])]));
      const codeCache = /remlite-startup code-cache (\w+)/.exec(out)?.[1];
      resolve({ shownMs, exitMs, reported: Number(m[1]), phases, ...(codeCache ? { codeCache } : {}) });
    });
  });
}

export async function benchStartup(tmp: string, runs: number, hosts = 200): Promise<Figure[]> {
  const home = path.join(tmp, 'startup-home');
  const stateDir = path.join(home, 'state');
  mkdirSync(stateDir, { recursive: true });
  const { yaml, machines } = inventory(hosts);
  const inv = path.join(home, 'inventory.yaml');
  writeFileSync(inv, yaml);
  const now = Date.now();
  const polls: PollResult[] = machines.map((m, i) => ({ machineId: m.id, at: now - 20_000, reach: 'ok', latencyMs: 20 + (i % 30), probe: cannedProbe(m.name, i) }));
  const cache = cachedFleet(machines, polls);
  // As a console leaves it on close in this terminal (40 rows): the grid's first rows and the counts
  // on the first line, then the cache.
  const text = fleetCacheText(cache, firstFrameRows(restoredRows(cache)!, screenKeep(PTY_ROWS)));
  const write = () => writeFileSync(fleetCachePath(stateDir), text);
  // As a console killed before it closed leaves it (or an earlier version): the cache alone.
  const writeWithoutScreen = () => writeFileSync(fleetCachePath(stateDir), JSON.stringify(cache));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    REMLITE_CONFIG_DIR: path.join(home, 'config'),
    REMLITE_STATE_DIR: stateDir,
    REMLITE_BENCH_FIRST_FRAME: FRAME_MARK.source,
    REMLITE_STARTUP_TRACE: '1',
    TERM: 'xterm-256color',
  };
  delete env['CI'];
  // Node 20 with OpenSSL 3 reads every root certificate at start when NODE_EXTRA_CA_CERTS is set,
  // before any JavaScript runs (nodejs/node#40524): tens of ms in the floor and in remlite alike,
  // which would hide remlite's own cost in the ratio. Both run without it; its cost is shown apart.
  const extraCa = env['NODE_EXTRA_CA_CERTS'];
  delete env['NODE_EXTRA_CA_CERTS'];
  const cmd = (main: string) => `${process.execPath} ${process.env['BENCH_NODE_ARGS'] ?? ''} ${main} --no-ssh-config --no-local --inventory ${inv}`;
  const wall: number[] = [];
  const wallToExit: number[] = [];
  const inProcess: number[] = [];
  const unbundled: number[] = [];
  const withoutScreen: number[] = [];
  // What the loader said of the start's V8 code cache, per start (scripts/start-loader.cjs).
  const codeCache = new Map<string, number>();
  const floor: number[] = [];
  const floorToExit: number[] = [];
  const floorWithCa: number[] = [];
  const phases = new Map<string, number[]>();
  for (let i = 0; i < runs + 1; i++) {
    write();
    const r = await timeUnderPty(cmd(BUNDLE), env, FRAME_MARK, FRAME_REPORT);
    if (i === 0) continue; // warm the page cache
    wall.push(r.shownMs);
    wallToExit.push(r.exitMs);
    codeCache.set(r.codeCache ?? 'not said', (codeCache.get(r.codeCache ?? 'not said') ?? 0) + 1);
    inProcess.push(r.reported);
    for (const [name, at] of r.phases) phases.set(name, [...(phases.get(name) ?? []), at]);
    writeWithoutScreen();
    withoutScreen.push((await timeUnderPty(cmd(BUNDLE), env, FRAME_MARK, FRAME_REPORT)).shownMs);
    write();
    unbundled.push((await timeUnderPty(cmd(UNBUNDLED), env, FRAME_MARK, FRAME_REPORT)).shownMs);
    const nodeE = `${process.execPath} -e "process.stderr.write('x-ms '+performance.now().toFixed(1)+'\\\\n')"`;
    const f = await timeUnderPty(nodeE, env, FLOOR_LINE, FLOOR_LINE);
    floor.push(f.shownMs);
    floorToExit.push(f.exitMs);
    if (extraCa) floorWithCa.push((await timeUnderPty(nodeE, { ...env, NODE_EXTRA_CA_CERTS: extraCa }, FLOOR_LINE, FLOOR_LINE)).shownMs);
  }
  return [
    figure(`startup: spawn -> first grid frame on the terminal (${hosts} cached hosts)`, '<= 300 ms', 'ms', wall, (m) => m <= 300, `wall clock from spawn of \`script\` (pty) to the moment its output holds the frame with the cached rows; includes node boot; the start's code cache: ${[...codeCache].map(([k, n]) => `${k} ${n}x`).join(', ')}`),
    figure('startup: same, to the exit of `script` after the frame (how it was measured before 2026-12-05)', 'info', 'ms', wallToExit, undefined, 'the bench hook exits right after the frame; the teardown of node and `script` (about 13 ms here) is in both this and the floor\'s figure to exit'),
    figure('startup: same, measured inside node (performance.now)', 'info', 'ms', inProcess),
    ...[...phases].map(([name, at]) => figure(`startup: phase "${name}" reached (in node)`, 'info', 'ms', at)),
    figure('startup: same, from a cache without the screen line (a console killed before it closed)', 'info', 'ms', withoutScreen, undefined, 'the whole cache parsed and restored into a store before the frame'),
    figure('startup: same, tsc output without the bundle', 'info', 'ms', unbundled),
    figure('startup floor: `node -e` under the same pty, to its line on the terminal', 'baseline', 'ms', floor, undefined, 'NODE_EXTRA_CA_CERTS unset here and in every start above'),
    figure('startup floor: same, to the exit of `script`', 'info', 'ms', floorToExit),
    ...(extraCa
      ? [figure('startup floor with this environment\'s NODE_EXTRA_CA_CERTS (not used above)', 'info', 'ms', floorWithCa, undefined, `NODE_EXTRA_CA_CERTS=${extraCa}: node reads every root certificate before any JavaScript (nodejs/node#40524); every node start here pays it, remlite's too`)]
      : []),
    figure('startup: first grid frame / `node -e` under the same pty (round by round)', '<= 1.2x', 'x', wall.map((w, i) => w / floor[i]!), (m) => m <= 1.2, 'median of the per-round ratios: the bundle\'s cached first frame on the terminal against node starting and its one line on the terminal'),
    figure('startup: same ratio, both to the exit of `script` (how it was measured before 2026-12-05)', 'info', 'x', wallToExit.map((w, i) => w / floorToExit[i]!), undefined, 'the common teardown makes this ratio smaller than the one above'),
  ];
}
