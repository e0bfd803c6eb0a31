import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSshConfigHosts, SshConfigError } from '../../providers/sshconfig.js';
import type { ProviderEnv } from '../../providers/ssh-defaults.js';
import type { Machine } from '../../src/model/index.js';

function sandbox(files: Record<string, string>): { home: string; env: ProviderEnv; config: string } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'remlite-sshcfg-'));
  mkdirSync(path.join(home, '.ssh'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
    writeFileSync(path.join(home, rel), text);
  }
  const env: ProviderEnv = { home, localUser: 'me', fileExists: (f) => f.startsWith(home) && existsSync(f) };
  return { home, env, config: path.join(home, '.ssh/config') };
}

function byId(machines: Machine[], id: string): Machine {
  const m = machines.find((x) => x.id === id);
  assert.ok(m, `machine ${id} missing; have ${machines.map((x) => x.id).join(', ')}`);
  return m;
}

test('concrete hosts become machines; wildcard and negated patterns do not', () => {
  const { home, env, config } = sandbox({
    '.ssh/config': [
      'Host web1 web2 *.corp',
      '  HostName %h.example.com',
      '  User deploy',
      '  Port 2201',
      '',
      'Host web? !web3 db1',
      '  Port 2299',
      '',
      'Host *',
      '  User fallback',
      '',
    ].join('\n'),
    '.ssh/id_ecdsa': 'k',
  });
  const { machines, warnings } = loadSshConfigHosts(config, env);
  assert.deepEqual(machines.map((m) => m.id), ['web1', 'web2', 'db1']);
  assert.deepEqual(warnings, []);
  const web1 = byId(machines, 'web1');
  assert.deepEqual(web1.ssh, {
    host: 'web1.example.com', port: 2201, user: 'deploy',
    identityFiles: [path.join(home, '.ssh/id_ecdsa')], knownHostsFiles: [path.join(home, '.ssh/known_hosts')],
  });
  assert.equal(web1.provider, 'sshconfig');
  assert.equal(web1.site, 'ssh-config');
  assert.equal(web1.pool, 'ssh');
  assert.equal(web1.origin, '~/.ssh/config:1');
  const db1 = byId(machines, 'db1');
  assert.equal(db1.ssh!.host, 'db1');
  assert.equal(db1.ssh!.port, 2299);
  assert.equal(db1.ssh!.user, 'fallback');
  assert.equal(db1.origin, '~/.ssh/config:6');
});

test('the local user is the default user', () => {
  const { env, config } = sandbox({ '.ssh/config': 'Host a\n  HostName 10.1.1.1\n' });
  assert.equal(byId(loadSshConfigHosts(config, env).machines, 'a').ssh!.user, 'me');
});

test('Include follows globs relative to ~/.ssh, in order, and stops past depth 5', () => {
  const files: Record<string, string> = {
    '.ssh/config': 'Include conf.d/*.conf ~/.ssh/deep1\n\nHost main\n  HostName 10.0.0.1\n',
    '.ssh/conf.d/b.conf': 'Host b-host\n  HostName 10.0.0.3\n',
    '.ssh/conf.d/a.conf': '# remlite: pool=inc\nHost a-host\n  HostName 10.0.0.2\n',
    '.ssh/conf.d/ignored.txt': 'Host not-included\n',
  };
  for (let i = 1; i <= 6; i++) files[`.ssh/deep${i}`] = `Include deep${i + 1}\nHost deep${i}\n`;
  files['.ssh/deep7'] = 'Host deep7\n';
  const { env, config } = sandbox(files);
  const { machines, warnings } = loadSshConfigHosts(config, env);
  assert.deepEqual(machines.map((m) => m.id), ['a-host', 'b-host', 'deep5', 'deep4', 'deep3', 'deep2', 'deep1', 'main']);
  assert.equal(byId(machines, 'a-host').origin, '~/.ssh/conf.d/a.conf:2');
  assert.equal(byId(machines, 'a-host').pool, 'inc');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^~\/\.ssh\/deep5:1: Include nested deeper than 5 levels is ignored/);
});

