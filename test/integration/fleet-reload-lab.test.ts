// An edited inventory takes effect without a restart: a host moved to its real address (a new IP)
// reconnects and turns healthy; a broken edit is reported with file and line, and the running fleet stays.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { FleetWatch } from '../../src/app/fleet-watch.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
let core: RemliteConsole | undefined;
let watch: FleetWatch | undefined;

after(async () => {
  watch?.stop();
  await core?.close();
});

test('a host given a new address in the inventory reconnects there; a broken edit keeps the fleet', { skip }, async () => {
  const lab = info as LabInfo;
  const dir = mkdtempSync(join(tmpdir(), 'remlite-reload-'));
  const inv = join(dir, 'inventory.yaml');
  const real = readFileSync(lab.inventoryPath, 'utf8');
  const web2 = lab.hosts.find((h) => h.name === 'lab-web2')!;
  // lab-web2 "lives" at an address where nothing listens.
  writeFileSync(inv, real.replace(`address: ${web2.address}`, 'address: 127.77.0.250'));
  const opts = { inventoryPath: inv, noSshConfig: true, includeLocal: false };
  const fleet = await loadFleet(opts);
  const c = createConsole({
    machines: fleet.machines,
    auditPath: join(dir, 'audit.log'),
    pollIntervalMs: 700,
    probeTimeoutMs: 5000,
    slowThresholdMs: 5000,
    maxConcurrent: 8,
    logScrollback: 100,
  });
  core = c;
  c.poller.start();
  watch = new FleetWatch({ store: c.store, files: [inv], load: async () => (await loadFleet(opts)).machines, apply: (m) => c.replaceStaticMachines(m), intervalMs: 200 });
  watch.start();
  await waitFor('lab-web2 unreachable at the wrong address', () => c.store.getState().hosts['lab-web2']?.last?.reach === 'unreachable');

  writeFileSync(inv, real); // the host "came back with a new IP"
  await waitFor('the reload notice', () => /fleet reloaded: 1 re-addressed/.test(c.store.getState().notice?.text ?? ''));
  await waitFor('lab-web2 probed at its new address', () => c.store.getState().hosts['lab-web2']?.last?.probe?.hostname === 'lab-web2', 60_000);
  assert.equal(c.store.getState().hosts['lab-web2']!.machine.ssh!.host, web2.address);

  writeFileSync(inv, real + '  - name: broken\n    adress: 1.2.3.4\n');
  await waitFor('the error notice', () => c.store.getState().notice?.level === 'error');
  assert.match(c.store.getState().notice!.text, /fleet not reloaded.*inventory\.yaml:\d+/);
  assert.deepEqual([...c.store.getState().order].sort(), lab.hosts.map((h) => h.name).sort(), 'the running fleet is kept');
});
