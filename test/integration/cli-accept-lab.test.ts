// `remlite accept` from a script (after a deploy), against a real lab host, and what happens to
// checks declared after a baseline: the inventory reload says which checks changed, the new ones
// are one "not yet accepted" finding, its repair accepts just them, and then they are watched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labExec, labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { FleetWatch } from '../../src/app/fleet-watch.js';
import { BaselineStore } from '../../src/baseline/store.js';
import type { Finding, HostBaseline } from '../../src/model/index.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const HOST = 'lab-web1';
const CONF = '/etc/remlite-accept/app.conf';
const DATA = '/srv/remlite-accept/app.db';
const NEW_DATA = '/srv/remlite-accept/new.db';
const dir = mkdtempSync(join(tmpdir(), 'remlite-cli-accept-'));
const inventory = join(dir, 'inventory.yaml');
const consoles: RemliteConsole[] = [];
let watch: FleetWatch | undefined;

async function sh(cmd: string): Promise<string> {
  const r = await labExec(HOST, cmd);
  assert.equal(r.code, 0, `${cmd}\n${r.stderr}`);
  return r.stdout;
}

function inventoryYaml(extraData: string[] = []): string {
  const lab = info as LabInfo;
  const address = lab.hosts.find((h) => h.name === HOST)!.address;
  return `defaults:
  user: root
  port: 22
  key: ${lab.clientKeyPath}
  known_hosts: ${lab.knownHostsPath}
  site: lab
hosts:
  - name: ${HOST}
    address: ${address}
    pool: web
    services: [apache2, ssh]
    configs: [${CONF}]
    data: [${[DATA, ...extraData].join(', ')}]
`;
}

function remlite(args: string[], stateDir: string) {
  return spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), ...args, '--inventory', inventory, '--no-local', '--no-ssh-config'], {
    encoding: 'utf8',
    timeout: 120_000,
    input: '',
    env: { ...process.env, HOME: dir, REMLITE_STATE_DIR: stateDir, REMLITE_CONFIG_DIR: join(dir, 'config') },
  });
}

async function consoleOver(stateDir: string, pollIntervalMs = 60_000): Promise<RemliteConsole> {
  const fleet = await loadFleet({ inventoryPath: inventory, noSshConfig: true, includeLocal: false });
  const c = createConsole({ machines: fleet.machines, auditPath: join(stateDir, 'audit.log'), stateDir, pollIntervalMs, probeTimeoutMs: 15_000, slowThresholdMs: 5000, maxConcurrent: 4, logScrollback: 50 });
  consoles.push(c);
  return c;
}

/** The first poll of HOST that started at or after t, once the console applied it. */
async function pollAfter(c: RemliteConsole, t: number): Promise<Finding[]> {
  await waitFor(`a poll of ${HOST} started after ${t}`, () => (c.store.getState().hosts[HOST]?.last?.at ?? 0) >= t);
  return c.store.getState().hosts[HOST]!.findings;
}

/** What a baseline says about the host's state (who and when left out). */
function content(b: HostBaseline | undefined) {
  assert.ok(b, 'a baseline is stored');
  return { files: b.files, modules: b.modules, databases: b.databases };
}

before(async () => {
  if (skip) return;
  writeFileSync(inventory, inventoryYaml());
  await sh(`mkdir -p /etc/remlite-accept /srv/remlite-accept && printf 'a=1\\n' > ${CONF} && head -c 4096 /dev/urandom > ${DATA} && head -c 2048 /dev/urandom > ${NEW_DATA}`);
  // rsyslog opens a log file at its first message, and the first test compares two accepts made
  // one after the other: the log files open then must not change between them (cron's first message
  // came between them once, and only the second accept learned /var/log/cron.log). One message on
  // each facility, waited for in every file Debian's rsyslog.conf writes them to.
  const token = `remlite-accept-warmup-${process.pid}`;
  const held = ['syslog', 'auth.log', 'cron.log', 'mail.log', 'user.log'].map((f) => `grep -qs ${token} /var/log/${f}`).join(' && ');
  await sh(
    `for f in auth cron daemon mail user; do logger -p "$f.info" ${token}; done; ` +
      `i=0; until ${held}; do i=$((i + 1)); [ $i -lt 300 ] || { echo "rsyslog wrote no ${token} line in 30 s" >&2; exit 1; }; sleep 0.1; done`,
  );
});

after(async () => {
  watch?.stop();
  for (const c of consoles) await c.close();
  if (!skip) await labExec(HOST, 'rm -rf /etc/remlite-accept /srv/remlite-accept');
  rmSync(dir, { recursive: true, force: true });
});

