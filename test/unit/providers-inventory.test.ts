import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InventoryError, loadInventory } from '../../providers/datacenter.js';
import type { ProviderEnv } from '../../providers/ssh-defaults.js';

function sandbox(): { dir: string; env: ProviderEnv } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-inv-'));
  mkdirSync(path.join(dir, '.ssh'));
  // Only files inside the sandbox exist for the parser, so the host's /etc/ssh does not leak in.
  return { dir, env: { home: dir, localUser: 'tester', fileExists: (f) => f.startsWith(dir) && existsSync(f) } };
}

async function load(text: string): Promise<{ file: string; result: Awaited<ReturnType<typeof loadInventory>> | InventoryError }> {
  const { dir, env } = sandbox();
  const file = path.join(dir, 'inventory.yaml');
  writeFileSync(file, text);
  try {
    return { file, result: await loadInventory(file, env) };
  } catch (err) {
    if (err instanceof InventoryError) return { file, result: err };
    throw err;
  }
}

async function expectError(text: string, line: number, reason: RegExp): Promise<InventoryError> {
  const { file, result } = await load(text);
  assert.ok(result instanceof InventoryError, 'expected an InventoryError');
  assert.equal(result.file, file);
  assert.equal(result.line, line, `line of: ${result.message}`);
  assert.ok(result.column >= 1);
  assert.match(result.reason, reason);
  assert.ok(result.message.startsWith(`${file}:${line}:${result.column}: `), result.message);
  assert.ok(result.hint.length > 0);
  return result;
}

const FULL = `# the data center
defaults:
  user: root
  port: 22
  key: ~/.ssh/id_ed25519
  known_hosts: [~/.ssh/known_hosts, /etc/remlite/known_hosts]
  site: dc1
  pool: default
hosts:
  - name: bastion
    address: 10.0.0.1
    port: 2222
    user: ops
  - name: web1
    address: 10.0.0.5
    key: ~/.ssh/web.key
    pool: web
    role: frontend
    jump: bastion
    services: [apache2, rsyslog]
    logs: [/var/log/apache2/error.log]
  - name: db1
    address: db1.dc2.example.com
    keys: [~/.ssh/a, ~/.ssh/b]
    site: dc2
    jump: admin@gw.example.com:2200
`;

test('a full valid inventory maps every field onto machines', async () => {
  const { dir, env } = sandbox();
  const file = path.join(dir, 'inventory.yaml');
  writeFileSync(file, FULL);
  const machines = await loadInventory(file, env);
  assert.deepEqual(machines.map((m) => m.id), ['bastion', 'web1', 'db1']);
  const [bastion, web1, db1] = machines;
  const known = [path.join(dir, '.ssh/known_hosts'), '/etc/remlite/known_hosts'];
  assert.deepEqual(bastion!.ssh, {
    host: '10.0.0.1', port: 2222, user: 'ops', identityFiles: [path.join(dir, '.ssh/id_ed25519')], knownHostsFiles: known,
  });
  assert.equal(bastion!.origin, `${file}:10`);
  assert.equal(web1!.provider, 'datacenter');
  assert.equal(web1!.site, 'dc1');
  assert.equal(web1!.pool, 'web');
  assert.equal(web1!.role, 'frontend');
  assert.deepEqual(web1!.services, ['apache2', 'rsyslog']);
  assert.deepEqual(web1!.logs, [
    { id: 'unit:apache2', kind: 'unit', target: 'apache2' },
    { id: 'unit:rsyslog', kind: 'unit', target: 'rsyslog' },
    { id: 'file:/var/log/apache2/error.log', kind: 'file', target: '/var/log/apache2/error.log' },
  ]);
  assert.equal(web1!.ssh!.user, 'root');
  assert.deepEqual(web1!.ssh!.identityFiles, [path.join(dir, '.ssh/web.key')]);
  assert.deepEqual(web1!.ssh!.jump, bastion!.ssh);
  assert.equal(db1!.site, 'dc2');
  assert.equal(db1!.pool, 'default');
  assert.deepEqual(db1!.ssh!.identityFiles, [path.join(dir, '.ssh/a'), path.join(dir, '.ssh/b')]);
  assert.deepEqual(db1!.ssh!.jump, {
    host: 'gw.example.com', port: 2200, user: 'admin', identityFiles: db1!.ssh!.identityFiles, knownHostsFiles: known,
  });
});

test('without defaults: local user, port 22, existing default keys, ~/.ssh/known_hosts', async () => {
  const { dir, env } = sandbox();
  writeFileSync(path.join(dir, '.ssh/id_rsa'), 'key');
  const file = path.join(dir, 'inv.yaml');
  writeFileSync(file, 'hosts:\n  - name: a\n    address: 192.168.1.2\n');
  const [a] = await loadInventory(file, env);
  assert.deepEqual(a!.ssh, {
    host: '192.168.1.2', port: 22, user: 'tester', identityFiles: [path.join(dir, '.ssh/id_rsa')], knownHostsFiles: [path.join(dir, '.ssh/known_hosts')],
  });
  assert.equal(a!.pool, 'default');
});

