import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFleetStore } from '../../src/store/index.js';
import { DEFAULT_LOG_SCROLLBACK_BYTES } from '../../src/store/fleet-store.js';
import { LineSplitter, MAX_LINE_CHARS, lineCutMarker } from '../../src/ssh/line-splitter.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import type { ActionPlan, HostProbe, Machine } from '../../src/model/index.js';

const machine = (id: string): Machine => ({
  id, name: id, provider: 'datacenter', site: 's', pool: 'p', role: '', services: [], logs: [], origin: 'test',
});
const probe = (hostname: string): HostProbe => ({
  hostname, remoteTimeMs: 0, uptimeSec: 1, load1: 0.5, load5: 0, load15: 0, cpus: 2, memTotalBytes: 100,
  memAvailableBytes: 50, swapTotalBytes: 0, swapFreeBytes: 0, kernel: 'k', init: 'systemd', volumes: [], services: [], warnings: [],
});

test('a failed poll keeps the last good probe (shown as stale) and takes the worst finding severity', () => {
  const store = createFleetStore();
  store.getState().setMachines([machine('a'), machine('b')]);
  store.getState().applyPolls([{ result: { machineId: 'a', at: 1, reach: 'ok', probe: probe('a') }, findings: [] }]);
  store.getState().applyPolls([
    {
      result: { machineId: 'a', at: 2, reach: 'timeout', error: 'timed out' },
      findings: [
        { machineId: 'a', class: 'unreachable', severity: 'critical', summary: 'x', evidence: [], repairs: [] },
        { machineId: 'a', class: 'high-load', severity: 'warning', summary: 'y', evidence: [], repairs: [] },
      ],
    },
  ]);
  const a = store.getState().hosts['a']!;
  assert.equal(a.last?.reach, 'timeout');
  assert.equal(a.probe?.hostname, 'a');
  assert.equal(a.probeAt, 1);
  assert.equal(a.severity, 'critical');
  assert.equal(store.getState().hosts['b']!.last, undefined);
});

test('results for hosts no longer in the fleet are ignored; re-listing keeps known state', () => {
  const store = createFleetStore();
  store.getState().setMachines([machine('a')]);
  store.getState().applyPolls([{ result: { machineId: 'zz', at: 1, reach: 'ok' }, findings: [] }]);
  assert.equal(store.getState().hosts['zz'], undefined);
  store.getState().applyPolls([{ result: { machineId: 'a', at: 1, reach: 'ok', probe: probe('a') }, findings: [] }]);
  store.getState().setMachines([machine('a'), machine('c')]);
  assert.equal(store.getState().hosts['a']!.probe?.hostname, 'a');
  assert.deepEqual(store.getState().order, ['a', 'c']);
});

test('an action marks its host busy until it finishes', () => {
  const store = createFleetStore();
  store.getState().setMachines([machine('a')]);
  const plan: ActionPlan = {
    intent: { action: 'service.restart', machineId: 'a', params: { service: 's' } },
    title: 't', hostName: 'a', command: 'c', expected: 'e', transport: 'ssh',
  };
  store.getState().actionStarted({ id: 'x1', plan, state: 'running', startedAt: 0 });
  assert.equal(store.getState().hosts['a']!.busyAction, 'x1');
  store.getState().actionFinished('x1', { exitCode: 1, outputTail: 'boom', durationMs: 3 });
  assert.equal(store.getState().hosts['a']!.busyAction, undefined);
  assert.equal(store.getState().actions[0]!.state, 'failed');
});

test('log scrollback is bounded and counts what it dropped', () => {
  const store = createFleetStore({ logScrollback: 10 });
  store.getState().openLog('a', 'file:/x');
  store.getState().appendLog(Array.from({ length: 25 }, (_, i) => `l${i}`));
  const log = store.getState().log!;
  assert.equal(log.lines.length, 10);
  assert.equal(log.lines[0], 'l15');
  assert.equal(log.dropped, 15);
  assert.equal(log.status, 'streaming');
});

test('log scrollback is bounded in bytes too: the oldest lines go first, the newest line always stays', () => {
  const store = createFleetStore({ logScrollback: 1000, logScrollbackBytes: 100 });
  store.getState().openLog('a', 'file:/x');
  store.getState().appendLog(['a'.repeat(20), 'b'.repeat(20), 'c'.repeat(20)]); // 40 bytes each
  let log = store.getState().log!;
  assert.deepEqual(log.lines.map((l) => l[0]), ['b', 'c']);
  assert.equal(log.bytes, 80);
  assert.equal(log.dropped, 1);
  store.getState().appendLog(['d'.repeat(200)]);
  log = store.getState().log!;
  assert.deepEqual(log.lines.map((l) => l[0]), ['d'], 'a line over the cap on its own is still shown');
  assert.equal(log.dropped, 3);
});

test('a stream of many huge lines stays under the byte cap: lines cut with a marker, then the scrollback bounded', () => {
  const store = createFleetStore(); // the defaults: 5000 lines, DEFAULT_LOG_SCROLLBACK_BYTES
  store.getState().openLog('a', 'file:/x');
  const splitter = new LineSplitter();
  const line = Buffer.from('y'.repeat(64 * 1024) + '\n');
  const batch = Buffer.concat(Array.from({ length: 60 }, () => line));
  for (let i = 0; i < 20; i++) store.getState().appendLog(splitter.push(batch).map(sanitizeLine)); // 1200 lines, 75 MiB
  const log = store.getState().log!;
  const held = log.lines.reduce((n, l) => n + 2 * l.length, 0);
  assert.equal(log.bytes, held);
  assert.ok(held <= DEFAULT_LOG_SCROLLBACK_BYTES, `${held} bytes held`);
  assert.ok(log.dropped > 0, 'the byte cap, not the 5000-line cap, dropped lines');
  assert.equal(log.dropped + log.lines.length, 1200, 'every line counted, shown or dropped');
  assert.ok(log.lines.every((l) => l.endsWith(lineCutMarker(MAX_LINE_CHARS))), 'each line cut with the marker');
});

test('host ids named like Object properties: "__proto__" and "constructor" are hosts; a poll, a cached poll or a mark for a missing "toString" changes nothing', () => {
  const PROTO = '__proto__'; // a name, read through a variable: the linter flags the accessor's spelling
  const store = createFleetStore();
  store.getState().setMachines([machine(PROTO), machine('constructor')]);
  const { hosts } = store.getState();
  assert.deepEqual(Object.keys(hosts), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(hosts), Object.prototype, 'the id did not become the prototype');
  store.getState().applyPolls([
    { result: { machineId: '__proto__', at: 5, reach: 'ok', probe: probe('p') }, findings: [] },
    { result: { machineId: 'toString', at: 5, reach: 'ok', probe: probe('t') }, findings: [] },
  ]);
  store.getState().restoreCached([{ result: { machineId: 'valueOf', at: 4, reach: 'ok', probe: probe('v') }, findings: [] }]);
  store.getState().toggleMark('hasOwnProperty');
  const after = store.getState();
  assert.deepEqual(Object.keys(after.hosts), ['__proto__', 'constructor']);
  assert.equal(after.hosts[PROTO]?.last?.at, 5);
  assert.equal(after.hosts['constructor']?.last, undefined);
  assert.equal(after.marked.size, 0);
  store.getState().setMachines([machine('constructor'), machine('__proto__')]);
  assert.equal(store.getState().hosts[PROTO]?.last?.at, 5, 'kept across a new machine list');
});
