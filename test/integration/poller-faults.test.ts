// Unreachable and hanging hosts are shown as such and never delay the healthy ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, type LabInfo } from '../support/lab.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import type { Machine, PollResult } from '../../src/model/index.js';
import { appliedPollAfter } from '../../src/store/index.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
let core: RemliteConsole;
let silent: net.Server;
const sockets = new Set<net.Socket>();
let closedPort = 0;

before(async () => {
  if (skip) return;
  const lab = info as LabInfo;
  // A server that accepts TCP and never says a word: what a frozen host looks like to ssh.
  silent = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));

  const fleet = await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false });
  const web = fleet.machines.find((m) => m.id === 'lab-web1')!;
  const fake = (id: string, port: number): Machine => ({ ...web, id, name: id, origin: 'test', ssh: { ...web.ssh!, host: '127.0.0.1', port } });
  core = createConsole({
    machines: [web, fake('frozen', (silent.address() as net.AddressInfo).port), fake('gone', closedPort)],
    auditPath: join(mkdtempSync(join(tmpdir(), 'remlite-faults-')), 'audit.log'),
    pollIntervalMs: 300,
    probeTimeoutMs: 8000,
    slowThresholdMs: 1,
    maxConcurrent: 8,
    logScrollback: 100,
  });
});

after(async () => {
  if (core) await core.close();
  for (const s of sockets) s.destroy();
  silent?.close();
});

test('a frozen host times out and a dead one is unreachable, while the healthy host keeps updating', { skip }, async () => {
  const frozenFirst = core.poller.nextPoll('frozen');
  const goneFirst = core.poller.nextPoll('gone');
  core.poller.start();

  const healthy: PollResult[] = [];
  let frozenDone: PollResult | undefined;
  void frozenFirst.then((r) => (frozenDone = r));
  while (healthy.length < 4) healthy.push(await core.poller.nextPoll('lab-web1'));
  assert.equal(frozenDone, undefined, 'the healthy host was polled four times while the frozen one had not answered once');
  assert.ok(healthy.every((r) => r.probe?.hostname === 'lab-web1'));
  assert.ok(healthy.every((r) => r.reach === 'slow' && (r.latencyMs ?? 0) > 1), 'over the (1 ms) slow threshold: shown as slow');

  const gone = await goneFirst;
  assert.equal(gone.reach, 'unreachable');
  assert.match(gone.error ?? '', /127\.0\.0\.1/);

  const frozen = await frozenFirst;
  assert.ok(frozen.reach === 'timeout' || frozen.reach === 'unreachable', frozen.reach);
  assert.match(frozen.error ?? '', /time|ready|handshake/i);
  await appliedPollAfter(core.store, 'frozen', frozen.at);
  await appliedPollAfter(core.store, 'gone', gone.at);
  const state = core.store.getState().hosts;
  assert.ok(state['frozen']!.findings.some((f) => f.class === 'unreachable' && f.severity === 'critical'));
  assert.ok(state['gone']!.findings.some((f) => f.class === 'unreachable'));
  assert.ok(core.pool.stats().connections <= 2, `no pile-up of connections: ${JSON.stringify(core.pool.stats())}`);
});
