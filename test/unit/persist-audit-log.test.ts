import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/persist/audit-log.js';
import { StatePathRefused } from '../../src/persist/no-follow.js';
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

test('rotation: over maxBytes the log is renamed .1 (older shift up), keep files are kept, and the new log begins with the rotation', async () => {
  const dir = tmp();
  const file = path.join(dir, 'audit.log');
  const log = new AuditLog(file, { maxBytes: 2048, keep: 2 });
  for (let i = 0; i < 40; i++) await log.append({ ...entry(`e${i}`), outputTail: 'o'.repeat(200) });
  assert.deepEqual(readdirSync(dir).sort(), ['audit.log', 'audit.log.1', 'audit.log.2']);
  for (const f of ['audit.log', 'audit.log.1', 'audit.log.2']) {
    const p = path.join(dir, f);
    assert.ok(statSync(p).size <= 2048, `${f} is ${statSync(p).size} bytes`);
    const { entries, badLines } = new AuditLog(p).readAll();
    assert.deepEqual(badLines, []);
    assert.equal(entries[0]!.action, 'audit.rotated', `${f} begins with the rotation`);
    assert.equal(entries[0]!.who, 'ops@console', 'by whoever appended the entry that rotated it');
  }
  const newest = new AuditLog(file).readAll().entries;
  assert.equal(newest.at(-1)!.id, 'e39', 'nothing lost at the end');
  assert.match(newest[0]!.note ?? '', /moved to .*audit\.log\.1; 2 rotated files are kept; deleted the oldest, .*audit\.log\.2$/);
  // The files hold consecutive entries, oldest in .2: nothing between them went missing.
  const ids = ['audit.log.2', 'audit.log.1', 'audit.log'].flatMap((f) => new AuditLog(path.join(dir, f)).readAll().entries.filter((e) => e.phase !== 'note').map((e) => Number(e.id.slice(1))));
  assert.deepEqual(ids, Array.from({ length: ids.length }, (_, i) => ids[0]! + i));
});

test('a symlinked audit log is refused, never appended through; its target is unchanged', async () => {
  const dir = tmp();
  const target = path.join(dir, 'target');
  writeFileSync(target, 'precious\n');
  const file = path.join(dir, 'state', 'audit.log');
  mkdirSync(path.dirname(file));
  symlinkSync(target, file);
  await assert.rejects(new AuditLog(file).append(entry('x')), (err: Error) => err instanceof StatePathRefused && err.message.startsWith(`${file} is a symbolic link`));
  assert.equal(readFileSync(target, 'utf8'), 'precious\n');
  assert.throws(() => new AuditLog(file).readAll(), StatePathRefused);
});
