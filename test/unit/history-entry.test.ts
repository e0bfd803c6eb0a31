import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THRESHOLDS, detectAll } from '../../src/matrix/index.js';
import type { PollResult } from '../../src/model/index.js';
import { historyEntry } from '../../src/poller/history-entry.js';
import { PollHistory } from '../../src/poller/poll-history.js';
import { machine, probe, service, volume } from './views-fixtures.js';

const T = 1_700_000_000_000;
const busy = (at: number): PollResult => ({
  machineId: 'web1',
  at,
  reach: 'ok',
  latencyMs: 30,
  probe: probe('web1', { load5: 20, cpus: 2, memTotalBytes: 1000, memAvailableBytes: 20, volumes: [volume('/', 50)], services: [service('apache2')], alerts: [] }),
});

test('historyEntry keeps what the sustained detectors and the same-scrape check read, and drops the rest', () => {
  const full = busy(T);
  const kept = historyEntry(full);
  assert.deepEqual([kept.at, kept.reach, kept.latencyMs, kept.probe!.load5, kept.probe!.cpus, kept.probe!.memAvailableBytes, kept.probe!.memTotalBytes], [T, 'ok', 30, 20, 2, 20, 1000]);
  assert.deepEqual(kept.probe!.alerts, []);
  assert.deepEqual([kept.probe!.volumes, kept.probe!.services], [[], []]);
  const failed: PollResult = { machineId: 'web1', at: T, reach: 'unreachable', error: 'no route' };
  assert.equal(historyEntry(failed), failed, 'a poll without a probe is kept as it is');
});

test('sustained load and memory findings come out the same from kept history as from full polls', () => {
  const m = machine('web1', 'web');
  const polls = [busy(T), busy(T + 5000), busy(T + 10_000)];
  const findings = (history: PollResult[]) =>
    detectAll({ machine: m, poll: polls[2]!, now: T + 10_000, thresholds: DEFAULT_THRESHOLDS, history })
      .map((f) => [f.class, f.severity, f.evidence.join('|')])
      .sort();
  const full = findings(polls.slice(0, 2));
  assert.ok(full.some(([c]) => c === 'high-load') && full.some(([c]) => c === 'memory-pressure'), JSON.stringify(full));
  assert.deepEqual(findings(polls.slice(0, 2).map(historyEntry)), full);
  const kept = new PollHistory(2);
  for (const p of polls.slice(0, 2)) kept.push(p);
  assert.deepEqual(findings(kept.list('web1')), full, 'the same from the columns PollHistory keeps');
});
