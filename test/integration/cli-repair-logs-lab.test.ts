// `remlite repair` and `remlite logs` from a script, against a real host.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const HOST = 'lab-web2';
const dir = mkdtempSync(join(tmpdir(), 'remlite-cli-repair-'));

after(async () => {
  if (!skip) await labExec(HOST, 'systemctl start apache2');
});

function remlite(args: string[], extra: string[] = ['--inventory', (info as LabInfo).inventoryPath, '--no-local', '--no-ssh-config']) {
  return spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), ...args, ...extra], {
    encoding: 'utf8',
    timeout: 90_000,
    input: '',
    env: { ...process.env, HOME: dir, REMLITE_STATE_DIR: join(dir, 'state'), REMLITE_CONFIG_DIR: join(dir, 'config') },
  });
}

test('repair --yes restarts a stopped service, prints the command, verifies, audits', { skip }, async () => {
  assert.equal((await labExec(HOST, 'systemctl stop apache2')).code, 0);
  const r = remlite(['repair', HOST, 'service.restart', 'service=apache2', '--yes']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /command: systemctl restart -- apache2\.service/);
  assert.match(r.stdout, /succeeded \(exit 0/);
  assert.match(r.stdout, /verified by a new probe: ok, no findings/);
  assert.equal((await labExec(HOST, 'systemctl is-active apache2')).stdout.trim(), 'active');
  const audit = readFileSync(join(dir, 'state', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phase: string; exitCode?: number });
  assert.deepEqual(audit.map((e) => e.phase), ['started', 'finished']);
});

test('repair without --yes and without a terminal does not run; read-only refuses', { skip }, async () => {
  const r = remlite(['repair', HOST, 'service.stop', 'service=apache2']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /add --yes/);
  const ro = remlite(['repair', HOST, 'service.stop', 'service=apache2', '--yes', '--read-only']);
  assert.equal(ro.status, 2);
  assert.match(ro.stderr, /read-only/);
  assert.equal((await labExec(HOST, 'systemctl is-active apache2')).stdout.trim(), 'active', 'still running');
});

test('logs prints the last lines of a file and of a unit, sanitized', { skip }, async () => {
  const marker = `cli-logs-${process.pid}`;
  await labExec(HOST, `printf '%s \\033]0;evil\\007 end\\n' ${marker} >> /var/log/remlite-lab.log`);
  const f = remlite(['logs', HOST, '/var/log/remlite-lab.log', '-n', '1']);
  assert.equal(f.status, 0, f.stderr);
  assert.equal(f.stdout.trim(), `${marker}  end`);
  const u = remlite(['logs', HOST, 'apache2', '-n', '5']);
  assert.equal(u.status, 0, u.stderr);
  assert.match(u.stdout, /apache2/);
  assert.ok(!u.stdout.includes('\u001b'));
});
