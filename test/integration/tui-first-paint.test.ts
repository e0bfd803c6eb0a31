// The console's first frame comes from the fleet cache, before anything else is loaded (see
// src/cli/early-paint.ts). In a real terminal: the cached hosts show at once (stale), the console then
// takes over the same screen; and a start that fails after that first frame still hands the terminal
// back (main screen, cooked mode) with the error.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildFleetCache, fleetCachePath, saveFleetCacheSync } from '../../src/persist/fleet-cache.js';
import { restoredRows } from '../../src/app/cache-restore.js';
import { checkFirstFrameRows, firstFrameRows } from '../../src/store/screen-rows.js';
import type { Machine, PollResult } from '../../src/model/index.js';
import { TmuxSession } from '../support/tmux.js';
import { waitFor } from '../support/wait-for.js';
import { probe, service } from '../unit/views-fixtures.js';

const BUNDLE = join(process.cwd(), 'dist/bundle/remlite.cjs');
const sessions: TmuxSession[] = [];
after(() => sessions.forEach((s) => s.kill()));

/**
 * A state dir with a cached fleet of three hosts, and the inventory naming them (nothing listens there).
 * `keep`: with the grid's first `keep` rows and the counts on the first line, as a console leaves it on close.
 */
function cachedFleet(dir: string, withFindings = false, keep?: number): { inventory: string; state: string } {
  const state = join(dir, 'state');
  mkdirSync(state, { recursive: true });
  const names = ['alpha1', 'bravo2', 'charlie3'];
  const machines: Machine[] = names.map((name, i) => ({
    id: name,
    name,
    provider: 'datacenter',
    site: 'dc1',
    pool: 'web',
    role: '',
    ssh: { host: `127.79.9.${i + 1}`, port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] },
    services: ['nginx'],
    logs: [],
    origin: 'test',
  }));
  const polls: PollResult[] = names.map((name, i) => ({
    machineId: name,
    at: Date.now() - 60_000,
    reach: 'ok',
    latencyMs: 30,
    probe: probe(name, { load1: 1 + i / 10, load5: 1.23, services: [service('nginx')] }),
  }));
  const findings = withFindings ? { findings: Object.fromEntries(names.map((n) => [n, { own: [] }])) } : {};
  const cache = buildFleetCache(machines, polls, findings);
  saveFleetCacheSync(fleetCachePath(state), cache, keep === undefined ? undefined : firstFrameRows(restoredRows(cache)!, keep));
  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(inventory, ['hosts:', ...names.flatMap((n, i) => [`  - name: ${n}`, `    address: 127.79.9.${i + 1}`, '    pool: web', '    site: dc1', '    services: [nginx]'])].join('\n') + '\n');
  return { inventory, state };
}

function start(dir: string, state: string, args: string, sttyFile: string): TmuxSession {
  const t = TmuxSession.start(
    `remlite-first-paint-${process.pid}-${sessions.length}`,
    `clear; echo SHELL-BEFORE; ${process.execPath} ${BUNDLE} ${args} --no-ssh-config --no-local; echo REMLITE-EXIT=$?; stty -a > ${sttyFile}; sleep 120`,
    { REMLITE_STATE_DIR: state, REMLITE_CONFIG_DIR: join(dir, 'config'), HOME: dir, TERM: 'xterm-256color' },
  );
  sessions.push(t);
  return t;
}

async function exited(t: TmuxSession, sttyFile: string): Promise<{ screen: string; stty: string }> {
  await waitFor('remlite to exit', () => existsSync(sttyFile) && readFileSync(sttyFile, 'utf8').length > 0, 30_000);
  return { screen: t.screen(), stty: readFileSync(sttyFile, 'utf8') };
}