test('Include inside a Host block applies its settings to that block only', () => {
  const { env, config } = sandbox({
    '.ssh/config': 'Host inner\n  Include inner.conf\n\nHost other\n  HostName 10.0.0.9\n',
    '.ssh/inner.conf': 'HostName 10.0.0.8\nUser innerman\n',
  });
  const { machines } = loadSshConfigHosts(config, env);
  assert.equal(byId(machines, 'inner').ssh!.host, '10.0.0.8');
  assert.equal(byId(machines, 'inner').ssh!.user, 'innerman');
  assert.equal(byId(machines, 'other').ssh!.user, 'me');
});

test('ProxyJump chains resolve through the same config, cycles are skipped with a warning', () => {
  const { env, config } = sandbox({
    '.ssh/config': [
      'Host app',
      '  HostName 10.0.2.2',
      '  ProxyJump mid',
      'Host mid',
      '  HostName 10.0.1.1',
      '  User hop',
      '  ProxyJump edge',
      'Host edge',
      '  HostName edge.example.com',
      '  Port 2022',
      '  HostKeyAlias edge-key',
      'Host multi',
      '  ProxyJump root@edge:2200,mid',
      'Host loop1',
      '  ProxyJump loop2',
      'Host loop2',
      '  ProxyJump loop1',
      '',
    ].join('\n'),
  });
  const { machines, warnings } = loadSshConfigHosts(config, env);
  const app = byId(machines, 'app');
  assert.equal(app.ssh!.jump!.host, '10.0.1.1');
  assert.equal(app.ssh!.jump!.user, 'hop');
  assert.equal(app.ssh!.jump!.jump!.host, 'edge.example.com');
  assert.equal(app.ssh!.jump!.jump!.port, 2022);
  assert.equal(app.ssh!.jump!.jump!.hostKeyAlias, 'edge-key');
  assert.equal(app.ssh!.jump!.jump!.jump, undefined);
  // multi: local → edge (as root:2200) → mid → multi; mid's own ProxyJump is overridden by the list.
  const multi = byId(machines, 'multi');
  assert.equal(multi.ssh!.jump!.host, '10.0.1.1');
  assert.equal(multi.ssh!.jump!.jump!.host, 'edge.example.com');
  assert.equal(multi.ssh!.jump!.jump!.user, 'root');
  assert.equal(multi.ssh!.jump!.jump!.port, 2200);
  assert.equal(multi.ssh!.jump!.jump!.jump, undefined);
  assert.ok(!machines.some((m) => m.id.startsWith('loop')));
  assert.ok(warnings.some((w) => /loop1: skipped, ProxyJump loop: loop1 → loop2 → loop1/.test(w)), warnings.join('\n'));
});

test('IdentityFile and UserKnownHostsFile tokens are expanded', () => {
  const { home, env, config } = sandbox({
    '.ssh/config': [
      'Host tok',
      '  HostName 10.9.9.9',
      '  User remote',
      '  Port 2200',
      '  IdentityFile ~/.ssh/%r@%h',
      '  IdentityFile %d/keys/%u-%n-%p-100%%',
      '  UserKnownHostsFile ~/.ssh/kh_%h /dev/null',
      '',
    ].join('\n'),
  });
  const { machines, warnings } = loadSshConfigHosts(config, env);
  const tok = byId(machines, 'tok');
  assert.deepEqual(tok.ssh!.identityFiles, [path.join(home, '.ssh/remote@10.9.9.9'), path.join(home, 'keys/me-tok-2200-100%')]);
  assert.deepEqual(tok.ssh!.knownHostsFiles, [path.join(home, '.ssh/kh_10.9.9.9')]);
  assert.ok(warnings.some((w) => /UserKnownHostsFile \/dev\/null/.test(w)));
});

