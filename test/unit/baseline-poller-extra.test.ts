// The poller hands detectors the host's baseline and its previous polls (real local probes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFleetStore } from '../../src/store/index.js';
import { SshPool } from '../../src/ssh/pool.js';
import { HostExec } from '../../src/exec/host-exec.js';
import { Poller, type DetectExtra } from '../../src/poller/poller.js';
import type { HostBaseline, Machine } from '../../src/model/index.js';

test('detectors get the baseline and up to historyLength previous polls, oldest first, readable during the call only', async () => {
  const machine: Machine = { id: 'here', name: 'here', provider: 'local', site: 'local', pool: 'local', role: '', services: [], logs: [], origin: 't' };
  const store = createFleetStore();
  store.getState().setMachines([machine]);
  const baseline: HostBaseline = { machineId: 'here', acceptedAt: 'x', acceptedBy: 'y', files: {}, modules: [], databases: {} };
  const seen: { at: number; historyAts: number[]; extra: DetectExtra }[] = [];
  const pool = new SshPool({ maxConcurrent: 1 });
  const poller = new Poller(
    store,
    new HostExec(pool),
    (_m, poll, _now, extra) => {
      seen.push({ at: poll.at, historyAts: extra.history.map((p) => p.at), extra });
      return [];
    },
    { intervalMs: 60_000, timeoutMs: 10_000, slowThresholdMs: 5000, batchMs: 10, historyLength: 2, baselineOf: (id) => (id === 'here' ? baseline : undefined) },
  );
  try {
    for (let i = 0; i < 4; i++) {
      const next = poller.nextPoll('here');
      poller.refresh('here');
      await next;
    }
  } finally {
    poller.stop();
    await pool.close();
  }
  assert.equal(seen.length, 4);
  assert.deepEqual(seen.map((s) => s.historyAts.length), [0, 1, 2, 2]);
  assert.deepEqual(seen[3]?.historyAts, [seen[1]?.at, seen[2]?.at]);
  assert.ok(seen.every((s) => s.extra.baseline === baseline));
  // Kept past the call, the history would be a stale copy: reading it then is a bug, said at once.
  assert.throws(() => seen[3]?.extra.history, /only readable during the detection call/);
});
