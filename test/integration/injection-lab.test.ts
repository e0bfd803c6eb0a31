// Hostile values end to end on a real host: paths with quotes, ;, $(), backticks and spaces in the
// inventory reach the probe, the baseline capture, a restore and log streams; a canary file that
// any of them would create if it ever ran must not appear. Hostile service names never get that far.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const HOST = 'lab-web2';
// A file name cannot hold a slash, so each hostile name drops its canary in root's home directory.
const CANARY = '/root/remlite-canary';
const DIR = '/tmp/remlite-inj';
const hostile = {
  log: `${DIR}/$(cd;touch remlite-canary-1)'; cd; touch remlite-canary-2 #.log`,
  log2: `${DIR}/\`cd;touch remlite-canary-3\` x.log`,
  config: `${DIR}/a;cd;touch remlite-canary-4;.conf`,
  data: `${DIR}/"$(cd;touch remlite-canary-5)".db`,
};
let core: RemliteConsole;
let dir: string;

const b64 = (s: string) => Buffer.from(s).toString('base64');
/** Creates a file on the host without its name ever being parsed by a shell. */
const createOnHost = (path: string, content: string) =>
  labExec(HOST, `p=$(printf %s ${b64(path)} | base64 -d) && printf %s ${b64(content)} | base64 -d > "$p"`);

before(async () => {
  if (skip) return;
  const lab = info as LabInfo;
  await labExec(HOST, `rm -rf ${DIR} ${CANARY}-*; mkdir -p ${DIR}`);
  for (const [k, p] of Object.entries(hostile)) assert.equal((await createOnHost(p, `${k} content\n`)).code, 0);
  dir = mkdtempSync(join(tmpdir(), 'remlite-inj-'));
  const real = (await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false })).machines.find((m) => m.id === HOST)!;
  const inv = join(dir, 'inventory.yaml');
  writeFileSync(
    inv,
    stringify({
      hosts: [
        {
          name: HOST,
          address: real.ssh!.host,
          user: 'root',
          key: lab.clientKeyPath,
          known_hosts: lab.knownHostsPath,
          pool: 'web',
          services: ['apache2'],
          logs: [hostile.log, hostile.log2],
          configs: [hostile.config],
          data: [hostile.data],
        },
      ],
    }),
  );
  const fleet = await loadFleet({ inventoryPath: inv, noSshConfig: true, includeLocal: false });
  core = createConsole({ machines: fleet.machines, auditPath: join(dir, 'audit.log'), pollIntervalMs: 1000, probeTimeoutMs: 15_000, slowThresholdMs: 5000, maxConcurrent: 4, logScrollback: 100 });
  core.poller.start();
  await waitFor('a probe of the host', () => core.store.getState().hosts[HOST]?.last?.reach === 'ok');
});

after(async () => {
  await core?.close();
  if (!skip) await labExec(HOST, `rm -rf ${DIR} ${CANARY}-*`);
});

test('hostile service names are refused by the inventory with file and line', async () => {
  const d = mkdtempSync(join(tmpdir(), 'remlite-inj-svc-'));
  for (const bad of ['a;touch /tmp/x', '$(id)', '`id`', '-rf', 'x y']) {
    const inv = join(d, 'inv.yaml');
    writeFileSync(inv, stringify({ hosts: [{ name: 'h', address: '127.0.0.1', services: [bad] }] }));
    await assert.rejects(loadFleet({ inventoryPath: inv, noSshConfig: true, includeLocal: false }), /inv\.yaml:\d+:\d+/);
  }
});

test('probe, baseline, restore and log streams over hostile paths never run them', { skip }, async () => {
  const probe = core.store.getState().hosts[HOST]!.probe!;
  for (const p of [hostile.log, hostile.log2, hostile.config, hostile.data]) {
    const f = probe.files?.find((x) => x.path === p);
    assert.ok(f?.exists, `the probe saw ${JSON.stringify(p)}`);
  }

  await core.intents.acceptBaseline({ machineId: HOST });
  assert.ok(core.store.getState().baselineInfo?.[HOST], core.store.getState().notice?.text);

  // Overwrite the data file and restore it through the planner and runner.
  assert.equal((await createOnHost(hostile.data, 'garbage\n')).code, 0);
  const plan = core.intents.plan({ action: 'data.restore', machineId: HOST, params: { path: hostile.data } });
  assert.ok('plan' in plan, 'refused' in plan ? plan.refused : '');
  await core.intents.run(plan.plan);
  const run = core.store.getState().actions.find((a) => a.plan === plan.plan)!;
  assert.equal(run.state, 'succeeded', run.result?.outputTail);
  const back = await labExec(HOST, `cat "$(printf %s ${b64(hostile.data)} | base64 -d)"`);
  assert.equal(back.stdout, 'data content\n');

  for (const id of [`file:${hostile.log}`, `file:${hostile.log2}`]) {
    core.intents.openLog(HOST, id);
    await waitFor(`the stream of ${id}`, () => core.store.getState().log?.lines.some((l) => l.includes('content')));
  }
  core.intents.closeLog();

  const canaries = await labExec(HOST, `ls ${CANARY}-* 2>/dev/null | wc -l`);
  assert.equal(canaries.stdout.trim(), '0', 'no hostile value ever ran on the host');
  for (let i = 1; i <= 5; i++) for (const d of [process.env['HOME'] ?? '/root', process.cwd()]) assert.equal(existsSync(join(d, `remlite-canary-${i}`)), false, 'nor on this machine');
  const audit = readFileSync(join(dir, 'audit.log'), 'utf8');
  assert.ok(!audit.includes('data content'), 'file contents never reach the audit log');
});
