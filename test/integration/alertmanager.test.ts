// Alertmanager alerts as findings, against a REAL Alertmanager and a REAL Prometheus scraping a
// REAL node_exporter (Debian packages): firing shows, a silence hides it, resolving clears it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALERTMANAGER_BIN, httpJson, prometheusConfig, prometheusUnavailableReason, promQuery, startAlertmanager, startNodeExporter, startPrometheus, waitUntil, type Daemon } from '../support/prometheus-stack.js';
import { waitFor } from '../support/wait-for.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { PrometheusProvider, resolvePrometheusConfig } from '../../providers/prometheus/index.js';
import { EVENTS_FILE, EventsLog } from '../../src/persist/events-log.js';
import { answered } from '../support/lab-console.js';

const skip = prometheusUnavailableReason() ?? (existsSync(ALERTMANAGER_BIN) ? false : `${ALERTMANAGER_BIN} is not installed`);
const HOST = 'am-host';
const daemons: Daemon[] = [];
let am: Daemon | undefined;
let prom: Daemon | undefined;
let core: RemliteConsole | undefined;
const dir = mkdtempSync(join(tmpdir(), 'remlite-am-'));

before(async () => {
  if (skip) return;
  const exporter = await startNodeExporter();
  daemons.push(exporter);
  const p = await startPrometheus(prometheusConfig('node', [{ target: `${exporter.address}:${exporter.port}`, labels: { host: HOST, pool: 'backup' } }], 1));
  prom = p;
  daemons.push(p);
  am = await startAlertmanager();
  daemons.push(am);
  await waitUntil('Prometheus scraping the exporter', async () => (await promQuery(p.url, 'up{job="node"} == 1').catch(() => [])).length === 1);
  const cfg = resolvePrometheusConfig({ labels: { name: 'host' }, refreshSec: 1 }, [p.url], { home: dir }, [am.url])!;
  core = createConsole({
    machines: [],
    auditPath: join(dir, 'audit.log'),
    events: { file: join(dir, EVENTS_FILE) },
    pollIntervalMs: 5000,
    probeTimeoutMs: 10_000,
    slowThresholdMs: 5000,
    maxConcurrent: 4,
    logScrollback: 100,
    metrics: { provider: new PrometheusProvider(cfg), refreshMs: cfg.refreshMs, sshIdleMs: 60_000 },
  });
  await core.metricsRefresh!.start();
  core.poller.start();
});

after(async () => {
  await core?.close();
  for (const d of daemons.reverse()) await d.stop();
  rmSync(dir, { recursive: true, force: true });
});

const alertFindings = () => core!.store.getState().hosts[HOST]?.findings.filter((f) => f.class === 'alert-firing') ?? [];

async function postAlert(endsAt: Date, alertname = 'BackupLate'): Promise<void> {
  const r = await httpJson(`${am!.url}/api/v2/alerts`, 'POST', [
    {
      labels: { alertname, host: HOST, severity: 'critical' },
      annotations: { summary: 'backup is 3 h late', description: 'last good backup at 03:00' },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: endsAt.toISOString(),
    },
  ]);
  assert.equal(r.status, 200, JSON.stringify(r.json));
}

test('an active alert is a finding on its host; a silence hides it; resolved, it clears', { skip }, async () => {
  assert.deepEqual(alertFindings(), []);
  await postAlert(new Date(Date.now() + 3_600_000));
  const [firing] = await waitFor('the alert as a finding', () => alertFindings().length > 0 && alertFindings(), 60_000);
  assert.equal(firing!.severity, 'critical');
  assert.equal(firing!.summary, 'alert BackupLate: backup is 3 h late');
  assert.ok(firing!.evidence.includes('last good backup at 03:00'));

  const silence = await httpJson(`${am!.url}/api/v2/silences`, 'POST', {
    matchers: [{ name: 'alertname', value: 'BackupLate', isRegex: false, isEqual: true }],
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy: 'remlite-test',
    comment: 'known, backup window moved',
  });
  assert.equal(silence.status, 200, JSON.stringify(silence.json));
  await waitFor('the silenced alert gone from the host', () => alertFindings().length === 0, 60_000);

  const id = (silence.json as { silenceID: string }).silenceID;
  assert.equal((await httpJson(`${am!.url}/api/v2/silence/${id}`, 'DELETE')).status, 200);
  await waitFor('the alert back once the silence expired', () => alertFindings().length === 1, 60_000);

  await postAlert(new Date());
  await waitFor('the resolved alert cleared', () => alertFindings().length === 0, 60_000);
});

