import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../src/persist/audit-log.js';
import { AUDIT_TAIL_BYTES, checkAuditLog, isTornEntry, prepareAuditLog } from '../../src/persist/audit-check.js';
import { StatePathRefused } from '../../src/persist/no-follow.js';
import type { AuditEntry } from '../../src/model/index.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-auditcheck-'));
const NOW = new Date('2024-06-01T12:34:56.789Z');

function entry(id: string, phase: AuditEntry['phase'] = 'started'): AuditEntry {
  return { id, phase, at: '2024-05-01T10:00:00.000Z', who: 'ops@console', machineId: 'web1', host: 'web1', action: 'service.restart', command: "systemctl restart 'apache2'" };
}

async function logWith(...ids: string[]): Promise<string> {
  const file = path.join(tmp(), 'audit.log');
  for (const id of ids) await new AuditLog(file).append(entry(id));
  return file;
}

test('a missing log and a log whose every line parses are kept as they are', async () => {
  const dir = tmp();
  assert.deepEqual(checkAuditLog(path.join(dir, 'audit.log'), NOW), { ok: true, missing: true, entries: 0, tornLines: [] });
  assert.deepEqual(readdirSync(dir), [], 'checking creates nothing');
  const file = await logWith('a', 'b');
  const before = readFileSync(file, 'utf8');
  assert.equal(await prepareAuditLog(file, 'ops@console', NOW), undefined);
  assert.equal(readFileSync(file, 'utf8'), before);
  assert.deepEqual(readdirSync(path.dirname(file)), ['audit.log']);
});

test('lines cut short by a crash (last line, or one the next append ended) are tolerated, not moved', async () => {
  const file = await logWith('a');
  appendFileSync(file, JSON.stringify(entry('cut')).slice(0, 50)); // died in the middle of a write
  assert.deepEqual(checkAuditLog(file, NOW), { ok: true, missing: false, entries: 1, tornLines: [2] });
  await new AuditLog(file).append(entry('after'));
  const check = checkAuditLog(file, NOW);
  assert.deepEqual(check, { ok: true, missing: false, entries: 2, tornLines: [2] });
  assert.equal(await prepareAuditLog(file, 'ops@console', NOW), undefined);
  assert.deepEqual(readdirSync(path.dirname(file)), ['audit.log']);
});

test('isTornEntry: only a cut-short entry of ours, not garbage nor whole JSON', () => {
  const whole = JSON.stringify(entry('x'));
  for (let cut = 8; cut < whole.length; cut += 7) assert.ok(isTornEntry(whole.slice(0, cut)), whole.slice(0, cut));
  assert.equal(isTornEntry(whole), false);
  assert.equal(isTornEntry('{"id":"x"}'), false, 'parses: not torn (and not an entry either)');
  assert.equal(isTornEntry('garbage'), false);
  assert.equal(isTornEntry('\u0000\u0000\u0000'), false);
  assert.equal(isTornEntry('{"phase":"started"'), false);
});

for (const [what, bad] of [
  ['garbage', 'this is not json at all'],
  ['binary zeros (a crashed filesystem)', '\u0000'.repeat(64)],
  ['JSON that is no entry', '[1,2,3]'],
  ['an entry with an unknown phase', JSON.stringify({ ...entry('p'), phase: 'exploded' })],
] as const) {
  test(`a log with ${what} is reported with its path, moved aside unchanged, and a new log starts with a note`, async () => {
    const file = await logWith('a', 'b');
    appendFileSync(file, bad + '\n');
    await new AuditLog(file).append(entry('c'));
    const original = readFileSync(file);
    const warning = await prepareAuditLog(file, 'ops@console', NOW);
    const aside = `${file}.corrupt-2024-06-01T12-34-56-789Z`;
    assert.ok(warning, 'reported');
    assert.ok(warning.includes(file) && warning.includes(aside), warning);
    assert.match(warning, /1 unreadable line \(line 3\)/);
    assert.ok(readFileSync(aside).equals(original), 'the old log is kept byte for byte');
    const fresh = new AuditLog(file).readAll();
    assert.deepEqual(fresh.badLines, []);
    assert.equal(fresh.entries.length, 1);
    const note = fresh.entries[0]!;
    assert.equal(note.phase, 'note');
    assert.equal(note.action, 'audit.moved-aside');
    assert.ok(note.note?.includes(aside), note.note);
    // The next check finds a healthy log: nothing is moved twice.
    assert.equal(await prepareAuditLog(file, 'ops@console', NOW), undefined);
    assert.ok(existsSync(file));
  });
}

test('many bad lines are summarized, not listed one by one', () => {
  const file = path.join(tmp(), 'audit.log');
  writeFileSync(file, Array.from({ length: 9 }, (_, i) => `junk ${i}`).join('\n') + '\n');
  const check = checkAuditLog(file, NOW);
  assert.equal(check.ok, false);
  if (check.ok) return;
  assert.equal(check.reason, '9 unreadable lines (line 1, 2, 3, 4, 5, …)');
  assert.deepEqual(check.badLines, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(check.movedTo && existsSync(check.movedTo) && !existsSync(file));
});

test('a long log: only its tail is read and checked (crash damage is only ever at the end)', async () => {
  const file = await logWith('first');
  // Garbage far before the tail is not looked at; a torn line in the tail is tolerated.
  appendFileSync(file, 'garbage long ago\n');
  const line = JSON.stringify(entry('filler')) + '\n';
  appendFileSync(file, line.repeat(Math.ceil((3 * AUDIT_TAIL_BYTES) / line.length)));
  appendFileSync(file, JSON.stringify(entry('cut')).slice(0, 50));
  const size = statSync(file).size;
  const check = checkAuditLog(file, NOW);
  assert.equal(check.ok, true);
  assert.deepEqual(check.window, { from: size - AUDIT_TAIL_BYTES, bytesRead: AUDIT_TAIL_BYTES });
  assert.ok(check.ok && check.tornLines.length === 1);
  assert.deepEqual(readdirSync(path.dirname(file)), ['audit.log'], 'kept');

  // Garbage inside the tail still sets the log aside, and the warning says which part was read.
  appendFileSync(file, '\nnot ours\n');
  await new AuditLog(file).append(entry('after'));
  const warning = await prepareAuditLog(file, 'ops@console', NOW);
  assert.match(warning ?? '', /1 unreadable line \(line \d+ of its last 65536 bytes\); moved it to .*audit\.log\.corrupt-/);
});

test('a symlinked audit log is refused by the check, not read, not moved', () => {
  const dir = tmp();
  const target = path.join(dir, 'elsewhere');
  writeFileSync(target, 'not a log\n');
  const file = path.join(dir, 'audit.log');
  symlinkSync(target, file);
  assert.throws(() => checkAuditLog(file, NOW), (err: Error) => err instanceof StatePathRefused && err.message.includes(`${file} is a symbolic link`));
  assert.equal(readFileSync(target, 'utf8'), 'not a log\n');
  assert.deepEqual(readdirSync(dir).sort(), ['audit.log', 'elsewhere']);
});
