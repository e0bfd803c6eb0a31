import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasAnsibleInventory, loadStaticInventory, mapAnsibleHosts, parseInventoryList, runInventoryList } from '../../providers/ansible/index.js';
import { loadFleet } from '../../providers/index.js';
import type { ProviderEnv } from '../../providers/ssh-defaults.js';

const skip = hasAnsibleInventory() ? false : 'ansible-inventory is not installed (apt-get install ansible-core; .ci/run does)';
const env: ProviderEnv = { home: '/home/op', localUser: 'op', fileExists: () => false };
const CIPHER = '6433363663383031623563353562613866';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-ansible-it-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const DIR = {
  'hosts': `lonely ansible_host=10.0.0.9
[web]
web[01:03] ansible_user=deploy
[db]
db-[a:b]:2222 ansible_host=db.example.com
[prod:children]
web
db
[prod:vars]
ansible_user=admin
remlite_services=["nginx", "ssh"]
[zeta]
web01
[side]
tool ansible_connection=docker
`,
  'more.yml': `all:
  children:
    cache:
      hosts:
        cache[1:2]:
          ansible_port: 2202
          remlite_configs: [/etc/redis/redis.conf]
`,
  'group_vars/all.yml': 'remlite_site: dc1\nansible_ssh_common_args: "-o UserKnownHostsFile=/etc/fleet/known_hosts"\n',
  'group_vars/prod.yml': 'ansible_port: 2201\n',
  'group_vars/web/main.yml': `ansible_port: 2203\napi_token: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ${CIPHER}\n`,
  'host_vars/web02.yml': 'ansible_host: 10.0.0.22\nansible_ssh_private_key_file: keys/web02\n',
  'host_vars/db-b.yml': `ansible_user: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ${CIPHER}\n`,
};

test('the same directory read by ansible-inventory --list and by the built-in reader gives the same fleet', { skip }, async () => {
  const dir = tree(DIR);
  const viaAnsible = mapAnsibleHosts(parseInventoryList(await runInventoryList(dir), dir), { env, baseDir: dir });
  const viaStatic = mapAnsibleHosts(loadStaticInventory(dir), { env, baseDir: dir });
  const strip = (ms: typeof viaStatic.machines) => ms.map(({ origin: _o, ...m }) => m).sort((a, b) => a.id.localeCompare(b.id));
  assert.deepEqual(strip(viaAnsible.machines), strip(viaStatic.machines));
  const m = new Map(viaAnsible.machines.map((x) => [x.id, x]));
  assert.equal(m.size, 9);
  assert.deepEqual(m.get('web02')!.ssh, { host: '10.0.0.22', port: 2203, user: 'deploy', identityFiles: [path.join(dir, 'keys/web02')], knownHostsFiles: ['/etc/fleet/known_hosts'] });
  assert.equal(m.get('db-a')!.ssh!.port, 2222);
  assert.equal(m.get('db-a')!.pool, 'db');
  assert.deepEqual(m.get('web01')!.groups, ['prod', 'web', 'zeta']);
  assert.deepEqual(m.get('cache2')!.checks!.configs, [{ path: '/etc/redis/redis.conf' }]);
  assert.match(m.get('db-b')!.notProbed!, /value is vaulted: ansible_user/);
  assert.match(m.get('tool')!.notProbed!, /ansible_connection=docker/);
  const everything = JSON.stringify([viaAnsible, viaStatic]);
  assert.ok(!everything.includes(CIPHER) && !everything.includes('ANSIBLE_VAULT'));
});

test('a host\'s pool is its first group in the order the inventory defines them, the same through ansible-inventory and the built-in reader', { skip }, async () => {
  // zeta comes before alpha in the file; a (a child of web) ranks after the top-level b.
  const dir = tree({ hosts: ['[zeta]', 'h1', '[alpha]', 'h1', 'h2', '[a]', 'h3', '[b]', 'h3', '[web:children]', 'a', ''].join('\n') });
  const pools = (ms: { id: string; pool: string }[]) => Object.fromEntries(ms.map((m) => [m.id, m.pool]));
  const viaAnsible = pools(mapAnsibleHosts(parseInventoryList(await runInventoryList(dir), dir), { env, baseDir: dir }).machines);
  const viaStatic = pools(mapAnsibleHosts(loadStaticInventory(dir), { env, baseDir: dir }).machines);
  assert.deepEqual(viaAnsible, { h1: 'zeta', h2: 'alpha', h3: 'b' });
  assert.deepEqual(viaStatic, viaAnsible);
});

test('loadFleet: native inventory beats Ansible, Ansible beats ~/.ssh/config, with a warning naming both places', { skip }, async () => {
  const dir = tree({
    ...DIR,
    'home/.ssh/config': 'Host web03\n  HostName 10.9.9.9\n',
    'native.yaml': 'hosts:\n  - name: web01\n    address: 10.8.8.8\n',
  });
  const hostsDir = tree(DIR);
  const fleet = await loadFleet({ home: path.join(dir, 'home'), includeLocal: false, inventoryPath: path.join(dir, 'native.yaml'), ansibleInventories: [hostsDir] });
  const m = new Map(fleet.machines.map((x) => [x.id, x]));
  assert.equal(m.get('web01')!.provider, 'datacenter');
  assert.equal(m.get('web03')!.provider, 'ansible');
  assert.ok(fleet.warnings.some((w) => /"web01" is also defined at .*native\.yaml:2 \(datacenter\); using that one/.test(w)));
  assert.ok(fleet.warnings.some((w) => /~\/\.ssh\/config:1: "web03" is also defined at .*\(ansible\); using that one/.test(w)));
  assert.match(fleet.providers['ansible']!.message!, /ansible-inventory/);
  assert.ok(fleet.ansibleFiles.includes(path.join(hostsDir, 'group_vars/web/main.yml')));
});

test('a broken inventory through ansible-inventory fails with the source named, no value printed', { skip }, async () => {
  const dir = tree({ 'hosts.yml': 'all:\n  hosts: [oops\n' });
  await assert.rejects(runInventoryList(dir), (err: Error) => err.message.includes(dir) && /ansible-inventory failed/.test(err.message));
});
