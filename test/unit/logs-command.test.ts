import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followCommand, sourceFromId } from '../../src/logs/log-command.js';

test('unit logs follow the journal with the unit quoted', () => {
  const cmd = followCommand({ id: 'unit:apache2', kind: 'unit', target: 'apache2' }, 200);
  assert.match(cmd, /journalctl --no-pager -o short-iso -n 200 -f -u apache2/);
});

test('file logs use tail -F with -- and a quoted path', () => {
  assert.equal(followCommand({ id: 'x', kind: 'file', target: "/var/log/it's here.log" }, 50), "tail -n 50 -F -- '/var/log/it'\\''s here.log'");
});

test('hostile unit names and relative paths are refused', () => {
  assert.throws(() => followCommand({ id: 'x', kind: 'unit', target: 'a;id' }, 1), /not a valid unit/);
  assert.throws(() => followCommand({ id: 'x', kind: 'file', target: 'relative.log' }, 1), /not absolute/);
});

test('a hostile file path never runs as a command (real shell, canary file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-logs-'));
  const canary = join(dir, 'canary');
  const path = `/nonexistent/$(touch ${canary});touch ${canary}\`touch ${canary}\``;
  const cmd = followCommand({ id: 'x', kind: 'file', target: path }, 1).replace(' -F ', ' ');
  try {
    execFileSync('/bin/sh', ['-c', cmd], { stdio: 'ignore' });
  } catch {
    // tail fails on the missing file: expected
  }
  writeFileSync(join(dir, 'ran'), '');
  assert.equal(existsSync(canary), false);
});

test('source ids parse back', () => {
  assert.deepEqual(sourceFromId('file:/var/log/syslog'), { id: 'file:/var/log/syslog', kind: 'file', target: '/var/log/syslog' });
  assert.equal(sourceFromId('bogus'), undefined);
});
