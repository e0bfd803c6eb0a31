import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InventoryError, loadFleet, localMachine } from '../../providers/index.js';

function home(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-fleet-'));
  mkdirSync(path.join(dir, '.ssh'));
  for (const [rel, text] of Object.entries(files)) writeFileSync(path.join(dir, rel), text);
  return dir;
}

test('loadFleet merges local, ssh config and inventory; inventory wins a duplicate id', async () => {
  const dir = home({
    '.ssh/config': 'Host shared\n  HostName 10.0.0.1\nHost only-ssh\n  HostName 10.0.0.2\n',
    'inv.yaml': 'hosts:\n  - name: shared\n    address: 10.0.0.100\n  - name: only-inv\n    address: 10.0.0.3\n',
  });
  const fleet = await loadFleet({ home: dir, inventoryPath: path.join(dir, 'inv.yaml') });
  assert.deepEqual(fleet.machines.map((m) => `${m.provider}:${m.id}`), ['local:local', 'sshconfig:only-ssh', 'datacenter:shared', 'datacenter:only-inv']);
  assert.equal(fleet.machines.find((m) => m.id === 'shared')!.ssh!.host, '10.0.0.100');
  assert.equal(fleet.warnings.length, 1);
  assert.match(fleet.warnings[0]!, /^~\/\.ssh\/config:1: "shared" is also defined at .*inv\.yaml:2 \(datacenter\); using that one$/);
  assert.deepEqual(fleet.providers['sshconfig'], { ok: true, machines: 1 });
  assert.deepEqual(fleet.providers['datacenter'], { ok: true, machines: 2 });
  assert.deepEqual(fleet.providers['local'], { ok: true, machines: 1 });
});

test('loadFleet without local machine nor inventory', async () => {
  const dir = home({ '.ssh/config': 'Host a\n' });
  const fleet = await loadFleet({ home: dir, includeLocal: false });
  assert.deepEqual(fleet.machines.map((m) => m.id), ['a']);
  assert.equal(fleet.providers['local'], undefined);
  assert.equal(fleet.providers['datacenter']!.machines, 0);
});

test('a malformed inventory propagates as InventoryError', async () => {
  const dir = home({ 'inv.yaml': 'hosts:\n  - name: a\n' });
  await assert.rejects(loadFleet({ home: dir, inventoryPath: path.join(dir, 'inv.yaml') }), (err: unknown) => err instanceof InventoryError && err.line === 2);
});

test('a malformed ssh config only disables that provider', async () => {
  const dir = home({
    '.ssh/config': 'Host a\n  User "open\n',
    'inv.yaml': 'hosts:\n  - name: b\n    address: 10.0.0.2\n',
  });
  const fleet = await loadFleet({ home: dir, inventoryPath: path.join(dir, 'inv.yaml'), includeLocal: false });
  assert.deepEqual(fleet.machines.map((m) => m.id), ['b']);
  assert.equal(fleet.providers['sshconfig']!.ok, false);
  assert.match(fleet.providers['sshconfig']!.message!, /cannot parse/);
  assert.ok(fleet.warnings.some((w) => /ssh config hosts disabled/.test(w)));
});

test('sshConfigPath overrides the default location', async () => {
  const dir = home({ 'custom-config': 'Host custom\n' });
  const fleet = await loadFleet({ home: dir, sshConfigPath: path.join(dir, 'custom-config'), includeLocal: false });
  assert.deepEqual(fleet.machines.map((m) => m.id), ['custom']);
});

test('localMachine describes this machine without ssh', () => {
  const m = localMachine(['cron', 'ssh', 'cron']);
  assert.equal(m.id, 'local');
  assert.equal(m.name, os.hostname());
  assert.equal(m.provider, 'local');
  assert.equal(m.ssh, undefined);
  assert.equal(m.site, 'local');
  assert.equal(m.pool, 'local');
  assert.deepEqual(m.services, ['cron', 'ssh']);
  assert.deepEqual(m.logs.filter((l) => l.kind === 'unit').map((l) => l.id), ['unit:cron', 'unit:ssh']);
  assert.ok(m.logs.filter((l) => l.kind === 'file').every((l) => l.target.startsWith('/var/log/')));
  assert.throws(() => localMachine(['ok', '$(reboot)']), /unsafe service name/);
});
