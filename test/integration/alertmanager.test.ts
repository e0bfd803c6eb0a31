// Alertmanager alerts as findings, against a REAL Alertmanager and a REAL Prometheus scraping a
// REAL node_exporter (Debian packages): firing shows, a silence hides it, resolving clears it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALERTMANAGER_BIN, httpJson, prometheusConfig, prometheusUnavailableReason, promQuery, startAlertmanager, startNodeExporter, startPrometheus, waitUntil, type Daemon } from '../support/prometheus-stack.js';
import { waitFor } from '../support/wait-for.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { PrometheusProvider, resolvePrometheusConfig } from '../../providers/prometheus/index.js';
import { EVENTS_FILE, EventsLog } from '../../src/persist/events-log.js';

const skip = prometheusUnavailableReason() ?? (existsSync(ALERTMANAGER_BIN) ? false : `${ALERTMANAGER_BIN} is not installed`);
const HOST = 'am-host';
const daemons: Daemon[] = [];
let am: Daemon | undefined;
let core: RemliteConsole | undefined;
const dir = mkdtempSync(join(tmpdir(), 'remlite-am-'));

before(async () => {
  if (skip) return;
  const exporter = await startNodeExporter();
  daemons.push(exporter);
  const prom = await startPrometheus(prometheusConfig('node', [{ target: `${exporter.address}:${exporter.port}`, labels: { host: HOST, pool: 'backup' } }], 1));
  daemons.push(prom);
  am = await startAlertmanager();
  daemons.push(am);
  await waitUntil('Prometheus scraping the exporter', async () => (await promQuery(prom.url, 'up{job="node"} == 1').catch(() => [])).length === 1);
  const cfg = resolvePrometheusConfig({ labels: { name: 'host' }, refreshSec: 1 }, [prom.url], { home: dir }, [am.url])!;
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

async function postAlert(endsAt: Date): Promise<void> {
  const r = await httpJson(`${am!.url}/api/v2/alerts`, 'POST', [
    {
      labels: { alertname: 'BackupLate', host: HOST, severity: 'critical' },
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

test('an Alertmanager that is down is a failed part; the fleet still refreshes from Prometheus', { skip }, async () => {
  await am!.stop();
  daemons.splice(daemons.indexOf(am!), 1);
  const before = core!.store.getState().hosts[HOST]!.last!.at;
  await waitFor('the failed alertmanager part', () => {
    const part = Object.entries(core!.store.getState().providers).find(([n]) => n.startsWith('alertmanager:'));
    return part && !part[1].ok && part;
  }, 60_000);
  await waitFor('a newer scrape of the host', () => core!.store.getState().hosts[HOST]!.last!.at > before, 60_000);
  assert.equal(core!.store.getState().hosts[HOST]!.last!.reach, 'ok');
});

test('the events timeline has the alert firing and going by its name, and the Alertmanager failure', { skip }, async () => {
  const logged = await waitFor('the Alertmanager failure in the events log', () => {
    const { events } = new EventsLog(join(dir, EVENTS_FILE)).readAll();
    return events.some((e) => e.kind === 'provider-failed' && e.provider?.startsWith('alertmanager:')) && events;
  });
  const mine = logged.filter((e) => e.host === HOST && e.class === 'alert-firing');
  // Fired, silenced, back when the silence was deleted, resolved; fired again and silenced from the console.
  assert.deepEqual(mine.map((e) => e.kind).slice(0, 4), ['alert-firing', 'alert-resolved', 'alert-firing', 'alert-resolved']);
  for (const e of mine) assert.equal(e.alert, 'BackupLate');
  assert.equal(mine[0]!.severity, 'critical');
  assert.equal(mine[0]!.summary, 'alert BackupLate: backup is 3 h late');
  assert.equal(mine[0]!.hostTurnedCritical, true);
  const silence = logged.filter((e) => e.action === 'alertmanager.silence').map((e) => e.kind);
  assert.deepEqual(silence, ['action-started', 'action-finished']);
});