test('remlite comment directly above a Host sets pool, role and services; a gap line does not count', () => {
  const { env, config } = sandbox({
    '.ssh/config': [
      '# remlite: pool=web role=db services=apache2,rsyslog,bad;name logs=/var/log/a.log colour=red',
      'Host tagged',
      '  HostName 10.0.0.1',
      '# remlite: pool=far',
      '',
      'Host untagged',
      '  HostName 10.0.0.2',
      '',
    ].join('\n'),
  });
  const { machines, warnings } = loadSshConfigHosts(config, env);
  const tagged = byId(machines, 'tagged');
  assert.equal(tagged.pool, 'web');
  assert.equal(tagged.role, 'db');
  assert.deepEqual(tagged.services, ['apache2', 'rsyslog']);
  assert.deepEqual(tagged.logs.map((l) => l.id), ['unit:apache2', 'unit:rsyslog', 'file:/var/log/a.log']);
  assert.equal(byId(machines, 'untagged').pool, 'ssh');
  assert.ok(warnings.some((w) => /unsafe service name "bad;name"/.test(w)));
  assert.ok(warnings.some((w) => /ignoring "colour=red"/.test(w)));
});

test('ProxyCommand is a per-host warning; a bad port skips only that host', () => {
  const { env, config } = sandbox({
    '.ssh/config': 'Host pc\n  ProxyCommand ssh -W %h:%p gw\nHost badport\n  Port 99999\nHost fine\n',
  });
  const { machines, warnings } = loadSshConfigHosts(config, env);
  assert.deepEqual(machines.map((m) => m.id), ['pc', 'fine']);
  assert.ok(warnings.some((w) => w.startsWith('~/.ssh/config:1: pc: ProxyCommand is not supported')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.startsWith('~/.ssh/config:3: badport: skipped, bad Port "99999"')), warnings.join('\n'));
});

test('missing config is no hosts and no error; unparsable config throws SshConfigError', () => {
  const { env, config } = sandbox({});
  assert.deepEqual(loadSshConfigHosts(config, env), { machines: [], warnings: [] });
  writeFileSync(config, 'Host broken\n  IdentityFile "unterminated\n');
  assert.throws(() => loadSshConfigHosts(config, env), (err: unknown) => err instanceof SshConfigError && /~\/\.ssh\/config: cannot parse/.test(err.message));
});

test('aliases, HostNames, Users and pools that would read as options or shell syntax are skipped with a warning', () => {
  const { env, config } = sandbox({
    '.ssh/config': [
      'Host -oProxyCommand=touch_pwned',
      'Host -evil',
      'Host dashhost',
      '  HostName -oProxyCommand=x',
      'Host shellhost',
      '  HostName a;touch',
      'Host dashuser',
      '  User -lroot',
      '# remlite: pool=-rf role=web',
      'Host fine',
      '  HostName 10.0.0.5',
      '  User deploy.user',
      '',
    ].join('\n'),
  });
  const { machines, warnings } = loadSshConfigHosts(config, env);
  assert.deepEqual(machines.map((m) => m.id), ['fine']);
  const text = warnings.join('\n');
  assert.match(text, /~\/\.ssh\/config:1: Host -oProxyCommand touch_pwned: skipped, "-oProxyCommand" starts with "-" and would be read as an option/);
  assert.match(text, /~\/\.ssh\/config:2: Host -evil: skipped/);
  assert.match(text, /dashhost: skipped, HostName "-oProxyCommand=x" of dashhost starts with "-"/);
  assert.match(text, /shellhost: skipped, HostName "a;touch"/);
  assert.match(text, /dashuser: skipped, User "-lroot"/);
  assert.match(text, /fine: remlite comment: ignoring pool "-rf"/);
  assert.equal(byId(machines, 'fine').pool, 'ssh');
  assert.equal(byId(machines, 'fine').role, 'web');
});
