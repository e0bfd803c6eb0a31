import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, Machine, PollResult } from '../../src/model/index.js';
import { DEFAULT_THRESHOLDS, detectAll } from '../../src/matrix/index.js';
import { fleetDefaults, mapFleet, stripPort, type FleetAnswers } from '../../providers/prometheus/map.js';
import { checkUrl, resolvePrometheusConfig, PrometheusConfigError } from '../../providers/prometheus/config.js';
import { fleetQueries, type QueryName } from '../../providers/prometheus/queries.js';
import { parseVector, type PromSample } from '../../providers/prometheus/http-query.js';
import { authorization } from '../../providers/prometheus/http-text.js';
import { mergeMetricsFleet } from '../../src/app/metrics-merge.js';
import { alertsByHost, alertSeverity, markStale } from '../../providers/prometheus/alertmanager.js';
import { checkReport } from '../../src/cli/check-report.js';

const NOW = 1_700_000_000_000;
const GiB = 1024 ** 3;
const env = { home: '/home/op', localUser: 'op', fileExists: () => false };
const cfg = resolvePrometheusConfig({ labels: { name: 'host' }, services: ['apache2'] }, ['http://127.0.0.1:9090/'], env)!;
const SERVER = cfg.urls[0]!;

/** The answers as parsed samples (FleetAnswers also takes sources of compact samples). */
type Samples = Record<QueryName, PromSample[]>;
const sample = (metric: Record<string, string>, value: number): PromSample => ({ metric, value });
const target = (host: string) => ({ job: 'node', instance: `127.0.1.${host.slice(-1)}:9100`, host, pool: 'web' });

/** What Prometheus answers for a fleet of two hosts: web1 healthy but for the faults given, web2 not scraped. */
function answers(faults: { rootFreeBytes?: number; filesFree?: number; readonlyVar?: boolean; apache?: string; load5?: number; memAvail?: number; clockAheadSec?: number } = {}): Samples {
  const w1 = target('web1');
  const w2 = target('web2');
  const scrape = NOW / 1000 - 2;
  // As the queries answer: one query per metric, aggregated by the host label (so no metric name), each read by its name.
  const fs = (mount: string, device: string, v: number, fstype?: string) => sample({ ...w1, mountpoint: mount, device, ...(fstype ? { fstype } : {}) }, v);
  const one = (v: number) => [sample(w1, v)];
  const rootFree = faults.rootFreeBytes ?? 60 * GiB;
  const answers: Samples = {
    targets: [sample({ __name__: 'up', ...w1 }, 1), sample({ __name__: 'up', ...w2 }, 0)],
    scrapeSec: [sample(w1, 0.02)],
    scrapedAt: [sample(w1, scrape), sample(w2, scrape)],
    uname: [sample({ ...w1, nodename: 'web1.example', release: '6.1.0-18-amd64' }, 1)],
    expected: [sample({ ...w1, service: 'cron' }, 1), sample({ ...w1, service: 'bad;name' }, 1)],
    cpus: one(2),
    'host.l1': one(faults.load5 ?? 0.5),
    'host.l5': one(faults.load5 ?? 0.5),
    'host.l15': one(0.4),
    'host.mt': one(8 * GiB),
    'host.ma': one(faults.memAvail ?? 4 * GiB),
    'host.st': [],
    'host.sf': [],
    'host.bt': one(scrape - 3600),
    'host.t': one(scrape + (faults.clockAheadSec ?? 0)),
    'host.tx': [],
    'fs.s': [fs('/', '/dev/vda1', 100 * GiB, 'ext4'), fs('/var', '/dev/vdb1', 10 * GiB, 'xfs')],
    'fs.f': [fs('/', '/dev/vda1', rootFree), fs('/var', '/dev/vdb1', 5 * GiB)],
    'fs.a': [fs('/', '/dev/vda1', Math.max(0, rootFree - 5 * GiB)), fs('/var', '/dev/vdb1', 5 * GiB)],
    'fs.i': [fs('/', '/dev/vda1', 1_000_000)],
    'fs.if': [fs('/', '/dev/vda1', faults.filesFree ?? 900_000)],
    // Only a read-only filesystem has a readonly series (the query keeps `== 1`).
    'fs.ro': faults.readonlyVar ? [fs('/var', '/dev/vdb1', 1)] : [],
    units: [
      sample({ ...w1, name: 'apache2.service', state: faults.apache ?? 'active', type: 'forking' }, 1),
      sample({ ...w1, name: 'cron.service', state: 'active', type: 'simple' }, 1),
      sample({ ...w1, name: 'evil\u001b[31m.service', state: 'failed', type: 'simple' }, 1),
    ],
    'unit.s': [sample({ ...w1, name: 'apache2.service' }, scrape - 600)],
    'unit.r': [sample({ ...w1, name: 'apache2.service' }, 1)],
  };
  return answers;
}

