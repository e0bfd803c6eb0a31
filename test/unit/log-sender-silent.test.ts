import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLearned } from '../../src/baseline/learn-parse.js';
import { detectLogSenderSilent, silentSenderFindings } from '../../src/matrix/log-sender-silent.js';
import { DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import type { HostBaseline, HostProbe, Machine, PollResult } from '../../src/model/index.js';

const NOW = 1_700_000_000_000;
const machine = (name: string) => ({ id: name, name, pool: 'x', services: [] }) as unknown as Machine;
const baseline = (senders: string[]) => ({ machineId: 'log1', acceptedAt: '', acceptedBy: '', files: {}, modules: [], databases: {}, learned: { units: [], sockets: [], logSenders: senders } }) as HostBaseline;
const poll = (seen: Record<string, number>): PollResult =>
  ({ machineId: 'log1', at: NOW, reach: 'ok', probe: { remoteTimeMs: NOW, logSenders: Object.entries(seen).map(([sender, ageSec]) => ({ sender, lastSeenMs: NOW - ageSec * 1000 })) } as unknown as HostProbe }) as PollResult;
const detect = (senders: string[], seen: Record<string, number>, logSilentAfterSec = 600) =>
  detectLogSenderSilent({ machine: machine('log1'), poll: poll(seen), now: NOW, thresholds: { ...DEFAULT_THRESHOLDS, logSilentAfterSec }, baseline: baseline(senders) });

test('accept learns the senders written in the hour before it, by the log host clock; a lying name is dropped', () => {
  const l = parseLearned(['N 10000', 'R 9990 /var/log/remote/web1.log', 'R 5000 /var/log/remote/old.log', 'R 9999 /var/log/remote/a;b.log']);
  assert.deepEqual(l.logSenders, ['web1']);
});

test('one learned sender silent past logSilentAfterSec is a warning naming it; a missing file too; senders within it are quiet', () => {
  assert.deepEqual(detect(['web1', 'web2'], { web1: 10, web2: 300 }), []);
  const [f] = detect(['web1', 'web2'], { web1: 10, web2: 700 });
  assert.equal(f!.subject, 'sender web2');
  assert.equal(f!.severity, 'warning');
  assert.equal(f!.summary, 'no logs from web2 for over 10m (last message 12m ago)');
  assert.match(detect(['web1', 'web2'], { web1: 10 })[0]!.summary, /its file is gone/);
  assert.deepEqual(detect([], { web1: 9999 }), [], 'nothing learned, nothing to flag');
});

test('every learned sender silent: one critical likely cause on the log host, not one per sender', () => {
  const fs = detect(['web1', 'web2'], { web1: 700, web2: 800 });
  assert.equal(fs.length, 1);
  assert.equal(fs[0]!.severity, 'critical');
  assert.equal(fs[0]!.subject, 'log receiver');
});

test("the sender's row gets the log host's finding as the likely cause, with the rsyslog restart", () => {
  const own = detect(['web1', 'web2'], { web1: 10, web2: 700 });
  const derived = silentSenderFindings([{ machine: machine('log1'), findings: own }, { machine: machine('web2'), findings: [] }]);
  const [f] = derived.get('web2')!;
  assert.equal(f!.subject, 'silent at log1');
  assert.match(f!.summary, /^likely cause: log1 gets no logs from this host/);
  assert.deepEqual(f!.repairs.map((r) => [r.action, r.params['service']]), [['service.restart', 'rsyslog']]);
  assert.equal(derived.has('log1'), false);
});