test('a silence created from the console (planned, confirmed, audited) is in Alertmanager and hides the alert', { skip }, async () => {
  await postAlert(new Date(Date.now() + 3_600_000));
  const [firing] = await waitFor('the alert as a finding', () => alertFindings().length > 0 && alertFindings(), 60_000);
  const repair = firing!.repairs.find((r) => r.action === 'alertmanager.silence');
  assert.ok(repair, 'the finding offers a silence');
  const planned = core!.intents.plan({ machineId: HOST, action: repair.action, params: { ...repair.params, duration: '90m', comment: 'backup window moved, ticket 42' } });
  assert.ok('plan' in planned, JSON.stringify(planned));
  const plan = planned.plan;
  assert.equal(plan.transport, 'cloud');
  assert.equal(plan.command, "amtool silence add alertname=BackupLate host=am-host --duration=90m '--comment=backup window moved, ticket 42'");
  assert.equal(await core!.intents.run(plan), undefined);
  const run = await waitFor('the silence action finished', () => core!.store.getState().actions.find((a) => a.plan === plan && a.result));
  assert.equal(run.result!.error, undefined, run.result!.outputTail);
  assert.match(run.result!.outputTail, /silence [0-9a-f-]+ created/);

  const listed = await httpJson(`${am!.url}/api/v2/silences`);
  const mine = (listed.json as { comment: string; createdBy: string; status: { state: string }; matchers: { name: string; value: string }[] }[]).filter((x) => x.comment === 'backup window moved, ticket 42');
  assert.equal(mine.length, 1);
  assert.equal(mine[0]!.status.state, 'active');
  assert.deepEqual(mine[0]!.matchers.map((m) => `${m.name}=${m.value}`).sort(), ['alertname=BackupLate', 'host=am-host']);
  await waitFor('the silenced alert gone from the host', () => alertFindings().length === 0, 60_000);
  const audit = readFileSync(join(dir, 'audit.log'), 'utf8');
  assert.match(audit, /alertmanager\.silence/);

  // A comment that is not one plain line is refused before anything is sent.
  const bad = core!.intents.plan({ machineId: HOST, action: 'alertmanager.silence', params: { ...repair.params, comment: 'x\u001b[2J' } });
  assert.ok('refused' in bad);
});

const alertPart = () => Object.entries(core!.store.getState().providers).find(([n]) => n.startsWith('alertmanager:'));

/** `remlite check` over the Prometheus fleet with these Alertmanagers (a fresh process: no alerts seen before). */
function check(alertmanagers: string[]) {
  const home = mkdtempSync(join(dir, 'cli-'));
  mkdirSync(join(home, 'c'), { recursive: true });
  writeFileSync(join(home, 'c', 'config.json'), JSON.stringify({ prometheus: { labels: { name: 'host' } } }), { mode: 0o600 });
  const am = alertmanagers.flatMap((u) => ['--alertmanager', u]);
  return spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), 'check', '--prometheus', prom!.url, ...am, '--no-local', '--no-ssh-config'], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, HOME: home, REMLITE_STATE_DIR: join(home, 's'), REMLITE_CONFIG_DIR: join(home, 'c') },
  });
}

