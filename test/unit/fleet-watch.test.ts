import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FleetWatch, statChanged } from '../../src/app/fleet-watch.js';
import { createFleetStore } from '../../src/store/index.js';
import { waitFor } from '../support/wait-for.js';

test('a file missing before and after is no change; an edit, a new file or a replaced file is', () => {
  const missing = { mtimeMs: 0, size: 0, ino: 0 };
  const file = { mtimeMs: 1700000000000, size: 120, ino: 42 };
  assert.equal(statChanged(missing, missing), false);
  assert.equal(statChanged(file, { ...file }), false);
  assert.equal(statChanged(file, missing), true, 'created');
  assert.equal(statChanged(missing, file), true, 'deleted');
  assert.equal(statChanged({ ...file, mtimeMs: file.mtimeMs + 1 }, file), true, 'edited');
  assert.equal(statChanged({ ...file, size: 121 }, file), true, 'edited within the same millisecond');
  assert.equal(statChanged({ ...file, ino: 43 }, file), true, 'replaced by rename (atomic save)');
});

test('a reload says what changed: hosts added and removed, addresses, checks per host, other fields; or that nothing did', async () => {
  const { diffFleet, describeFleetChange } = await import('../../src/app/fleet-diff.js');
  const { NO_CHECKS } = await import('../../src/model/index.js');
  const ssh = (host: string) => ({ host, port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] });
  const m = (id: string, extra: Record<string, unknown> = {}) =>
    ({ id, name: id, provider: 'datacenter', site: 'dc', pool: 'web', role: '', services: ['apache2'], logs: [], origin: 'inv:1', ssh: ssh(`10.0.0.${id.length}`), checks: { ...NO_CHECKS, configs: [{ path: '/etc/a.conf' }] }, ...extra }) as never;
  const before = [m('web1'), m('web22'), m('db1')];
  assert.equal(describeFleetChange(diffFleet(before, before)), 'fleet reloaded: no host, address or check changed');
  const after = [
    m('web1', { checks: { ...NO_CHECKS, configs: [{ path: '/etc/a.conf' }], dataPaths: ['/srv/app.db'], modules: ['ext4'] } }),
    m('web22', { ssh: ssh('10.0.9.9'), pool: 'front' }),
    m('cache1'),
  ];
  const change = diffFleet(before, after);
  assert.deepEqual(change.added, ['cache1']);
  assert.deepEqual(change.removed, ['db1']);
  assert.deepEqual(change.moved, [{ id: 'web22', from: 'root@10.0.0.5:22', to: 'root@10.0.9.9:22' }]);
  assert.deepEqual(change.checks, [{ id: 'web1', added: ['data /srv/app.db', 'module ext4'], removed: [] }]);
  assert.deepEqual(change.other, [{ id: 'web22', fields: ['pool'] }]);
  assert.equal(
    describeFleetChange(change),
    'fleet reloaded: 1 added (cache1); 1 removed (db1); 1 re-addressed (web22 root@10.0.0.5:22 → root@10.0.9.9:22); checks of web1: +data /srv/app.db, +module ext4; 1 otherwise changed (web22: pool)',
  );
  const dropped = diffFleet(after, [m('web1'), after[1]!, after[2]!]);
  assert.equal(describeFleetChange(dropped), 'fleet reloaded: checks of web1: -data /srv/app.db, -module ext4');
});

test('an edit made right after the watch starts reloads the fleet (before fs.watchFile has taken its own first stat)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-watch-'));
  const file = join(dir, 'inventory.yaml');
  writeFileSync(file, 'hosts: []\n');
  let loads = 0;
  const watch = new FleetWatch({
    store: createFleetStore(),
    files: [file],
    load: async () => (loads++, []),
    apply: () => ({ change: { added: [], removed: [], moved: [], checks: [], other: [] } }),
    intervalMs: 20,
  });
  try {
    watch.start();
    writeFileSync(file, 'hosts: [{ name: web1 }]\n');
    await waitFor('the reload of the edited file', () => loads > 0);
  } finally {
    watch.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
