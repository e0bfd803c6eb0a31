// The console killed with SIGKILL in the middle of an action leaves an audit log that still
// parses, with the action marked started and not finished; a second action on the same host
// while the first runs is refused (and audited as refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/persist/audit-log.js';
import { checkAuditLog } from '../../src/persist/audit-check.js';
import { waitFor } from '../support/wait-for.js';

test('SIGKILL mid-action: started without finished, log parses, the concurrent action was refused', async () => {
  const auditPath = join(mkdtempSync(join(tmpdir(), 'remlite-crash-')), 'audit.log');
  const child = spawn(process.execPath, [join(process.cwd(), 'dist/test/support/run-long-action.js'), auditPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (_code, signal) => r(signal === 'SIGKILL' ? -9 : _code)));
  try {
    await waitFor('the second action to be refused', () => out.includes('second-done'), 30_000);
    const before = new AuditLog(auditPath).readAll();
    assert.deepEqual(before.entries.map((e) => e.phase).sort(), ['refused', 'started']);
  } finally {
    child.kill('SIGKILL');
  }
  assert.equal(await exited, -9);
  const { entries, badLines } = new AuditLog(auditPath).readAll();
  assert.deepEqual(badLines, [], 'every line parses');
  const started = entries.find((e) => e.phase === 'started')!;
  assert.equal(started.command, 'sleep 5');
  assert.equal(entries.filter((e) => e.id === started.id && e.phase === 'finished').length, 0, 'never marked finished');
  const refused = entries.find((e) => e.phase === 'refused')!;
  assert.match(refused.error ?? '', /busy/);
  assert.deepEqual(checkAuditLog(auditPath), { ok: true, missing: false, entries: entries.length, tornLines: [] }, 'the next start keeps this log');
});