test('an Alertmanager killed mid-run: a failed part, its last alerts kept marked stale (since when), the fleet still refreshes; check is UNKNOWN naming it; restarted, a good answer recovers', { skip }, async () => {
  await postAlert(new Date(Date.now() + 3_600_000), 'DiskLate');
  await waitFor('the alert as a fresh finding', () => alertFindings().length === 1 && !alertFindings()[0]!.summary.startsWith('stale'), 60_000);
  const lastGoodBefore = Date.now();
  const port = am!.port;
  await am!.kill();
  daemons.splice(daemons.indexOf(am!), 1);
  const killedAt = Date.now();

  const [name, health] = await waitFor('the failed alertmanager part', () => {
    const part = alertPart();
    return part && !part[1].ok && part;
  }, 60_000);
  assert.equal(name, `alertmanager:127.0.0.1:${port}`);
  assert.match(health.message ?? '', /ECONNREFUSED|refused/i);
  const since = /showing its alerts of (\S+), marked stale/.exec(health.message ?? '')?.[1];
  assert.ok(since, `the part says since when its alerts are old: ${health.message}`);

  const [stale] = await waitFor('the alert kept on its host, marked stale', () => alertFindings().length === 1 && alertFindings()[0]!.summary.startsWith('stale ') && alertFindings(), 60_000);
  assert.equal(stale!.summary, 'stale alert DiskLate: backup is 3 h late');
  assert.equal(stale!.severity, 'critical', 'the kept alert keeps its severity');
  assert.equal(stale!.evidence[0], `stale since ${since}: Alertmanager 127.0.0.1:${port} failing`);
  const sinceMs = Date.parse(since);
  assert.ok(sinceMs >= lastGoodBefore - 61_000 && sinceMs <= killedAt, `the last good answer (${since}) came before the kill`);

  // Prometheus refreshes go on, and each keeps the stale alert: only a good answer clears it.
  for (let i = 0; i < 2; i++) {
    const at = core!.store.getState().hosts[HOST]!.last!.at;
    await waitFor('a newer scrape of the host', () => core!.store.getState().hosts[HOST]!.last!.at > at, 60_000);
    assert.ok(answered(core!.store.getState().hosts[HOST]!.last!.reach), `reach ${core!.store.getState().hosts[HOST]!.last!.reach}`);
    assert.deepEqual(alertFindings().map((f) => f.summary), ['stale alert DiskLate: backup is 3 h late']);
  }

  // Headless: an Alertmanager that is down, or that answers with an error (Prometheus is no Alertmanager), is UNKNOWN naming it.
  const down = check([`http://127.0.0.1:${port}`]);
  assert.equal(down.status, 3, down.stdout + down.stderr);
  assert.match(down.stdout, new RegExp(`^REMLITE UNKNOWN - provider alertmanager:127\\.0\\.0\\.1:${port} failed: .*(ECONNREFUSED|refused)`));
  const wrong = check([prom!.url]);
  assert.equal(wrong.status, 3, wrong.stdout + wrong.stderr);
  assert.match(wrong.stdout, new RegExp(`^REMLITE UNKNOWN - provider alertmanager:127\\.0\\.0\\.1:${prom!.port} failed: HTTP 404`));

  // Restarted on the same address (empty, as after a crash): its good answer is the truth again.
  am = await startAlertmanager(port);
  daemons.push(am);
  await postAlert(new Date(Date.now() + 3_600_000), 'DiskLate');
  await waitFor('the alertmanager part healthy again', () => alertPart()?.[1].ok === true, 60_000);
  await waitFor('the alert fresh again (not stale)', () => alertFindings().length === 1 && alertFindings()[0]!.summary === 'alert DiskLate: backup is 3 h late', 60_000);
  assert.ok(!alertFindings()[0]!.evidence.some((e) => e.startsWith('stale')));
  await postAlert(new Date(), 'DiskLate');
  await waitFor('the resolved alert cleared by a good answer', () => alertFindings().length === 0, 60_000);
});

test('the events timeline has the alert firing and going by its name, and the Alertmanager failure', { skip }, async () => {
  const logged = await waitFor('the Alertmanager failure and the DiskLate alert gone, in the events log', () => {
    const { events } = new EventsLog(join(dir, EVENTS_FILE)).readAll();
    const failed = events.some((e) => e.kind === 'provider-failed' && e.provider?.startsWith('alertmanager:'));
    const diskGone = events.some((e) => e.host === HOST && e.alert === 'DiskLate' && e.kind === 'alert-resolved');
    return failed && diskGone && events;
  });
  const mine = logged.filter((e) => e.host === HOST && e.class === 'alert-firing' && e.alert === 'BackupLate');
  // Fired, silenced, back when the silence was deleted, resolved; fired again and silenced from the console.
  assert.deepEqual(mine.map((e) => e.kind).slice(0, 4), ['alert-firing', 'alert-resolved', 'alert-firing', 'alert-resolved']);
  const disk = logged.filter((e) => e.host === HOST && e.alert === 'DiskLate').map((e) => e.kind);
  assert.equal(disk[0], 'alert-firing', `DiskLate: ${disk.join(', ')}`);
  assert.equal(mine[0]!.severity, 'critical');
  assert.equal(mine[0]!.summary, 'alert BackupLate: backup is 3 h late');
  assert.equal(mine[0]!.hostTurnedCritical, true);
  const silence = logged.filter((e) => e.action === 'alertmanager.silence').map((e) => e.kind);
  assert.deepEqual(silence, ['action-started', 'action-finished']);
});
