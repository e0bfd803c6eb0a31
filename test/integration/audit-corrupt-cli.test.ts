// The real CLI meeting an audit log that is not what remlite wrote: it says so with both paths,
// keeps the old file aside untouched, and starts a new log whose first entry points to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/persist/audit-log.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');

test('status with a corrupt audit log: reported with its path, moved aside, a new log starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-auditcli-'));
  const state = join(dir, 'state');
  mkdirSync(state);
  const file = join(state, 'audit.log');
  const good = JSON.stringify({ id: 'a', phase: 'started', at: '2024-05-01T10:00:00.000Z', who: 'x', machineId: 'h', host: 'h', action: 'service.restart', command: 'true' });
  const original = `${good}\n\u0000\u0000binary junk\u0001\n${good}\n`;
  writeFileSync(file, original, { mode: 0o600 });
  const env = { ...process.env, REMLITE_STATE_DIR: state, REMLITE_CONFIG_DIR: join(dir, 'config'), HOME: dir };
  const r = spawnSync(process.execPath, [MAIN, 'status', '--json'], { encoding: 'utf8', env, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const aside = readdirSync(state).filter((f) => f.startsWith('audit.log.corrupt-'));
  assert.equal(aside.length, 1, readdirSync(state).join(', '));
  const asidePath = join(state, aside[0]!);
  assert.equal(readFileSync(asidePath, 'utf8'), original, 'never overwritten');
  assert.match(r.stderr, /remlite: warning: audit log .*unreadable line \(line 2\)/);
  assert.ok(r.stderr.includes(file) && r.stderr.includes(asidePath), r.stderr);
  const fresh = new AuditLog(file).readAll();
  assert.deepEqual(fresh.badLines, []);
  assert.deepEqual(fresh.entries.map((e) => e.phase), ['note']);
  assert.ok(fresh.entries[0]!.note?.includes(asidePath));

  // A second start finds a healthy log and says nothing about it.
  const again = spawnSync(process.execPath, [MAIN, 'status', '--json'], { encoding: 'utf8', env, timeout: 60_000 });
  assert.equal(again.status, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /audit log/);
  assert.equal(readdirSync(state).filter((f) => f.startsWith('audit.log.corrupt-')).length, 1);
});
