import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/persist/audit-log.js';
import type { AuditEntry } from '../../src/model/index.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-audit-'));

function entry(id: string, phase: AuditEntry['phase'] = 'started'): AuditEntry {
  return {
    id, phase, at: '2024-05-01T10:00:00.000Z', who: 'ops@console', machineId: 'web1', host: 'web1',
    action: 'service.restart', command: "systemctl restart 'apache2'",
  };
}

test('append writes one JSON line per entry, mode 0600, in order even when fired together', async () => {
  const file = path.join(tmp(), 'state', 'audit.log');
  const log = new AuditLog(file);
  await Promise.all(Array.from({ length: 50 }, (_, i) => log.append({ ...entry(`a${i}`), outputTail: 'x\n'.repeat(i * 100) })));
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 50);
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as AuditEntry).id), Array.from({ length: 50 }, (_, i) => `a${i}`));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const { entries, badLines } = log.readAll();
  assert.equal(entries.length, 50);
  assert.deepEqual(badLines, []);
});

test('a truncated last line is reported, and the next append still lands on its own line', async () => {
  const file = path.join(tmp(), 'audit.log');
  const log = new AuditLog(file);
  await log.append(entry('one'));
  await log.append(entry('one', 'finished'));
  const whole = JSON.stringify(entry('two'));
  appendFileSync(file, whole.slice(0, 40)); // a crash in the middle of a write
  let read = log.readAll();
  assert.deepEqual(read.entries.map((e) => `${e.id}/${e.phase}`), ['one/started', 'one/finished']);
  assert.deepEqual(read.badLines, [3]);
  await log.append(entry('three'));
  read = log.readAll();
  assert.deepEqual(read.entries.map((e) => e.id), ['one', 'one', 'three']);
  assert.deepEqual(read.badLines, [3]);
});

test('lines that are JSON but not entries are bad lines; a missing log is empty', () => {
  const dir = tmp();
  const file = path.join(dir, 'audit.log');
  assert.deepEqual(new AuditLog(file).readAll(), { entries: [], badLines: [] });
  appendFileSync(file, `${JSON.stringify(entry('ok'))}\n{"id":"x"}\n[1]\n\n${JSON.stringify({ ...entry('p'), phase: 'exploded' })}\n`);
  const { entries, badLines } = new AuditLog(file).readAll();
  assert.deepEqual(entries.map((e) => e.id), ['ok']);
  assert.deepEqual(badLines, [2, 3, 5]);
});
