// `remlite check` against real hosts, the way cron or a monitoring system runs it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const HOST = 'lab-web2';

after(async () => {
  if (!skip) await labExec(HOST, 'systemctl start apache2');
});

function check(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-check-'));
  return spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), 'check', ...args], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, HOME: dir, REMLITE_STATE_DIR: join(dir, 's'), REMLITE_CONFIG_DIR: join(dir, 'c') },
  });
}

test('OK on a healthy host, CRITICAL with the finding when a service is down, UNKNOWN on a bad host name', { skip }, async () => {
  const inv = (info as LabInfo).inventoryPath;
  const base = ['--inventory', inv, '--no-local', '--no-ssh-config'];
  const ok = check([...base, '--host', HOST]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^REMLITE OK - 1 host healthy \| hosts=1 critical=0/);

  assert.equal((await labExec(HOST, 'systemctl stop apache2')).code, 0);
  const crit = check([...base, '--pool', 'web']);
  assert.equal(crit.status, 2, crit.stdout);
  assert.match(crit.stdout, /^REMLITE CRITICAL - 1 critical, \d+ warning on 2 hosts/);
  assert.match(crit.stdout, new RegExp(`\\nCRITICAL ${HOST}: .*apache2`));
  assert.doesNotMatch(crit.stdout, /lab-db1/, 'only the web pool was checked');

  const unknown = check([...base, '--host', 'nosuchhost']);
  assert.equal(unknown.status, 3);
  assert.match(unknown.stdout, /^REMLITE UNKNOWN - no such host: nosuchhost/);
});

test('a broken inventory is UNKNOWN (exit 3), naming the file', { skip: false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-badinv-'));
  const inv = join(dir, 'inv.yaml');
  writeFileSync(inv, 'hosts: [\n');
  const r = check(['--inventory', inv, '--no-local', '--no-ssh-config']);
  assert.equal(r.status, 3);
  assert.match(r.stdout, /^REMLITE UNKNOWN - .*inv\.yaml:\d+/);
});