function findings(a: FleetAnswers): { machines: Machine[]; polls: PollResult[]; byHost: Record<string, Finding[]> } {
  const { machines, polls } = mapFleet(a, cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  const byHost: Record<string, Finding[]> = {};
  for (const poll of polls) {
    const machine = machines.find((m) => m.id === poll.machineId)!;
    // Two earlier scrapes alike: the sustained detectors (load, memory) need the condition to hold.
    const history = [{ ...poll, at: poll.at - 2000 }, { ...poll, at: poll.at - 1000 }];
    byHost[machine.id] = detectAll({ machine, poll, now: NOW, thresholds: DEFAULT_THRESHOLDS, history });
  }
  return { machines, polls, byHost };
}

const classes = (fs: Finding[] | undefined) => (fs ?? []).map((f) => f.class).sort();

test('the fleet is every target of the job, one machine each, named by the configured label and marked as fed by Prometheus', () => {
  const { machines, polls } = findings(answers());
  assert.deepEqual(machines.map((m) => [m.id, m.provider, m.pool, m.probedBy, m.ssh?.host, m.ssh?.user]), [
    ['web1', 'prometheus', 'web', 'prometheus', '127.0.1.1', 'op'],
    ['web2', 'prometheus', 'web', 'prometheus', '127.0.1.2', 'op'],
  ]);
  // Settings services and the host's own textfile declaration, the unsafe name dropped.
  assert.deepEqual(machines[0]!.services, ['apache2', 'cron']);
  const web1 = polls.find((p) => p.machineId === 'web1')!;
  assert.equal(web1.reach, 'ok');
  assert.equal(web1.at, NOW - 2000, 'a poll is dated by its scrape');
  const p = web1.probe!;
  assert.equal(p.hostname, 'web1.example');
  assert.equal(p.kernel, '6.1.0-18-amd64');
  assert.equal(p.cpus, 2);
  assert.equal(p.uptimeSec, 3600);
  assert.deepEqual(p.volumes.find((v) => v.mount === '/'), {
    mount: '/', device: '/dev/vda1', fstype: 'ext4', sizeBytes: 100 * GiB, usedBytes: 40 * GiB, availBytes: 55 * GiB, inodesTotal: 1_000_000, inodesUsed: 100_000, readOnly: false,
  });
  const apache = p.services.find((s) => s.name === 'apache2')!;
  assert.deepEqual([apache.active, apache.sub, apache.restarts, apache.sinceMs, apache.init], ['active', 'running', 1, NOW - 2000 - 600_000, 'systemd']);
  // A unit with no restart series never restarted (the query drops the zeros): no count, not a made-up one.
  assert.equal(p.services.find((s) => s.name === 'cron')!.restarts, undefined);
  assert.equal(p.volumes.find((v) => v.mount === '/var')!.readOnly, false, 'no readonly series: not read-only');
  assert.ok(!p.services.some((s) => s.name.includes('\u001b')), 'a unit name with control characters is dropped');
});

test('answers kept from minutes ago (SLOW_QUERIES) bring back no host or filesystem the fresh answers lack', () => {
  const a = answers();
  const gone = { job: 'node', instance: '127.0.1.9:9100', host: 'gone9', pool: 'web' };
  // A host removed since, and a filesystem unmounted since: only the slow answers still name them.
  a.uname = [...a.uname, sample({ ...gone, nodename: 'gone9', release: '6.1' }, 1)];
  a.cpus = [...a.cpus, sample(gone, 8)];
  a['fs.s'] = [...a['fs.s'], sample({ ...target('web1'), mountpoint: '/old', device: '/dev/vdc1', fstype: 'ext4' }, GiB)];
  const { machines, polls } = mapFleet(a, cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  assert.deepEqual(machines.map((m) => m.id), ['web1', 'web2']);
  const web1 = polls.find((p) => p.machineId === 'web1')!.probe!;
  assert.deepEqual(web1.volumes.map((v) => v.mount), ['/', '/var'], 'no volume of size only: it would read as full');
  assert.deepEqual(mapFleet(a, cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW).uncovered, [], 'what the fresh answers name, the slow ones cover');
});

test('a host that only reports its clock (an honor_labels exporter with no up series of its own) is a machine', () => {
  const a = answers();
  const lone = { instance: '127.0.1.7:9100', host: 'lone7' };
  a['host.t'] = [...a['host.t'], sample(lone, NOW / 1000)];
  a['host.l5'] = [...a['host.l5'], sample(lone, 0.25)];
  a['fs.f'] = [...a['fs.f'], sample({ ...lone, mountpoint: '/', device: '/dev/vda1' }, GiB)];
  const mapped = mapFleet(a, cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  assert.deepEqual(mapped.machines.map((m) => m.id), ['lone7', 'web1', 'web2']);
  assert.equal(mapped.polls.find((p) => p.machineId === 'lone7')?.probe?.load5, 0.25, 'its other series are read, whichever query comes first');
  assert.deepEqual(mapped.uncovered, ['lone7', 'lone7 /\u0000/dev/vda1'], 'its uname and filesystem size are missing: the slow answers do not cover it');
});

test('a healthy host gives no findings; a target Prometheus cannot scrape is unreachable', () => {
  const { byHost, polls } = findings(answers());
  assert.deepEqual(classes(byHost['web1']), []);
  assert.deepEqual(classes(byHost['web2']), ['unreachable']);
  assert.match(polls.find((p) => p.machineId === 'web2')!.error!, /up == 0/);
});

test('the same detectors fire on Prometheus data as on an SSH probe', () => {
  const cases: [Parameters<typeof answers>[0], string, string][] = [
    [{ apache: 'inactive' }, 'service-down', 'service apache2 is inactive (dead)'],
    [{ apache: 'failed' }, 'service-down', 'service apache2 is failed (failed)'],
    [{ rootFreeBytes: 2 * GiB }, 'disk-full', '/ is 100% full'],
    [{ filesFree: 10_000 }, 'inodes-full', ''],
    [{ readonlyVar: true }, 'fs-read-only', ''],
    [{ load5: 20 }, 'high-load', ''],
    [{ memAvail: 0.1 * GiB }, 'memory-pressure', ''],
    [{ clockAheadSec: 120 }, 'clock-skew', 'clock is 120 s ahead'],
  ];
  for (const [fault, cls, summary] of cases) {
    const got = findings(answers(fault)).byHost['web1'] ?? [];
    const f = got.find((x) => x.class === cls);
    assert.ok(f, `${cls} expected for ${JSON.stringify(fault)}, got ${classes(got).join(',')}`);
    if (summary) assert.equal(f.summary, summary);
  }
});

test('queries cover the whole fleet: none names a host, each selects the job', () => {
  const q = fleetQueries('node|edge');
  assert.equal(Object.keys(q).length, 25, 'a fixed set of queries, whatever the fleet size');
  for (const promql of Object.values(q)) {
    assert.match(promql, /job=~"node\|edge"/);
    assert.doesNotMatch(promql, /instance=|host=/);
  }
  assert.match(q.units, /name=~"\.\+\\\\\.service"/);
});

test('a host label that is not a host name is skipped with a warning, never drawn', () => {
  const a = answers();
  a.targets.push(sample({ __name__: 'up', job: 'node', instance: 'x:9100', host: '../../etc\u001b[2J' }, 1));
  const { machines, warnings } = mapFleet(a, cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  assert.deepEqual(machines.map((m) => m.id), ['web1', 'web2']);
  assert.equal(warnings.length, 1);
  assert.doesNotMatch(warnings[0]!, /\u001b/);
});

test('stripPort keeps names and addresses, drops the port', () => {
  assert.equal(stripPort('web1:9100'), 'web1');
  assert.equal(stripPort('[::1]:9100'), '::1');
  assert.equal(stripPort('web1'), 'web1');
});

test('config: URLs are checked, credentials never in the URL, auth read from a file or the environment at use', () => {
  assert.equal(checkUrl('http://prom:9090/'), 'http://prom:9090');
  assert.throws(() => checkUrl('http://u:p@prom:9090'), PrometheusConfigError);
  assert.throws(() => checkUrl('ftp://prom'), PrometheusConfigError);
  assert.throws(() => checkUrl('http://prom:9090/?q=1'), PrometheusConfigError);
  assert.equal(resolvePrometheusConfig(undefined, [], env), undefined);
  assert.throws(() => resolvePrometheusConfig({ job: 'no"de' }, ['http://p'], env), PrometheusConfigError);
  assert.throws(() => resolvePrometheusConfig({ basicAuth: { user: 'u' } }, ['http://p'], env), PrometheusConfigError);
  const bearer = resolvePrometheusConfig({ bearerToken: { env: 'PROM_TOKEN' } }, ['http://p'], env)!;
  assert.equal(authorization(bearer.auth, { PROM_TOKEN: 'tok\n' }), 'Bearer tok');
  assert.throws(() => authorization(bearer.auth, {}), /PROM_TOKEN is not set/);
  const basic = resolvePrometheusConfig({ basicAuth: { user: 'u', passwordEnv: 'PW' } }, ['http://p'], env)!;
  assert.equal(authorization(basic.auth, { PW: 'secret' }), 'Basic ' + Buffer.from('u:secret').toString('base64'));
  // flags replace the settings' URLs
  assert.deepEqual(resolvePrometheusConfig({ urls: ['http://a:1'] }, ['http://b:2'], env)!.urls, ['http://b:2']);
});

test('parseVector: samples, and Prometheus errors as one line', () => {
  const ok = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 'a' }, value: [1, '2.5'] }] } });
  assert.deepEqual(parseVector(ok), [{ metric: { instance: 'a' }, value: 2.5 }]);
  // A hostile server: label values that are not strings are dropped, a label set that is not an object skips the sample.
  const odd = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { instance: 'b', n: 5, o: { x: 1 } }, value: [1, '1'] }, { metric: ['x'], value: [1, '1'] }, { metric: null, value: [1, '1'] }] } });
  assert.deepEqual(parseVector(odd), [{ metric: { instance: 'b' }, value: 1 }]);
  assert.throws(() => parseVector(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error\u001b[2J' })), (e: Error) => /bad_data: parse error/.test(e.message) && !e.message.includes('\u001b'));
  assert.throws(() => parseVector('<html>'), /not JSON/);
  // NaN and infinities (a broken exporter) are left out, as if the series were absent: they would reach the detectors as numbers otherwise.
  const nonFinite = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: ['NaN', '+Inf', '-Inf', 'x', '3'].map((v, i) => ({ metric: { instance: `h${i}` }, value: [1, v] })) } });
  assert.deepEqual(parseVector(nonFinite), [{ metric: { instance: 'h4' }, value: 3 }]);
});

