// The Prometheus provider against a REAL Prometheus (Debian package) scraping REAL node_exporters
// that run inside the lab hosts with the systemd collector, so they see each host's own units.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLab, isLabSkip, labExec, type LabInfo } from '../support/lab.js';
import { httpStatus, prometheusConfig, prometheusUnavailableReason, promQuery, startPrometheus, waitUntil, type PrometheusServer } from '../support/prometheus-stack.js';
import { waitFor } from '../support/wait-for.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { loadInventory } from '../../providers/datacenter.js';
import { PrometheusProvider, resolvePrometheusConfig } from '../../providers/prometheus/index.js';
import { appliedPollAfter } from '../../src/store/index.js';

const HOST = 'lab-web1';
const EXPORTER_PORT = 9100;
let lab: LabInfo | undefined;
let skip: string | false = prometheusUnavailableReason() ?? false;
let prom: PrometheusServer | undefined;
let core: RemliteConsole | undefined;
const dir = mkdtempSync(join(tmpdir(), 'remlite-prom-lab-'));

/** node_exporter inside a lab host: the base's Debian package, its unit started (lab.sh set its address and the systemd collector). */
async function startExporterIn(name: string, address: string): Promise<void> {
  const r = await labExec(name, 'systemctl start prometheus-node-exporter');
  assert.equal(r.code, 0, `${name}: ${r.stderr} (a lab booted on a base without node_exporter is restarted by npm run lab)`);
  await waitUntil(`node_exporter in ${name}`, async () => (await httpStatus(`http://${address}:${EXPORTER_PORT}/metrics`)) === 200);
}

before(async () => {
  if (skip) return;
  const l = await ensureLab(3);
  if (isLabSkip(l)) {
    skip = l.skip;
    return;
  }
  lab = l;
  await labExec(HOST, 'systemctl start apache2');
  // In the lab base, not started at boot: the hosts share one network namespace.
  assert.equal((await labExec(HOST, 'systemctl is-enabled prometheus-node-exporter')).stdout.trim(), 'disabled');
  for (const h of lab.hosts) await startExporterIn(h.name, h.address);
  const targets = lab.hosts.map((h) => ({ target: `${h.address}:${EXPORTER_PORT}`, labels: { host: h.name, pool: h.pool } }));
  prom = await startPrometheus(prometheusConfig('node', targets, 1));
  const p = prom;
  await waitUntil('Prometheus scraping every lab host', async () => (await promQuery(p.url, 'up{job="node"} == 1').catch(() => [])).length === lab!.hosts.length);
});

after(async () => {
  await core?.close();
  await prom?.stop();
  if (lab) {
    await labExec(HOST, 'systemctl start apache2');
    for (const h of lab.hosts) await labExec(h.name, 'systemctl stop prometheus-node-exporter');
  }
  rmSync(dir, { recursive: true, force: true });
});

function openConsole(statics: Awaited<ReturnType<typeof loadInventory>>, urls: string[], sshIdleMs = 60_000): RemliteConsole {
  const cfg = resolvePrometheusConfig({ labels: { name: 'host' }, refreshSec: 1 }, urls, { home: dir })!;
  return createConsole({
    machines: statics,
    auditPath: join(dir, 'state', 'audit.log'),
    pollIntervalMs: 2000,
    probeTimeoutMs: 10_000,
    slowThresholdMs: 5000,
    maxConcurrent: 8,
    logScrollback: 200,
    metrics: { provider: new PrometheusProvider(cfg), refreshMs: cfg.refreshMs, sshIdleMs },
  });
}

test('the lab fleet read from Prometheus: one row per host (inventory merged), healthy, not one SSH probe; a stopped unit is service-down in the first scrape after it; restarted, it clears', { skip }, async () => {
  const statics = await loadInventory(lab!.inventoryPath);
  mkdirSync(join(dir, 'state'), { recursive: true });
  core = openConsole(statics, [prom!.url], 1500);
  await core.metricsRefresh!.start();
  core.poller.start();
  const store = core.store;
  const names = lab!.hosts.map((h) => h.name).sort();
  assert.deepEqual([...store.getState().order].sort(), names, 'one row per host, though each is in the inventory and in Prometheus');
  for (const id of names) {
    const m = store.getState().hosts[id]!.machine;
    assert.equal(m.provider, 'prometheus');
    assert.equal(m.ssh?.host, lab!.hosts.find((h) => h.name === id)!.address, 'SSH details from the inventory entry');
    const declared = statics.find((x) => x.name === id)!.services;
    assert.ok(declared.length > 0 && declared.every((svc) => m.services.includes(svc)), `${id}: the inventory's services (${declared.join(', ')}) merged in`);
  }
  const healthy = await waitFor('every host polled through Prometheus', () => {
    const s = store.getState();
    return names.every((id) => s.hosts[id]?.last?.reach === 'ok') && s;
  });
  const web1 = healthy.hosts[HOST]!;
  assert.equal(web1.probe?.hostname, HOST, 'node_exporter inside the host reports its own hostname');
  assert.ok(web1.probe!.services.some((s) => s.name === 'apache2' && s.active === 'active'), 'the systemd collector sees the host’s own units');
  assert.ok(web1.probe!.volumes.length > 0 && web1.probe!.cpus > 0 && web1.probe!.memTotalBytes > 0);
  assert.deepEqual(web1.findings.filter((f) => f.class === 'service-down'), []);
  assert.equal(core.pool.stats().connections, 0, 'no SSH connection was opened to read the fleet');

  assert.equal((await labExec(HOST, 'systemctl stop apache2')).code, 0);
  const stoppedAt = Date.now();
  const poll = await appliedPollAfter(store, HOST, stoppedAt);
  const down = store.getState().hosts[HOST]!.findings.find((f) => f.class === 'service-down');
  assert.ok(down, `the first scrape after the stop shows it (poll at ${poll.at}, reach ${poll.reach})`);
  assert.equal(down.summary, 'service apache2 is inactive (dead)');
  assert.ok(down.repairs.some((r) => r.action === 'service.start'), 'the same repairs are offered');

  // SSH on demand: the repair goes over SSH with the inventory's settings; the connection closes when idle.
  assert.equal((await core.hostExec.exec(store.getState().hosts[HOST]!.machine, 'systemctl start apache2', 30_000)).code, 0);
  assert.equal(core.pool.stats().connections, 1);
  const startedAt = Date.now();
  await appliedPollAfter(store, HOST, startedAt);
  assert.deepEqual(store.getState().hosts[HOST]!.findings.filter((f) => f.class === 'service-down'), [], 'cleared in the first scrape after the start');
  await waitFor('the idle on-demand SSH connection closed', () => core!.pool.stats().connections === 0, 30_000);
});

