import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localMachine } from '../../providers/index.js';
import { discoverLogFiles, isFollowableLogName, MAX_LOCAL_LOGS } from '../../providers/local-logs.js';

function logDir(files: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'remlite-varlog-'));
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), 'a line\n');
  }
  return dir;
}

test('the local host lists its log files as sources: syslog first, then the rest, then its units', () => {
  const dir = logDir(['auth.log', 'syslog', 'dpkg.log', 'apache2/error.log', 'apache2/access.log', 'my app.log']);
  const m = localMachine(['cron'], dir);
  assert.deepEqual(
    m.logs.map((l) => l.id),
    [`file:${dir}/syslog`, `file:${dir}/apache2/access.log`, `file:${dir}/apache2/error.log`, `file:${dir}/auth.log`, `file:${dir}/dpkg.log`, `file:${dir}/my app.log`, 'unit:cron'],
  );
  assert.ok(m.logs.filter((l) => l.kind === 'file').every((l) => l.target === l.id.slice('file:'.length)));
});

test('rotated, compressed and binary records, deeper directories, symbolic links and control characters are left out', () => {
  const dir = logDir(['syslog.1', 'syslog.2.gz', 'messages-20260101', 'wtmp', 'btmp', 'lastlog', 'journal/abc/system.journal', 'a/b/deep.log', 'kern.log', 'x\u001b[2J.log']);
  symlinkSync('/etc/passwd', path.join(dir, 'link.log'));
  symlinkSync('/etc', path.join(dir, 'linkdir'));
  assert.deepEqual(discoverLogFiles(dir), [path.join(dir, 'kern.log')]);
  assert.equal(isFollowableLogName('dpkg.log'), true);
  assert.equal(isFollowableLogName('dpkg.log.1'), false);
});

test('a huge /var/log is capped; a missing one gives no sources', () => {
  const dir = logDir(Array.from({ length: MAX_LOCAL_LOGS + 20 }, (_, i) => `f${String(i).padStart(3, '0')}.log`));
  assert.equal(discoverLogFiles(dir).length, MAX_LOCAL_LOGS);
  assert.deepEqual(discoverLogFiles(path.join(dir, 'nope')), []);
  assert.deepEqual(localMachine([], path.join(dir, 'nope')).logs, []);
});