test('a host in the inventory and in Prometheus is one row: fed by Prometheus, reached as the inventory says', () => {
  const { machines } = mapFleet(answers(), cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  const inventory: Machine = {
    id: 'web1', name: 'web1', provider: 'datacenter', site: 'par1', pool: 'frontend', role: 'www',
    ssh: { host: '10.0.0.1', port: 2222, user: 'admin', identityFiles: ['/k'], knownHostsFiles: ['/kh'] },
    services: ['nginx'], logs: [{ id: 'unit:nginx', kind: 'unit', target: 'nginx' }], origin: 'inventory.yaml:3',
  };
  const other: Machine = { ...inventory, id: 'db1', name: 'db1', origin: 'inventory.yaml:9' };
  const fleet = mergeMetricsFleet([inventory, other], machines);
  assert.deepEqual(fleet.map((m) => [m.id, m.provider, m.probedBy]), [['db1', 'datacenter', undefined], ['web1', 'prometheus', 'prometheus'], ['web2', 'prometheus', 'prometheus']]);
  const web1 = fleet.find((m) => m.id === 'web1')!;
  assert.deepEqual([web1.ssh?.host, web1.ssh?.port, web1.ssh?.user, web1.pool, web1.services], ['10.0.0.1', 2222, 'admin', 'frontend', ['nginx']]);
});

test('check: a failed Prometheus makes the answer UNKNOWN and names it', () => {
  const r = checkReport({ hosts: {}, order: [] }, [{ name: 'prometheus:127.0.0.1:9090', message: 'connect ECONNREFUSED' }]);
  assert.equal(r.code, 3);
  assert.match(r.text, /^REMLITE UNKNOWN - provider prometheus:127\.0\.0\.1:9090 failed: connect ECONNREFUSED/);
});

test('Alertmanager alerts map onto their hosts with severity from the label, text sanitized, and become alert-firing findings', () => {
  const byHost = alertsByHost(
    [
      { labels: { alertname: 'BackupLate', host: 'web1', severity: 'page' }, annotations: { summary: 'late\u001b[2J', description: 'since 03:00' }, startsAt: '2026-01-01T00:00:00Z', fingerprint: 'abc' },
      { labels: { alertname: 'Noisy', instance: 'web2:9100' }, annotations: {}, fingerprint: 'def' },
      { labels: { alertname: 'NoHost' } },
    ],
    'host',
    'am:9093',
  );
  assert.deepEqual([...byHost.keys()].sort(), ['web1', 'web2']);
  const a = byHost.get('web1')![0]!;
  assert.deepEqual([a.name, a.severity, a.summary.includes('\u001b'), a.description], ['BackupLate', 'critical', false, 'since 03:00']);
  assert.equal(byHost.get('web2')![0]!.severity, 'warning');
  assert.equal(alertSeverity('info'), 'info');
  const { machines, polls } = mapFleet(answers(), cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  const poll = polls.find((p) => p.machineId === 'web1')!;
  const fs = detectAll({ machine: machines[0]!, poll: { ...poll, probe: { ...poll.probe!, alerts: byHost.get('web1')! } }, now: NOW, thresholds: DEFAULT_THRESHOLDS });
  const f = fs.find((x) => x.class === 'alert-firing')!;
  assert.equal(f.severity, 'critical');
  assert.match(f.summary, /^alert BackupLate: late/);
});

test('the last alerts of a failing Alertmanager stay on their hosts marked stale, saying since when; the input is not changed', () => {
  const byHost = alertsByHost([{ labels: { alertname: 'BackupLate', host: 'web1', severity: 'critical' }, annotations: { summary: 'late' }, startsAt: '2026-01-01T00:00:00Z', fingerprint: 'abc' }], 'host', 'am:9093');
  const stale = markStale(byHost, NOW);
  assert.equal(stale.get('web1')![0]!.staleSince, '2023-11-14T22:13:20Z');
  assert.equal(byHost.get('web1')![0]!.staleSince, undefined);
  const { machines, polls } = mapFleet(answers(), cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  const poll = polls.find((p) => p.machineId === 'web1')!;
  const findings = (alerts: NonNullable<PollResult['probe']>['alerts']) =>
    detectAll({ machine: machines[0]!, poll: { ...poll, probe: { ...poll.probe!, alerts } }, now: NOW, thresholds: DEFAULT_THRESHOLDS }).filter((x) => x.class === 'alert-firing');
  const [f] = findings(stale.get('web1'));
  assert.equal(f!.summary, 'stale alert BackupLate: late');
  assert.equal(f!.severity, 'critical');
  assert.equal(f!.evidence[0], 'stale since 2023-11-14T22:13:20Z: Alertmanager am:9093 failing');
  const [fresh] = findings(byHost.get('web1'));
  assert.equal(fresh!.summary, 'alert BackupLate: late');
  assert.equal(fresh!.subject, f!.subject, 'the same finding, stale or not');
});

test('queries: only up brings a target label set; every other series comes aggregated by the host label', () => {
  const q = fleetQueries('node', 'host');
  assert.equal(q.targets, 'up{job=~"node"}');
  for (const [name, promql] of Object.entries(q)) {
    if (name === 'targets') continue;
    // One selector, inside an aggregation by the host label: no series keeps job, pool, site... nor its metric name.
    assert.match(promql, /^(max|count) by \(host[,)]/, `${name}: ${promql}`);
    assert.equal(promql.split('{').length, 2, `${name}: one selector`);
    assert.doesNotMatch(promql, / or |label_replace/, `${name}: no set operation or relabelling for the server to do`);
  }
  assert.match(q['fs.ro'], /node_filesystem_readonly\{[^}]*\}\) == 1$/);
  assert.match(q['unit.r'], /node_systemd_service_restart_total\{[^}]*\}\) > 0$/);
  assert.match(q['host.tx'], /node_textfile_scrape_error\{[^}]*\}\) > 0$/);
});

test('the mapping reads no label the aggregated queries drop', () => {
  // What each query keeps: the labels of its `by (...)` clause.
  const q = fleetQueries('node', 'host');
  const kept = (promql: string) => new Set([...promql.matchAll(/by \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(', ')));
  const full = answers({ apache: 'failed', rootFreeBytes: 2 * GiB, readonlyVar: true });
  const slim = Object.fromEntries(
    Object.entries(full).map(([name, samples]) => [
      name,
      samples.map((s) => {
        if (name === 'targets' && s.metric['__name__'] === 'up') return s;
        const labels = kept(q[name as keyof typeof q]);
        return sample(Object.fromEntries(Object.entries(s.metric).filter(([k]) => labels.has(k))), s.value);
      }),
    ]),
  ) as Samples;
  const map = (a: FleetAnswers) => mapFleet(a, cfg, SERVER, fleetDefaults(cfg, SERVER, env), NOW);
  assert.deepEqual(map(slim), map(full));
  assert.ok(map(slim).polls.find((p) => p.machineId === 'web1')!.probe!.services.some((s) => s.name === 'apache2' && s.active === 'failed'));
});
