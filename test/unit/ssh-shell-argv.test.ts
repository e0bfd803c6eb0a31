import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SshTarget } from '../../src/model/index.js';
import { sshShellArgv } from '../../src/ssh/shell-argv.js';

const base: SshTarget = { host: '10.0.0.5', port: 22, user: 'ops', identityFiles: [], knownHostsFiles: ['/home/ops/.ssh/known_hosts'] };

const argvOf = (t: SshTarget): string[] => {
  const r = sshShellArgv(t);
  if ('refused' in r) throw new Error(`refused: ${r.refused}`);
  return r.argv;
};
const refusal = (t: SshTarget): string => {
  const r = sshShellArgv(t);
  assert.ok('refused' in r, `expected a refusal, got ${JSON.stringify(r)}`);
  return r.refused;
};

test('plain host: strict checking, its known_hosts only, port, user, and the address after --', () => {
  assert.deepEqual(argvOf(base), [
    'ssh',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'UserKnownHostsFile=/home/ops/.ssh/known_hosts',
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-p',
    '22',
    '-l',
    'ops',
    '--',
    '10.0.0.5',
  ]);
});

test('every setting: identities, several known_hosts files, alias, jump host with user and port, odd port', () => {
  const argv = argvOf({
    ...base,
    port: 2222,
    identityFiles: ['/keys/id_ed25519', '/keys/100%-rsa'],
    knownHostsFiles: ['/kh/a', '/etc/ssh/ssh_known_hosts'],
    hostKeyAlias: 'web1.example',
    jump: { host: 'bastion.example', port: 2200, user: 'jumper', identityFiles: [], knownHostsFiles: ['/kh/a'] },
  });
  assert.deepEqual(argv.slice(argv.indexOf('-p')), ['-p', '2222', '-l', 'ops', '--', '10.0.0.5']);
  assert.ok(argv.includes('UserKnownHostsFile=/kh/a /etc/ssh/ssh_known_hosts'));
  assert.ok(argv.includes('HostKeyAlias=web1.example'));
  // ssh expands %-tokens in identity paths: a literal % is doubled.
  assert.deepEqual(argv.filter((_, i) => argv[i - 1] === '-i'), ['/keys/id_ed25519', '/keys/100%%-rsa']);
  assert.equal(argv[argv.indexOf('-J') + 1], 'jumper@bastion.example:2200');
});

test('an IPv6 jump host is bracketed; port 22 and no user are left out', () => {
  const argv = argvOf({ ...base, jump: { host: 'fd00::1', port: 22, user: '', identityFiles: [], knownHostsFiles: [] } });
  assert.equal(argv[argv.indexOf('-J') + 1], '[fd00::1]');
});

test('values that would become options, second words or expansions are refused, naming them', () => {
  assert.match(refusal({ ...base, host: '-oProxyCommand=touch /tmp/x' }), /address "-oProxyCommand/);
  assert.match(refusal({ ...base, host: 'web1 -v' }), /address/);
  assert.match(refusal({ ...base, user: 'root -oProxyCommand=x' }), /user/);
  assert.match(refusal({ ...base, user: 'a;b' }), /not a valid login name/);
  assert.match(refusal({ ...base, user: 'x\u001b[2J' }), /login name/);
  assert.match(refusal({ ...base, knownHostsFiles: ['/tmp/my known_hosts'] }), /known_hosts file .*split/);
  assert.match(refusal({ ...base, identityFiles: ['/keys/${HOME}/id'] }), /identity file/);
  assert.match(refusal({ ...base, jump: { host: 'b,evil', port: 22, user: 'u', identityFiles: [], knownHostsFiles: [] } }), /jump host "b,evil"/);
  assert.match(refusal({ ...base, jump: { host: 'b', port: 22, user: 'u@x', identityFiles: [], knownHostsFiles: [] } }), /jump host user/);
  assert.match(refusal({ ...base, knownHostsFiles: [] }), /no known_hosts/);
  assert.match(refusal({ ...base, port: 0 }), /not a TCP port/);
});
