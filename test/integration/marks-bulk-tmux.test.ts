// Marks and a bulk action in the real console (tmux, 80x24) over real lab hosts: rsyslog stopped on
// three hosts, the three marked (:mark by filter), one :restart fired on one of them asks with all
// three listed, and rolls out canary first; rsyslog runs again inside each host and the next probe
// shows each healthy.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { TmuxSession, tmuxLabConsole } from '../support/tmux.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : (TmuxSession.unavailableReason() ?? false);
const HOSTS = ['lab-web1', 'lab-web2', 'lab-db1'];
let tmux: TmuxSession | undefined;

// syslog.socket would start rsyslog again by itself: both are stopped.
const STOP = 'systemctl stop syslog.socket rsyslog.service';

after(async () => {
  tmux?.kill();
  if (!skip) for (const h of HOSTS) await labExec(h, 'systemctl start syslog.socket rsyslog.service');
});

test('three marked lab hosts: one restart fired with marks present is confirmed over all three and rolled out', { skip }, async () => {
  const lab = info as LabInfo;
  const dir = mkdtempSync(join(tmpdir(), 'remlite-marks-'));
  for (const h of HOSTS) {
    await labExec(h, STOP);
    assert.notEqual((await labExec(h, 'systemctl is-active rsyslog')).stdout.trim(), 'active', `${h}: rsyslog stopped`);
  }
  tmux = tmuxLabConsole(`remlite-marks-${process.pid}`, lab.inventoryPath, dir);
  const t = tmux;
  const fail = (e: Error) => {
    throw new Error(`${e.message}\n${t.screen()}`);
  };
  const row = (s: string, name: string) => s.split('\n').find((l) => l.replace(/^\* /, '').startsWith(`${name} `)) ?? '';

  await t.waitScreen('the three hosts red', (s) => HOSTS.every((h) => /\bcrit\b/.test(row(s, h)))).catch(fail);
  t.keys(':');
  t.type('mark pool:web');
  t.keys('Enter');
  await t.waitScreen('the web pool marked', (s) => /\b2 marked\b/.test(s)).catch(fail);
  t.keys(':');
  t.type('mark lab-db1');
  t.keys('Enter');
  await t.waitScreen('three marked, shown in their rows', (s) => /\b3 marked\b/.test(s) && HOSTS.every((h) => row(s, h).startsWith('* '))).catch(fail);
  assert.ok(!row(t.screen(), 'lab-fs1').startsWith('* '), 'an unmarked host is not shown marked');

  t.keys(':');
  t.type('host lab-db1');
  t.keys('Enter');
  await t.waitScreen('lab-db1 with rsyslog down', (s) => s.includes('fleet › lab-db1 › Services') && /rsyslog\s+inactive/.test(s)).catch(fail);
  t.keys(':');
  t.type('restart rsyslog');
  t.keys('Enter');
  await t
    .waitScreen('the confirmation listing every marked host', (s) => /On 3 marked hosts: [Rr]estart rsyslog/.test(s) && /canary\s+lab-db1/.test(s) && /then\s+lab-web1, lab-web2/.test(s) && s.includes('systemctl restart -- rsyslog.service'))
    .catch(fail);
  t.keys('y');
  await t.waitScreen('the rollout done, each host healthy by its next probe', (s) => /done: every host healthy again/.test(s), 120_000).catch(fail);

  for (const h of HOSTS) assert.equal((await labExec(h, 'systemctl is-active rsyslog')).stdout.trim(), 'active', `${h}: rsyslog runs again`);
  assert.notEqual((await labExec('lab-fs1', 'systemctl is-active rsyslog')).stdout.trim(), 'inactive');

  const audit = readFileSync(join(dir, 'state', 'audit.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { phase: string; action: string; machineId: string; command: string; exitCode?: number });
  const rollout = audit.filter((e) => e.action === 'rollout');
  assert.deepEqual(rollout.map((e) => e.phase), ['started', 'finished']);
  assert.equal(rollout[0]!.machineId, 'lab-db1,lab-web1,lab-web2');
  assert.equal(rollout[1]!.exitCode, 0);
  const restarts = audit.filter((e) => e.phase === 'finished' && e.action === 'service.restart');
  assert.deepEqual(restarts.map((e) => e.machineId), ['lab-db1', 'lab-web1', 'lab-web2'], 'canary first, then the others in fleet order');
  assert.ok(restarts.every((e) => e.exitCode === 0));
});
