// `remlite repair` and `remlite logs` from a script, against a real host.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The lab inventory with a cleanup path declared for HOST (disk.cleanup's policy). */
function inventoryWithCleanup(path: string): string {
  const lab = info as LabInfo;
  const addr = lab.hosts.find((h) => h.name === HOST)!.address;
  const file = join(dir, 'inventory-cleanup.yaml');
  writeFileSync(
    file,
    `defaults:\n  user: root\n  port: 22\n  key: ${lab.clientKeyPath}\n  known_hosts: ${lab.knownHostsPath}\n  site: lab\nhosts:\n` +
      `  - name: ${HOST}\n    address: ${addr}\n    pool: web\n    services: [apache2, rsyslog, ssh]\n    cleanup: [${path}]\n`,
  );
  return file;
}

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
  // Healthy: answered, and nothing worse than info (an unaccepted lab host lists its changed conffiles as info).
  const verified = /verified by a new probe: (.*)/.exec(r.stdout)?.[1] ?? '';
  assert.match(verified, /^ok, /, r.stdout);
  assert.doesNotMatch(verified, /\b(warning|critical) /, r.stdout);
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

// Before the headless command waited for its probe to reach the store, it planned with no probe:
// these two were always refused ("not probed yet" / "not a mount in the last probe").
test('repair plans from its own probe: fs.remount-rw of a read-only mount makes it writable again', { skip }, async () => {
  assert.equal((await labExec(HOST, 'mount -o remount,ro /srv/data && ! touch /srv/data/cli-write 2>/dev/null')).code, 0);
  try {
    const r = remlite(['repair', HOST, 'fs.remount-rw', 'mount=/srv/data', '--yes']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /command: \{ \{ mountpoint -q -- \/srv\/data; \}.* && mount -o remount,rw -- \/srv\/data$/m);
    assert.equal((await labExec(HOST, 'touch /srv/data/cli-write && rm /srv/data/cli-write')).code, 0, 'writable again');
  } finally {
    await labExec(HOST, 'mount -o remount,rw /srv/data');
  }
});

test('repair plans from its own probe: disk.cleanup previews and deletes the declared cleanup path\'s files', { skip }, async () => {
  const junk = '/srv/data/cli-cleanup';
  // Old enough for the cleanup (cleanupMinAgeDays, 7): ten days.
  assert.equal((await labExec(HOST, `mkdir -p ${junk} && head -c 65536 /dev/zero > ${junk}/app.log.1 && touch -d '10 days ago' ${junk}/app.log.1`)).code, 0);
  try {
    const r = remlite(['repair', HOST, 'disk.cleanup', 'mount=/srv/data', '--yes'], ['--inventory', inventoryWithCleanup(junk), '--no-local', '--no-ssh-config']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^command: .*find -P \/srv\/data\/cli-cleanup -xdev -type f -mmin \+10080 /m);
    assert.match(r.stdout, /preview: .*65536 bytes\) in 1 file/);
    assert.equal((await labExec(HOST, `test -e ${junk}/app.log.1`)).code, 1, 'the file is gone');
  } finally {
    await labExec(HOST, `rm -rf ${junk}`);
  }
});

test('a failing repair prints its exit code and last lines of output on stderr and exits 1', { skip }, async () => {
  const conf = '/etc/apache2/apache2.conf';
  assert.equal((await labExec(HOST, `cp ${conf} /root/apache2.conf.cli && echo 'BrokenCliDirective on' >> ${conf}`)).code, 0);
  try {
    const r = remlite(['repair', HOST, 'service.restart', 'service=apache2', '--yes']);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /remlite: failed: Restart apache2 on lab-web2: exit 1, \d+ ms/);
    assert.match(r.stderr, /Job for apache2\.service failed/, 'the output of the command, not only its exit code');
    assert.doesNotMatch(r.stdout, /succeeded/);
  } finally {
    await labExec(HOST, `cp /root/apache2.conf.cli ${conf} && systemctl restart apache2`);
  }
});

test('a refused repair prints the whole reason on stderr and exits 2', { skip }, () => {
  const r = remlite(['repair', HOST, 'fs.remount-rw', 'mount=/', '--yes']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.equal(
    r.stderr.trim().split('\n').pop(),
    'remlite: refused: fs.remount-rw on lab-web2: the root filesystem is not remounted from the console: a read-only / needs a look at the host (fsck)',
  );
});