test('Prometheus down: a provider failure, the last good fleet kept; check is UNKNOWN naming it', { skip }, async () => {
  const c = core!;
  const store = c.store;
  const before = [...store.getState().order].sort();
  const url = prom!.url;
  await prom!.stop();
  prom = undefined;
  await c.metricsRefresh!.refreshNow();
  const part = Object.entries(store.getState().providers).find(([name]) => name.startsWith('prometheus:'))!;
  assert.equal(part[1].ok, false);
  assert.match(part[1].message ?? '', /ECONNREFUSED|refused/i);
  assert.match(part[1].message ?? '', /showing the last good fleet/);
  assert.deepEqual([...store.getState().order].sort(), before, 'the last good fleet is kept');
  assert.equal(part[1].machines, before.length);
  // Headless: check over the whole fleet is UNKNOWN, naming the provider.
  const r = cli(['check', '--prometheus', url]);
  assert.equal(r.status, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /^REMLITE UNKNOWN - provider prometheus:127\.0\.0\.1:\d+ failed: /);
});

function cli(args: string[]) {
  const home = mkdtempSync(join(dir, 'cli-'));
  mkdirSync(join(home, 'c'), { recursive: true });
  writeFileSync(join(home, 'c', 'config.json'), JSON.stringify({ prometheus: { labels: { name: 'host' } } }), { mode: 0o600 });
  return spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), ...args, '--no-local', '--no-ssh-config'], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, HOME: home, REMLITE_STATE_DIR: join(home, 's'), REMLITE_CONFIG_DIR: join(home, 'c') },
  });
}

test('headless: status --json and check --prometheus read the whole fleet in one query set', { skip }, async () => {
  const targets = lab!.hosts.map((h) => ({ target: `${h.address}:${EXPORTER_PORT}`, labels: { host: h.name, pool: h.pool } }));
  prom = await startPrometheus(prometheusConfig('node', targets, 1));
  const p = prom;
  await waitUntil('Prometheus scraping every lab host', async () => (await promQuery(p.url, 'up{job="node"} == 1').catch(() => [])).length === lab!.hosts.length);
  const status = cli(['status', '--json', '--prometheus', p.url]);
  assert.equal(status.status, 0, status.stdout + status.stderr);
  const doc = JSON.parse(status.stdout) as { hosts: { name: string; provider: string; reach: string }[] };
  assert.deepEqual(doc.hosts.map((h) => [h.name, h.provider, h.reach]).sort(), lab!.hosts.map((h) => [h.name, 'prometheus', 'ok']).sort());
  assert.equal((await labExec(HOST, 'systemctl stop apache2')).code, 0);
  const stoppedAt = Date.now() / 1000;
  await waitUntil('a scrape after the stop', async () => (await promQuery(p.url, `timestamp(up{host="${HOST}"}) > ${stoppedAt}`)).length === 1);
  // Expected services from the inventory entries of the same names (one row per host, fed by Prometheus).
  const check = cli(['check', '--prometheus', p.url, '--inventory', lab!.inventoryPath]);
  assert.equal(check.status, 2, check.stdout + check.stderr);
  assert.match(check.stdout, new RegExp(`\\nCRITICAL ${HOST}: service apache2 is inactive`));
  // The repair goes over SSH on demand (the inventory's settings) and is verified by a later scrape.
  const repair = cli(['repair', HOST, 'service.start', 'service=apache2', '--yes', '--prometheus', p.url, '--inventory', lab!.inventoryPath]);
  assert.equal(repair.status, 0, repair.stdout + repair.stderr);
  assert.match(repair.stdout, /verified by a new probe: ok/);
  assert.doesNotMatch(repair.stdout.split('verified by a new probe')[1] ?? '', /apache2 is inactive/);
});
