import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InventoryError } from '../../providers/index.js';
import { choosePool, inventoryDirs, loadStaticInventory, mapAnsibleHosts, parseIniInventory, parseInventoryList, parseYamlInventory } from '../../providers/ansible/index.js';
import { resolveInventory } from '../../providers/ansible/resolve.js';
import { expandHostPattern } from '../../providers/ansible/host-pattern.js';
import { statChanged } from '../../src/app/fleet-watch.js';
import { parseSshArgs } from '../../providers/ansible/ssh-args.js';
import type { ProviderEnv } from '../../providers/ssh-defaults.js';

const env: ProviderEnv = { home: '/home/op', localUser: 'op', fileExists: () => false };
const VAULT = '$ANSIBLE_VAULT;1.1;AES256\n    3961643562663135613962306664353833\n';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-ansible-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const INI = `# fleet
lonely ansible_host=10.0.0.9

[web]
web[01:03] ansible_user=deploy
[db]
db-[a:c]:2222 ansible_host=db.example.com  # trailing comment

[prod:children]
web
db

[prod:vars]
ansible_user=admin
remlite_services=["nginx", "ssh"]

[local]
control ansible_connection=local
`;

test('host ranges expand like Ansible: numbers keep their padding, letters, steps', () => {
  assert.deepEqual(expandHostPattern('web[01:03]'), ['web01', 'web02', 'web03']);
  assert.deepEqual(expandHostPattern('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
  assert.deepEqual(expandHostPattern('n[1:9:4].x'), ['n1.x', 'n5.x', 'n9.x']);
  assert.deepEqual(expandHostPattern('r[1:2]c[a:b]'), ['r1ca', 'r1cb', 'r2ca', 'r2cb']);
  assert.ok('error' in (expandHostPattern('web[03:01]') as object));
  assert.ok('error' in (expandHostPattern('web[1-3]') as object));
});

test('INI: groups, children, ranges, host:port, inline and group vars resolve with Ansible precedence', () => {
  const dir = tree({ 'hosts.ini': INI });
  const file = path.join(dir, 'hosts.ini');
  const hosts = resolveInventory(parseIniInventory(INI, file));
  const by = new Map(hosts.map((h) => [h.name, h]));
  assert.deepEqual([...by.keys()], ['lonely', 'web01', 'web02', 'web03', 'db-a', 'db-b', 'db-c', 'control']);
  // host line vars beat [prod:vars]
  assert.equal(by.get('web02')!.vars['ansible_user'], 'deploy');
  assert.equal(by.get('db-b')!.vars['ansible_user'], 'admin');
  assert.equal(by.get('db-b')!.vars['ansible_port'], 2222);
  assert.deepEqual(by.get('db-b')!.vars['remlite_services'], ['nginx', 'ssh']);
  assert.deepEqual(by.get('web01')!.groups, ['prod', 'web']);
  assert.deepEqual(by.get('lonely')!.groups, ['ungrouped']);
  assert.equal(by.get('db-c')!.origin, `${file}:7`);

  const { machines, warnings } = mapAnsibleHosts(hosts, { env, baseDir: dir });
  const m = new Map(machines.map((x) => [x.id, x]));
  assert.deepEqual(m.get('db-a')!.ssh, { host: 'db.example.com', port: 2222, user: 'admin', identityFiles: [], knownHostsFiles: ['/home/op/.ssh/known_hosts'] });
  assert.equal(m.get('web01')!.ssh!.host, 'web01');
  assert.equal(m.get('web01')!.pool, 'web');
  assert.equal(m.get('lonely')!.pool, 'ungrouped');
  assert.equal(m.get('lonely')!.ssh!.user, 'op');
  assert.deepEqual(m.get('web03')!.services, ['nginx', 'ssh']);
  assert.equal(m.get('control')!.ssh, undefined);
  assert.match(m.get('control')!.notProbed!, /ansible_connection=local/);
  assert.ok(warnings.some((w) => /"control" is listed but not probed/.test(w)));
});

test('INI errors name the file and line', () => {
  const text = '[web]\nweb1\n[web:weird]\nx\n[ok]\nh[3:1]\n';
  assert.throws(
    () => parseIniInventory(text, 'inv.ini'),
    (err: unknown) => err instanceof InventoryError && err.issues.map((i) => `${i.file}:${i.line}`).join(',') === 'inv.ini:3,inv.ini:6',
  );
  assert.throws(() => parseIniInventory('[web:vars]\nnot a var\n', 'v.ini'), /v\.ini:2:1: expected key=value/);
});

test('YAML inventory: nested children, host vars, ranges, !vault values become a marker', () => {
  const text = `all:
  vars:
    ansible_user: ops
  hosts:
    edge:
      ansible_host: 192.0.2.10
  children:
    web:
      hosts:
        web[1:2]:
          remlite_configs: [/etc/nginx/nginx.conf]
      vars:
        ansible_port: 2200
    db:
      hosts:
        db1:
          ansible_host: !vault |
            $ANSIBLE_VAULT;1.1;AES256
            6162636465
`;
  const hosts = resolveInventory(parseYamlInventory(text, 'inv.yml'));
  const { machines, warnings } = mapAnsibleHosts(hosts, { env, baseDir: '/x' });
  const m = new Map(machines.map((x) => [x.id, x]));
  assert.deepEqual(m.get('web2')!.ssh, { host: 'web2', port: 2200, user: 'ops', identityFiles: [], knownHostsFiles: ['/home/op/.ssh/known_hosts'] });
  assert.deepEqual(m.get('web1')!.checks!.configs, [{ path: '/etc/nginx/nginx.conf' }]);
  assert.equal(m.get('web1')!.origin, 'inv.yml:10');
  assert.equal(m.get('edge')!.ssh!.host, '192.0.2.10');
  assert.equal(m.get('db1')!.ssh, undefined);
  assert.match(m.get('db1')!.notProbed!, /value is vaulted: ansible_host/);
  assert.ok(!JSON.stringify({ machines, warnings }).includes('6162636465'));
  assert.throws(() => parseYamlInventory('all:\n  hostz: {}\n', 'bad.yml'), /bad\.yml:2:3: unknown key "hostz"/);
});

test('a directory with group_vars and host_vars merges as Ansible does: all < parent < child < host', () => {
  const dir = tree({
    'hosts': '[web]\nweb[01:02]\n[prod:children]\nweb\n',
    'extra.yml': 'all:\n  hosts:\n    solo:\n      ansible_host: 10.1.1.1\n',
    'ignored.ini': '[nope]\nshould-not-appear\n',
    'group_vars/all.yml': 'ansible_user: base\nansible_port: 2201\nremlite_site: dc1\n',
    'group_vars/prod.yml': 'ansible_user: produser\nansible_port: 2202\n',
    'group_vars/web/main.yml': `ansible_port: 2203\nsecret: !vault |\n  ${VAULT.trim().split('\n').join('\n  ')}\n`,
    'host_vars/web02.yaml': 'ansible_port: 2299\nansible_ssh_private_key_file: keys/web02\n',
  });
  const watched: string[] = [];
  const hosts = loadStaticInventory(dir, watched);
  const { machines } = mapAnsibleHosts(hosts, { env, baseDir: dir });
  const m = new Map(machines.map((x) => [x.id, x]));
  assert.deepEqual([...m.keys()].sort(), ['solo', 'web01', 'web02']);
  assert.deepEqual(m.get('web01')!.ssh, { host: 'web01', port: 2203, user: 'produser', identityFiles: [], knownHostsFiles: ['/home/op/.ssh/known_hosts'] });
  assert.equal(m.get('web02')!.ssh!.port, 2299);
  assert.deepEqual(m.get('web02')!.ssh!.identityFiles, [path.join(dir, 'keys/web02')]);
  assert.equal(m.get('solo')!.ssh!.user, 'base');
  assert.equal(m.get('solo')!.site, 'dc1');
  assert.ok(watched.includes(path.join(dir, 'group_vars/web/main.yml')) && watched.includes(path.join(dir, 'hosts')));
  assert.ok(!JSON.stringify(hosts, (_k, v: unknown) => (typeof v === 'symbol' ? 'VAULTED' : v)).includes('3961643562663135613962306664353833'));
});

test('a dynamic (executable) inventory without Ansible is refused with the file named', () => {
  const dir = tree({ 'inv.sh': '#!/bin/sh\necho {}\n' });
  chmodSync(path.join(dir, 'inv.sh'), 0o755);
  assert.throws(() => loadStaticInventory(path.join(dir, 'inv.sh')), /inv\.sh: an executable inventory \(dynamic script\) needs Ansible/);
});

test('ssh args: -J and ProxyJump are applied, other options make the host not probed', () => {
  assert.deepEqual(parseSshArgs('-J bastion -o UserKnownHostsFile=/k'), { jump: 'bastion', knownHostsFile: '/k', unsupported: [] });
  assert.deepEqual(parseSshArgs("-o 'ProxyJump=ops@gw:2222'").jump, 'ops@gw:2222');
  assert.deepEqual(parseSshArgs('-o ControlMaster=auto -C').unsupported, ['-o ControlMaster=auto', '-C']);
  const hosts = resolveInventory(parseIniInventory('[all:vars]\nansible_user=root\n[gw]\nbastion ansible_host=10.0.0.1 ansible_port=2022\n[app]\napp1 ansible_host=10.0.0.2 ansible_ssh_common_args="-J bastion"\napp2 ansible_ssh_common_args="-o ControlPersist=60s"\n', 'i'));
  const { machines } = mapAnsibleHosts(hosts, { env, baseDir: '/' });
  const m = new Map(machines.map((x) => [x.id, x]));
  assert.deepEqual(m.get('app1')!.ssh!.jump, { host: '10.0.0.1', port: 2022, user: 'root', identityFiles: [], knownHostsFiles: ["/home/op/.ssh/known_hosts"] });
  assert.equal(m.get('app2')!.ssh, undefined);
  assert.match(m.get('app2')!.notProbed!, /unsupported ssh args for remlite: -o ControlPersist=60s/);
});

test('pool: the preferred group setting wins, else the first own group in the inventory\'s order', () => {
  const h = { name: 'x', groups: ['dc1', 'prod', 'web'], directGroups: ['web', 'dc1'], vars: {}, origin: 'i:1' };
  assert.equal(choosePool(h), 'web');
  assert.equal(choosePool(h, ['prod']), 'prod');
  assert.equal(choosePool(h, ['nothere', 'web']), 'web');
});

test('ansible-inventory --list JSON: hosts, groups and vaulted values', () => {
  const json = JSON.stringify({
    _meta: { hostvars: { a: { ansible_host: '10.0.0.5', pw: { __ansible_vault: VAULT } }, b: { ansible_user: { __ansible_vault: VAULT } } } },
    all: { children: ['ungrouped', 'prod'] },
    prod: { children: ['web'] },
    web: { hosts: ['a', 'b'] },
    ungrouped: { hosts: ['c'] },
  });
  const hosts = parseInventoryList(json, '/inv');
  assert.deepEqual(hosts.map((h) => [h.name, h.groups]), [['a', ['prod', 'web']], ['b', ['prod', 'web']], ['c', ['ungrouped']]]);
  const { machines } = mapAnsibleHosts(hosts, { env, baseDir: '/' });
  assert.match(machines[1]!.notProbed!, /value is vaulted: ansible_user/);
  assert.ok(!JSON.stringify(machines).includes('ANSIBLE_VAULT'));
  assert.throws(() => parseInventoryList('not json ' + VAULT, '/inv'), (err: unknown) => err instanceof InventoryError && !err.message.includes('ANSIBLE_VAULT'));
});


test('pool: filters match any Ansible group of a host, not only its pool', async () => {
  const { parseFilter } = await import('../../src/store/selectors.js');
  const row = { name: 'web01', pool: 'web', groups: ['prod', 'web', 'zeta'], site: 'dc1', provider: 'ansible', role: '' } as unknown as Parameters<ReturnType<typeof parseFilter>>[0];
  assert.equal(parseFilter('pool:prod')(row), true);
  assert.equal(parseFilter('pool:zeta')(row), true);
  assert.equal(parseFilter('pool:db')(row), false);
});

test('--ansible-inventory is repeatable', async () => {
  const { parseCliArgs } = await import('../../src/cli/args.js');
  assert.deepEqual(parseCliArgs(['status', '--ansible-inventory', 'a.ini', '--ansible-inventory', 'inv/']).ansibleInventories, ['a.ini', 'inv/']);
  assert.deepEqual(parseCliArgs([]).ansibleInventories, []);
});

test('a wholly vaulted group_vars file is refused by the built-in reader, naming the file and not its text', () => {
  const dir = tree({ 'hosts': '[web]\nw1\n', 'group_vars/web.yml': VAULT });
  assert.throws(
    () => loadStaticInventory(dir),
    (err: unknown) => err instanceof InventoryError && /group_vars\/web\.yml: the whole file is vaulted/.test(err.message) && !err.message.includes('3961643562663135613962306664353833'),
  );
});

test('pool: both readers rank a host\'s groups as the inventory defines them (a child group defined before its parent included), not by name', () => {
  const ini = ['[zeta]', 'h1', '[alpha]', 'h1', 'h2', '[a]', 'h3', '[b]', 'h3', '[web:children]', 'a', ''].join('\n');
  const fromIni = new Map(resolveInventory(parseIniInventory(ini, 'order.ini')).map((h) => [h.name, h.directGroups]));
  assert.deepEqual(fromIni.get('h1'), ['zeta', 'alpha']);
  assert.deepEqual(fromIni.get('h3'), ['b', 'a'], 'a is a child of web, so it ranks after the top-level b');
  // What ansible-inventory --list prints for the same file (top-level groups as created, then children).
  const json = JSON.stringify({
    _meta: { hostvars: {} },
    all: { children: ['ungrouped', 'zeta', 'alpha', 'b', 'web'] },
    zeta: { hosts: ['h1'] }, alpha: { hosts: ['h1', 'h2'] }, b: { hosts: ['h3'] }, web: { children: ['a'] }, a: { hosts: ['h3'] },
  });
  const fromList = new Map(parseInventoryList(json, 'inv').map((h) => [h.name, h.directGroups]));
  assert.deepEqual(fromList, fromIni);
  assert.equal(choosePool({ name: 'h1', groups: [], directGroups: fromIni.get('h1')!, vars: {}, origin: '' }), 'zeta');
});

test('watching: an inventory directory and its vars directories are watched, so a file added there changes a watched stat', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-ansible-dirs-'));
  try {
    mkdirSync(path.join(dir, 'group_vars', 'web'), { recursive: true });
    mkdirSync(path.join(dir, 'host_vars'));
    writeFileSync(path.join(dir, 'hosts'), '[web]\nweb01\n');
    assert.deepEqual(inventoryDirs(dir).sort(), [dir, path.join(dir, 'group_vars'), path.join(dir, 'group_vars', 'web'), path.join(dir, 'host_vars')].sort());
    // An inventory file: only the vars directories beside it (its own directory may be a busy one).
    assert.deepEqual(inventoryDirs(path.join(dir, 'hosts')).sort(), [path.join(dir, 'group_vars'), path.join(dir, 'group_vars', 'web'), path.join(dir, 'host_vars')].sort());
    // The directory as an editor left it an hour ago; then a file is added to it.
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path.join(dir, 'host_vars'), hourAgo, hourAgo);
    const before = statSync(path.join(dir, 'host_vars'));
    writeFileSync(path.join(dir, 'host_vars', 'web01.yml'), 'ansible_port: 2222\n');
    assert.ok(statChanged(statSync(path.join(dir, 'host_vars')), before), 'the reload watcher sees the directory change');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