test('YAML syntax error has a line and column', async () => {
  await expectError('hosts:\n  - name: a\n    address: "10.0.0.1\n', 3, /YAML syntax error/);
});

test('unknown key suggests the closest known one', async () => {
  const err = await expectError('hosts:\n  - name: a\n    address: 10.0.0.1\n    sevices: [x]\n', 4, /unknown key "sevices"/);
  assert.match(err.reason, /did you mean "services"/);
  assert.equal(err.column, 5);
  await expectError('defaults:\n  usr: root\nhosts: []\n', 2, /unknown key "usr".*did you mean "user"/);
  await expectError('hosts: []\nhostz: []\n', 2, /unknown key "hostz"/);
});

test('wrong types are reported where they are', async () => {
  await expectError('hosts:\n  - name: a\n    address: 10.0.0.1\n    services: apache2\n', 4, /"services" must be a list/);
  await expectError('hosts:\n  - name: a\n    address: [1, 2]\n', 3, /"address" must be a non-empty string, got a list/);
  await expectError('hosts:\n  name: a\n', 2, /"hosts" must be a list/);
  await expectError('hosts:\n  - name: 12\n    address: 10.0.0.1\n', 2, /"name" must be a non-empty string/);
});

test('missing name or address', async () => {
  await expectError('hosts:\n  - address: 10.0.0.1\n', 2, /without a "name"/);
  await expectError('hosts:\n  - name: ok\n    address: 10.0.0.1\n  - name: web2\n    port: 22\n', 4, /"web2" without an "address"/);
  await expectError('hosts:\n  - name: a\n    address: "not an address"\n', 3, /neither an IP address nor a DNS name/);
});

test('duplicate names name both lines', async () => {
  const err = await expectError('hosts:\n  - name: web1\n    address: 10.0.0.1\n  - name: web1\n    address: 10.0.0.2\n', 4, /duplicate host name "web1"/);
  assert.match(err.reason, /lines 2 and 4/);
});

test('bad port', async () => {
  await expectError('hosts:\n  - name: a\n    address: 10.0.0.1\n    port: 70000\n', 4, /bad port 70000/);
  await expectError('defaults:\n  port: "22"\nhosts: []\n', 2, /bad port "22"/);
});

test('relative log paths are refused', async () => {
  await expectError('hosts:\n  - name: a\n    address: 10.0.0.1\n    logs:\n      - /var/log/ok.log\n      - var/log/x.log\n', 6, /log path "var\/log\/x.log" is relative/);
});

test('unsafe service names are refused', async () => {
  await expectError('hosts:\n  - name: a\n    address: 10.0.0.1\n    services: ["nginx; rm -rf /"]\n', 4, /unsafe service name/);
});

test('jump to an unknown host and jump cycles', async () => {
  await expectError('hosts:\n  - name: a\n    address: 10.0.0.1\n    jump: nowhere\n', 4, /jump to unknown host "nowhere"/);
  const err = await expectError(
    'hosts:\n  - name: a\n    address: 10.0.0.1\n    jump: b\n  - name: b\n    address: 10.0.0.2\n    jump: c\n  - name: c\n    address: 10.0.0.3\n    jump: a\n',
    10,
    /jump cycle: a → b → c → a/,
  );
  assert.equal(err.issues.length, 1);
  await expectError('hosts:\n  - name: a\n    address: 10.0.0.1\n    jump: a\n', 4, /jump cycle: a → a/);
});

test('every problem is listed, sorted by line', async () => {
  const { result } = await load('hosts:\n  - name: a\n    address: 10.0.0.1\n    port: 0\n  - name: b\n    address: 10.0.0.2\n    colour: red\n');
  assert.ok(result instanceof InventoryError);
  assert.deepEqual(result.issues.map((i) => i.line), [4, 7]);
  assert.match(result.message, /\(and 1 more problem\)$/);
});

test('a missing file is a clear InventoryError', async () => {
  const { dir, env } = sandbox();
  const file = path.join(dir, 'nope.yaml');
  await assert.rejects(loadInventory(file, env), (err: unknown) => {
    assert.ok(err instanceof InventoryError);
    assert.equal(err.file, file);
    assert.match(err.message, /inventory file not found/);
    assert.match(err.message, /docs\/inventory.md/);
    return true;
  });
});

test('an empty file says hosts are missing', async () => {
  const { result } = await load('');
  assert.ok(result instanceof InventoryError);
  assert.match(result.reason, /must be a mapping with a "hosts" list/);
});