test('remlite accept HOST --yes stores the baseline the console\'s A stores, audited the same way, prints it; without --yes and a terminal it refuses; a later fault is found against it by remlite check', { skip }, async () => {
  const cli = join(dir, 'state-cli');
  const refused = remlite(['accept', HOST], join(dir, 'state-refused'));
  assert.equal(refused.status, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /not a terminal: add --yes/);
  assert.match(refused.stdout, new RegExp(`${HOST}: capture config ${CONF}, data ${DATA}`));
  assert.equal(new BaselineStore(join(dir, 'state-refused')).load(HOST).baseline, undefined, 'nothing stored');

  const r = remlite(['accept', HOST, '--yes'], cli);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /no baseline yet/);
  assert.match(r.stdout, new RegExp(`${HOST}: stored baseline, accepted \\S+ by \\S+:`));
  assert.match(r.stdout, new RegExp(`  config ${CONF} 0644 root:root sha256 [0-9a-f]{16} \\(copy kept\\)`));
  assert.match(r.stdout, new RegExp(`  data ${DATA} 0644 root:root sha256 [0-9a-f]{16} \\(copy kept\\)`));
  assert.match(r.stdout, new RegExp(`${HOST}: baseline accepted \\(2 files\\)`));
  const fromCli = new BaselineStore(cli).load(HOST).baseline;

  // The console's path: the same intent A dispatches, into another state dir.
  const viaConsole = join(dir, 'state-console');
  const c = await consoleOver(viaConsole);
  await c.intents.acceptBaseline({ machineId: HOST });
  const fromConsole = new BaselineStore(viaConsole).load(HOST).baseline;
  assert.deepEqual(content(fromCli), content(fromConsole), 'the same files, checksums, modes, owners and copies');
  assert.equal(fromCli!.acceptedBy, fromConsole!.acceptedBy);
  const auditOf = (d: string) => readFileSync(join(d, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; phase: string; command: string });
  const strip = (d: string) => auditOf(d).map((e) => [e.action, e.phase, e.command]);
  assert.deepEqual(strip(cli), strip(viaConsole), 'audited like the console (baseline.accept started/finished, what was captured)');

  // A fault after the accept is found against the stored baseline.
  await sh(`printf 'a=2\\n' > ${CONF}`);
  try {
    const check = remlite(['check', '--host', HOST], cli);
    assert.ok(check.status === 1 || check.status === 2, check.stdout + check.stderr);
    assert.match(check.stdout, new RegExp(`WARNING ${HOST}: config ${CONF} changed since the baseline`));
  } finally {
    await sh(`printf 'a=1\\n' > ${CONF}`);
  }
});

test('a data file declared after the accept: the reload says the checks changed, the next poll has one not-accepted warning, its repair accepts just it (the rest kept), then a fault on it is found', { skip }, async () => {
  const stateDir = join(dir, 'state-new-check');
  const c = await consoleOver(stateDir, 700);
  c.poller.start();
  await waitFor('a first probe', () => c.store.getState().hosts[HOST]?.last?.reach === 'ok');
  await c.intents.acceptBaseline({ machineId: HOST });
  const accepted = c.baselines.load(HOST).baseline!;
  // Log files the accept learned by itself (open by running services) stay beside the declared files.
  const learnedLogs = new Set((accepted.learned?.logs ?? []).map((l) => l.path));
  assert.deepEqual(Object.keys(accepted.files).filter((p) => !learnedLogs.has(p)).sort(), [CONF, DATA].sort());
  const clean = await pollAfter(c, Date.now());
  assert.deepEqual(clean.filter((f) => f.class === 'not-accepted'), []);

  watch = new FleetWatch({ store: c.store, files: [inventory], load: async () => (await loadFleet({ inventoryPath: inventory, noSshConfig: true, includeLocal: false })).machines, apply: (m) => c.replaceStaticMachines(m), intervalMs: 200 });
  watch.start();
  writeFileSync(inventory, inventoryYaml([NEW_DATA]));
  const notice = await waitFor('the reload notice', () => {
    const n = c.store.getState().notice?.text ?? '';
    return n.startsWith('fleet reloaded') ? n : undefined;
  });
  assert.equal(notice, `fleet reloaded: checks of ${HOST}: +data ${NEW_DATA}`);

  const seen = await pollAfter(c, Date.now());
  const f = seen.find((x) => x.class === 'not-accepted');
  assert.ok(f, `a not-accepted finding; got ${seen.map((x) => x.class).join(', ')}`);
  assert.equal(f.severity, 'warning');
  assert.equal(f.summary, '1 declared check not yet accepted: not watched');
  assert.equal(f.evidence[0], `data ${NEW_DATA}`);
  assert.deepEqual(f.repairs.map((r) => r.action), ['baseline.accept-new']);

  const planned = c.intents.plan({ machineId: HOST, action: f.repairs[0]!.action, params: f.repairs[0]!.params });
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
  assert.ok(planned.plan.command.includes(NEW_DATA) && !planned.plan.command.includes(CONF), 'only the new check is captured');
  await c.intents.run(planned.plan);
  const doneAt = Date.now();
  const run = c.store.getState().actions.find((a) => a.plan === planned.plan);
  assert.equal(run?.state, 'succeeded', `${run?.result?.error ?? ''}\n${run?.result?.outputTail ?? ''}`);
  const extended = c.baselines.load(HOST).baseline!;
  assert.equal(extended.acceptedAt, accepted.acceptedAt);
  assert.deepEqual(extended.files[CONF], accepted.files[CONF], 'the rest is not re-accepted');
  assert.deepEqual(extended.files[DATA], accepted.files[DATA]);
  const sum = (await sh(`sha256sum < ${NEW_DATA}`)).split(' ')[0];
  assert.equal(extended.files[NEW_DATA]?.sha256, sum);
  const watched = await pollAfter(c, doneAt);
  assert.deepEqual(watched.filter((x) => x.class === 'not-accepted' || x.class === 'data-corrupt').map((x) => x.summary), []);

  await sh(`head -c 2048 /dev/urandom > ${NEW_DATA}`);
  const faulted = await pollAfter(c, Date.now());
  const corrupt = faulted.find((x) => x.class === 'data-corrupt' && x.subject === NEW_DATA);
  assert.ok(corrupt, `data-corrupt for ${NEW_DATA}; got ${faulted.map((x) => `${x.class} ${x.subject ?? ''}`).join('; ')}`);
  assert.equal(corrupt.severity, 'critical');
});
