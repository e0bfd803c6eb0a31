// PollHistory keeps each host's last polls in columns and gives them back as historyEntry made them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostAlert, PollResult } from '../../src/model/index.js';
import { historyEntry } from '../../src/poller/history-entry.js';
import { PollHistory } from '../../src/poller/poll-history.js';
import { probe, volume } from './views-fixtures.js';

const T = 1_700_000_000_000;
const alert: HostAlert = { name: 'NodeDown', severity: 'critical', summary: 's', description: 'd', startsAt: '2026-01-01T00:00:00Z', fingerprint: 'f1', hostLabel: 'instance', source: 'http://127.0.0.1:9093' };

/** A mixed run of polls: probed, probed without a latency, with alerts, failed, with an error beside a probe. */
function polls(id: string): PollResult[] {
  return [
    { machineId: id, at: T, reach: 'ok', latencyMs: 31, probe: probe(id, { load5: 3.5, volumes: [volume('/', 50)] }) },
    { machineId: id, at: T + 1000, reach: 'ok', probe: probe(id, { load1: 0.1, memAvailableBytes: 123, alerts: [alert] }) },
    { machineId: id, at: T + 2000, reach: 'timeout', latencyMs: 9000, error: 'no answer' },
    { machineId: id, at: T + 3000, reach: 'ok', latencyMs: 12, probe: probe(id, { cpus: 64, alerts: [] }) },
    { machineId: id, at: T + 4000, reach: 'ok', latencyMs: 15, probe: probe(id), error: 'partial answer' },
    { machineId: id, at: T + 5000, reach: 'ok', latencyMs: 0, probe: probe(id, { swapTotalBytes: 2 ** 40, swapFreeBytes: 2 ** 39 }) },
  ];
}

test('each host keeps its last `length` polls, oldest first, equal to what historyEntry keeps of them', () => {
  const h = new PollHistory(3);
  const a = polls('a');
  const b = polls('b');
  for (let i = 0; i < a.length; i++) {
    h.push(a[i]!);
    if (i % 2 === 0) h.push(b[i]!);
    assert.deepEqual(h.list('a'), a.slice(Math.max(0, i - 2), i + 1).map(historyEntry), `after poll ${i}`);
  }
  assert.deepEqual(h.list('b'), [b[0]!, b[2]!, b[4]!].map(historyEntry));
  assert.deepEqual(h.list('nobody'), []);
  const kept = h.list('a')[2]!;
  assert.deepEqual([kept.probe?.volumes, kept.probe?.services, kept.probe?.warnings], [[], [], []], 'the lists are not kept');
});

test('isRepeat: the same scrape (not newer, same reachability and alerts) again, and nothing else', () => {
  const h = new PollHistory(2);
  const [first, withAlerts, failed] = polls('a');
  assert.equal(h.isRepeat(first!), false, 'no history yet');
  h.push(withAlerts!);
  assert.equal(h.isRepeat({ ...withAlerts!, probe: probe('a', { alerts: [alert] }) }), true);
  assert.equal(h.isRepeat({ ...withAlerts!, at: withAlerts!.at + 1 }), false, 'a newer scrape');
  assert.equal(h.isRepeat({ ...withAlerts!, probe: probe('a', { alerts: [] }) }), false, 'the alerts changed');
  assert.equal(h.isRepeat({ ...withAlerts!, reach: 'unreachable' }), false, 'the reachability changed');
  h.push(failed!);
  assert.equal(h.isRepeat({ ...failed! }), true, 'a poll kept whole is compared the same way');
  assert.equal(h.isRepeat({ ...failed!, reach: 'ok' }), false);
});

test('keepOnly drops the hosts no longer in the fleet, and a host that comes back starts afresh', () => {
  const h = new PollHistory(2);
  for (const p of polls('a')) h.push(p);
  for (const p of polls('b')) h.push(p);
  h.keepOnly(new Set(['b']));
  assert.deepEqual(h.list('a'), []);
  assert.equal(h.list('b').length, 2);
  const back = polls('a')[0]!;
  h.push(back);
  assert.deepEqual(h.list('a'), [historyEntry(back)], 'its reused columns hold nothing of before');
});

test('a history length below 1 is refused', () => {
  assert.throws(() => new PollHistory(0), /at least 1/);
});
