// The embedded default against real hosts: concrete Hosts of ~/.ssh/config (HostName, User,
// IdentityFile, UserKnownHostsFile, ProxyJump) are probed by the real CLI with no other configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, type LabInfo } from '../support/lab.js';
import { answered } from '../support/lab-console.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;

test('Hosts from ~/.ssh/config, one reached through a ProxyJump, are probed like any other', { skip }, () => {
  const lab = info as LabInfo;
  const web1 = lab.hosts.find((h) => h.name === 'lab-web1')!;
  const web2 = lab.hosts.find((h) => h.name === 'lab-web2')!;
  const home = mkdtempSync(join(tmpdir(), 'remlite-home-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(
    join(home, '.ssh', 'config'),
    [
      '# remlite: pool=frontends role=web services=apache2,rsyslog',
      'Host edge',
      `  HostName ${web1.address}`,
      '  User root',
      `  IdentityFile ${lab.clientKeyPath}`,
      `  UserKnownHostsFile ${lab.knownHostsPath}`,
      '',
      'Host inner',
      `  HostName ${web2.address}`,
      '  User root',
      `  IdentityFile ${lab.clientKeyPath}`,
      `  UserKnownHostsFile ${lab.knownHostsPath}`,
      '  ProxyJump edge',
      '',
      'Host *.example.com !bastion',
      '  User nobody',
      '',
    ].join('\n'),
  );
  const r = spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), 'status', '--json', '--no-local'], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, HOME: home, REMLITE_STATE_DIR: join(home, 'state'), REMLITE_CONFIG_DIR: join(home, 'config'), SSH_AUTH_SOCK: '' },
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const hosts = (JSON.parse(r.stdout) as { hosts: { id: string; provider: string; pool: string; reach: string; probe?: { hostname: string; services: { name: string; active: string }[] } }[] }).hosts;
  assert.deepEqual(hosts.map((h) => h.id).sort(), ['edge', 'inner'], 'only concrete Hosts, no wildcard pattern');
  const edge = hosts.find((h) => h.id === 'edge')!;
  const inner = hosts.find((h) => h.id === 'inner')!;
  assert.equal(edge.provider, 'sshconfig');
  assert.equal(edge.pool, 'frontends');
  assert.ok(answered(edge.reach), `reach ${edge.reach}`);
  assert.equal(edge.probe?.hostname, 'lab-web1');
  assert.equal(edge.probe?.services.find((s) => s.name === 'apache2')?.active, 'active');
  assert.ok(answered(inner.reach), `reach ${inner.reach}`);
  assert.equal(inner.probe?.hostname, 'lab-web2', 'reached through the jump host');
});