test('the cached fleet is on screen at start, stale-marked, and the console takes over that screen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-first-paint-'));
  const { inventory, state } = cachedFleet(dir);
  const sttyFile = join(dir, 'stty.txt');
  const t = start(dir, state, `--inventory ${inventory}`, sttyFile);
  const first = await t.waitScreen('the cached hosts', (s) => ['alpha1', 'bravo2', 'charlie3'].every((n) => s.includes(n)));
  assert.match(first, /~1\.10/, 'cached load figures drawn as stale');
  assert.ok(!first.includes('SHELL-BEFORE'), 'drawn on the alternate screen');
  // The live console answers keys on the same screen.
  t.keys('?');
  await t.waitScreen('the help overlay', (s) => /^fleet › help$/m.test(s) && s.includes('quit'));
  t.keys('Escape');
  t.keys('q');
  const { screen, stty } = await exited(t, sttyFile);
  assert.match(screen, /REMLITE-EXIT=0/);
  assert.ok(screen.includes('SHELL-BEFORE') && !screen.includes('alpha1'), `the shell's screen is back:\n${screen}`);
  assert.match(stty, /(^|\s)icanon(\s|$)/);
  assert.match(stty, /(^|\s)echo(\s|$)/);
  // It closed: the cache now starts with the grid's rows and counts, which the next start's first frame draws.
  const [line] = readFileSync(fleetCachePath(state), 'utf8').split('\n');
  assert.ok(line?.startsWith('{"screen":2,"rows":[{"kind":"host"'), line?.slice(0, 80));
  assert.deepEqual(checkFirstFrameRows(JSON.parse(line ?? 'null'))?.rows.map((r) => r.id), ['alpha1', 'bravo2', 'charlie3']);
});

test('a start that fails after the first frame gives the terminal back and prints why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-first-paint-'));
  const { inventory, state } = cachedFleet(dir);
  writeFileSync(inventory, readFileSync(inventory, 'utf8') + '    prot: 22\n');
  const sttyFile = join(dir, 'stty.txt');
  const t = start(dir, state, `--inventory ${inventory}`, sttyFile);
  const { screen, stty } = await exited(t, sttyFile);
  assert.match(screen, /REMLITE-EXIT=2/);
  assert.ok(screen.includes('SHELL-BEFORE'), `main screen back:\n${screen}`);
  // One line of the message, soft-wrapped by the terminal where the temporary path makes it long.
  assert.match(screen.replace(/\n/g, ''), /inventory\.yaml:\d+:\d+: .*prot/);
  assert.match(stty, /(^|\s)icanon(\s|$)/, 'cooked mode restored');
  assert.match(stty, /(^|\s)echo(\s|$)/, 'echo restored');
});

const FROM: [string, number | undefined][] = [
  ['from the rows line', Number.POSITIVE_INFINITY],
  ['from the cache itself', undefined],
  // One row kept of three, for a terminal shorter than tmux's: drawn from it, charlie3 would be missing.
  ['from the cache itself, its rows line kept for a shorter terminal', 1],
];
for (const [from, keep] of FROM) {
    test(`the first frame needs nothing but the start: remlite.cjs and start.cjs alone, without the ESM part beside them, draw it (${from})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'remlite-first-paint-'));
    const { inventory, state } = cachedFleet(dir, true, keep);
    const lone = join(dir, 'lone');
    mkdirSync(lone);
    for (const part of ['remlite.cjs', 'start.cjs', 'start.cjs.v8cache']) copyFileSync(join(dirname(BUNDLE), part), join(lone, part));
    const sttyFile = join(dir, 'stty.txt');
    // The bench's hook: exits 0 as soon as the terminal got a frame holding the cached hosts.
    const t = TmuxSession.start(
      `remlite-first-paint-${process.pid}-${sessions.length}`,
      `clear; REMLITE_BENCH_FIRST_FRAME=charlie3 ${process.execPath} ${join(lone, 'remlite.cjs')} --inventory ${inventory} --no-ssh-config --no-local 2>${join(dir, 'err.txt')}; echo REMLITE-EXIT=$?; stty -a > ${sttyFile}; sleep 120`,
      { REMLITE_STATE_DIR: state, REMLITE_CONFIG_DIR: join(dir, 'config'), HOME: dir, TERM: 'xterm-256color' },
    );
    sessions.push(t);
    const { screen } = await exited(t, sttyFile);
    const err = readFileSync(join(dir, 'err.txt'), 'utf8');
    assert.match(screen, /REMLITE-EXIT=0/, `${screen}\n${err}`);
    assert.match(err, /^remlite-first-frame-ms \d/m);
    // The same file with its ESM part missing fails right after the frame, when the console is loaded: the copy was alone.
    assert.ok(!existsSync(join(lone, 'src-cli-run-command.mjs')));
  });
}
