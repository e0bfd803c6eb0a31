import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InventoryError, loadInventory } from '../../providers/datacenter.js';
import type { ProviderEnv } from '../../providers/ssh-defaults.js';
import { NO_CHECKS, type Machine } from '../../src/model/index.js';

function sandbox(): { dir: string; env: ProviderEnv } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-invchk-'));
  mkdirSync(path.join(dir, '.ssh'));
  return { dir, env: { home: dir, localUser: 'tester', fileExists: (f) => f.startsWith(dir) && existsSync(f) } };
}

async function load(text: string): Promise<{ file: string; result: Machine[] | InventoryError }> {
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

async function machines(text: string): Promise<Machine[]> {
  const { result } = await load(text);
  if (result instanceof InventoryError) assert.fail(result.message);
  return result;
}

async function expectError(text: string, line: number, column: number, reason: RegExp): Promise<InventoryError> {
  const { file, result } = await load(text);
  assert.ok(result instanceof InventoryError, 'expected an InventoryError');
  assert.equal(result.line, line, `line of: ${result.message}`);
  assert.equal(result.column, column, `column of: ${result.message}`);
  assert.match(result.reason, reason);
  assert.ok(result.message.startsWith(`${file}:${line}:${column}: `), result.message);
  assert.ok(result.hint.length > 0);
  return result;
}

const HOST = 'hosts:\n  - name: web1\n    address: 10.0.0.5\n';

test('every check key maps onto Machine.checks; logs are permission-watched too', async () => {
  const [web1] = await machines(`${HOST}    services: [apache2]
    logs: [/var/log/apache2/access.log]
    configs:
      - /etc/ssh/sshd_config
      - { path: /etc/apache2/apache2.conf, service: apache2 }
      - path: /etc/nginx/nginx.conf
        service: nginx
        test: "nginx -t -q"
    perm_files: [/var/log/apache2/error.log]
    data: [/srv/data/app.db, /srv/data/../data/app.db]
    modules: [ext4, nf_conntrack, dm-mod]
    databases: [remlite_app, mysql]
    cleanup: /srv/data/tmp
`);
  assert.deepEqual(web1!.checks, {
    configs: [
      { path: '/etc/ssh/sshd_config' },
      { path: '/etc/apache2/apache2.conf', service: 'apache2' },
      { path: '/etc/nginx/nginx.conf', service: 'nginx', test: 'nginx -t -q' },
    ],
    permFiles: ['/var/log/apache2/error.log', '/var/log/apache2/access.log'],
    dataPaths: ['/srv/data/app.db'],
    modules: ['ext4', 'nf_conntrack', 'dm-mod'],
    databases: [
      { engine: 'mysql', name: 'remlite_app' },
      { engine: 'mysql', name: 'mysql' },
    ],
    cleanupPaths: ['/srv/data/tmp'],
  });
});

test('a host without check keys (and no logs) gets NO_CHECKS', async () => {
  const [web1] = await machines(HOST);
  assert.equal(web1!.checks, NO_CHECKS);
});

test('check keys in defaults apply to every host; a key set on a host replaces it', async () => {
  const [a, b] = await machines(`defaults:
  modules: [ext4]
  configs: [/etc/ssh/sshd_config]
hosts:
  - name: a
    address: 10.0.0.1
  - name: b
    address: 10.0.0.2
    modules: [overlay]
    data: [/srv/x]
`);
  assert.deepEqual(a!.checks!.modules, ['ext4']);
  assert.deepEqual(a!.checks!.configs, [{ path: '/etc/ssh/sshd_config' }]);
  assert.deepEqual(a!.checks!.dataPaths, []);
  assert.deepEqual(b!.checks!.modules, ['overlay']);
  assert.deepEqual(b!.checks!.configs, [{ path: '/etc/ssh/sshd_config' }]);
  assert.deepEqual(b!.checks!.dataPaths, ['/srv/x']);
});

test('relative check paths are refused at their line and column', async () => {
  await expectError(`${HOST}    configs: [etc/ssh/sshd_config]\n`, 4, 15, /configs path "etc\/ssh\/sshd_config" is relative/);
  await expectError(`${HOST}    perm_files:\n      - var/log/x.log\n`, 5, 9, /perm_files path .* is relative/);
  await expectError(`${HOST}    data: [./app.db]\n`, 4, 12, /data path .* is relative/);
  await expectError(`${HOST}    cleanup: [tmp]\n`, 4, 15, /cleanup path .* is relative/);
  await expectError(`defaults:\n  data: [rel]\n${HOST}`, 2, 10, /data path "rel" is relative/);
});

test('unsafe module, database and service names are refused', async () => {
  await expectError(`${HOST}    modules: [ext4, "a;reboot"]\n`, 4, 21, /bad kernel module name "a;reboot"/);
  await expectError(`${HOST}    databases: [app-db]\n`, 4, 17, /bad database name "app-db"/);
  await expectError(`${HOST}    databases: ["x'; DROP"]\n`, 4, 17, /bad database name/);
  await expectError(`${HOST}    configs:\n      - { path: /etc/x.conf, service: "x;id" }\n`, 5, 39, /unsafe service name "x;id"/);
});

test('malformed config entries are refused with a hint', async () => {
  await expectError(`${HOST}    configs:\n      - { service: nginx }\n`, 5, 9, /config without a "path"/);
  const typo = await expectError(`${HOST}    configs:\n      - { path: /etc/x, servce: x }\n`, 5, 25, /unknown key "servce" in a config/);
  assert.match(typo.reason, /did you mean "service"/);
  await expectError(`${HOST}    configs:\n      - { path: /etc/x, test: "x -t" }\n`, 5, 25, /"test" without a "service"/);
  await expectError(`${HOST}    configs:\n      - [a, b]\n`, 5, 9, /must be a path or a mapping/);
  await expectError(`${HOST}    configs: /etc/x\n`, 4, 14, /"configs" must be a list/);
  await expectError(`${HOST}    modules: [1]\n`, 4, 15, /"modules" must be a non-empty string/);
  await expectError(`${HOST}    configs:\n      - { path: /etc/x, service: x, test: "a\\nb" }\n`, 5, 43, /spans lines/);
});

test('every problem of a file is reported, sorted by line', async () => {
  const { result } = await load(`${HOST}    modules: ["bad name"]\n    data: [rel]\n    databases: [ok_db, "bad-db"]\n`);
  assert.ok(result instanceof InventoryError);
  assert.deepEqual(result.issues.map((i) => i.line), [4, 5, 6]);
});
