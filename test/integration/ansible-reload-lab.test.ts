// An edited Ansible inventory takes effect without a restart: a host_vars edit that gives a host its
// real address reconnects it; a broken edit of the INI file is reported with file:line and the fleet stays.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet, type LoadFleetOptions } from '../../providers/index.js';
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

test('an edited Ansible host_vars file re-addresses a host; a broken INI edit keeps the fleet and says where', { skip }, async () => {
  const lab = info as LabInfo;
  const web1 = lab.hosts.find((h) => h.name === 'lab-web1')!;
  const web2 = lab.hosts.find((h) => h.name === 'lab-web2')!;
  const dir = mkdtempSync(join(tmpdir(), 'remlite-ansible-reload-'));
  const inv = join(dir, 'inventory');
  mkdirSync(join(inv, 'host_vars'), { recursive: true });
  mkdirSync(join(inv, 'group_vars'), { recursive: true });
  const hostsText = `[web]\nfront1 ansible_host=${web1.address}\nfront2\n`;
  writeFileSync(join(inv, 'hosts'), hostsText);
  writeFileSync(join(inv, 'group_vars', 'all.yml'), `ansible_user: root\nansible_ssh_private_key_file: ${lab.clientKeyPath}\nansible_ssh_common_args: "-o UserKnownHostsFile=${lab.knownHostsPath}"\n`);
  const front2Vars = join(inv, 'host_vars', 'front2.yml');
  writeFileSync(front2Vars, 'ansible_host: 127.77.0.250\n'); // nothing listens there
  const opts: LoadFleetOptions = { ansibleInventories: [inv], ansibleReader: 'static', noSshConfig: true, includeLocal: false };
  const fleet = await loadFleet(opts);
  const c = createConsole({ machines: fleet.machines, auditPath: join(dir, 'audit.log'), pollIntervalMs: 700, probeTimeoutMs: 5000, slowThresholdMs: 5000, maxConcurrent: 8, logScrollback: 100 });
  core = c;
  c.poller.start();
  watch = new FleetWatch({ store: c.store, files: fleet.ansibleFiles, load: async () => (await loadFleet(opts)).machines, apply: (m) => c.replaceStaticMachines(m), intervalMs: 200 });
  watch.start();
  assert.ok(fleet.ansibleFiles.includes(front2Vars), 'host_vars files are watched');
  await waitFor('front2 unreachable at the wrong address', () => c.store.getState().hosts['front2']?.last?.reach === 'unreachable');

  writeFileSync(front2Vars, `ansible_host: ${web2.address}\n`);
  await waitFor('the reload notice', () => /fleet reloaded: 1 re-addressed/.test(c.store.getState().notice?.text ?? ''));
  await waitFor('front2 probed at its new address', () => c.store.getState().hosts['front2']?.last?.probe?.hostname === 'lab-web2', 60_000);

  writeFileSync(join(inv, 'hosts'), hostsText + '[db\nbroken\n');
  await waitFor('the error notice', () => c.store.getState().notice?.level === 'error');
  assert.match(c.store.getState().notice!.text, /fleet not reloaded.*inventory\/hosts:4:1: section header without a closing "\]"/);
  assert.deepEqual([...c.store.getState().order].sort(), ['front1', 'front2'], 'the running fleet is kept');
  assert.equal(c.store.getState().hosts['front2']!.machine.ssh!.host, web2.address);
});
