// Detectors of what the baseline learned by itself: units running at accept (service-down without
// any declaration) and ports that stop answering (service-unresponsive), plus declared health checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostBaseline, HostProbe, Machine, ReachCheckResult, ServiceStatus } from '../../src/model/index.js';
import type { HostState } from '../../src/store/index.js';
import { DEFAULT_THRESHOLDS, detectAll, type DetectContext } from '../../src/matrix/index.js';
import { detectServiceDown } from '../../src/matrix/service-down.js';
import { detectServiceUnresponsive } from '../../src/matrix/service-unresponsive.js';
import { planAction } from '../../src/actions/planner.js';

const NOW = 1_700_000_000_000;

function machine(services: string[]): Machine {
  return { id: 'web1', name: 'web1', provider: 'datacenter', site: 's', pool: 'web', role: 'web', ssh: { host: '127.0.1.1', port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] }, services, logs: [], origin: 'x' };
}

function svc(name: string, active: string, sub: string, extra: Partial<ServiceStatus> = {}): ServiceStatus {
  return { name, active, sub, load: 'loaded', init: 'systemd', ...extra };
}

const BASELINE: HostBaseline = {
  machineId: 'web1',
  acceptedAt: '2026-12-01T10:00:00.000Z',
  acceptedBy: 'ops',
  files: {},
  modules: [],
  databases: {},
  learned: {
    units: ['apache2.service', 'cron.service', 'dbus.service'],
    sockets: [{ unit: 'apache2.service', address: '127.0.0.1', port: 80, protocol: 'http' }],
  },
};

function ctx(services: ServiceStatus[], reach: ReachCheckResult[] = [], declared: string[] = ['apache2'], baseline: HostBaseline | null = BASELINE): DetectContext {
  const probe: HostProbe = {
    hostname: 'web1', remoteTimeMs: NOW, uptimeSec: 100, load1: 0, load5: 0, load15: 0, cpus: 2, memTotalBytes: 1e9, memAvailableBytes: 5e8,
    swapTotalBytes: 0, swapFreeBytes: 0, kernel: '6', init: 'systemd', volumes: [], services, warnings: [], reach,
  };
  const c: DetectContext = { machine: machine(declared), poll: { machineId: 'web1', at: NOW, reach: 'ok', probe }, now: NOW, thresholds: DEFAULT_THRESHOLDS };
  if (baseline) c.baseline = baseline;
  return c;
}

const RUNNING = [svc('apache2', 'active', 'running', { mainPid: 83 }), svc('cron', 'active', 'running'), svc('dbus', 'active', 'running')];

test('a healthy host with a learned baseline has no finding', () => {
  assert.deepEqual(detectAll(ctx(RUNNING, [{ origin: 'learned', service: 'apache2', check: 'HEAD / on 127.0.0.1:80', ok: true }])), []);
});

test('service-down (learned): cron ran at accept, nothing declares it, now inactive (dead): critical, says A accepts it stopped', () => {
  const f = detectServiceDown(ctx([RUNNING[0]!, svc('cron', 'inactive', 'dead'), RUNNING[2]!]));
  assert.deepEqual(f.map((x) => `${x.class} ${x.severity} ${x.subject} ${x.summary}`), ['service-down critical cron service cron is inactive (dead); it ran at accept']);
  assert.ok(f[0]!.evidence.some((e) => /accept the host again \(A\)/.test(e)));
  assert.deepEqual(f[0]!.repairs.map((r) => r.action), ['service.start', 'service.restart']);
});

test('service-down (learned): no double report for an expected service or a failed unit; nothing without a learned baseline', () => {
  const failed = detectServiceDown(ctx([RUNNING[0]!, svc('cron', 'failed', 'failed'), RUNNING[2]!]));
  assert.deepEqual(failed.map((x) => x.summary), ['service cron is failed (failed)'], 'the failed-unit rule reports it, once');
  const expected = detectServiceDown(ctx([svc('apache2', 'inactive', 'dead'), RUNNING[1]!, RUNNING[2]!]));
  assert.deepEqual(expected.map((x) => x.summary), ['service apache2 is inactive (dead)'], 'the expected-service rule reports it, once');
  assert.deepEqual(detectServiceDown(ctx([RUNNING[0]!, svc('cron', 'inactive', 'dead')], [], ['apache2'], null)), []);
  const gone = detectServiceDown(ctx([RUNNING[0]!, svc('cron', 'inactive', 'dead', { load: 'not-found' }), RUNNING[2]!]));
  assert.deepEqual(gone[0]!.repairs, [], 'a unit file that is gone cannot be started');
});

test('service-unresponsive: unit active, learned HTTP port times out: critical, force-restart first, the evidence names the check', () => {
  const f = detectServiceUnresponsive(ctx(RUNNING, [{ origin: 'learned', service: 'apache2', check: 'HEAD / on 127.0.0.1:80', ok: false, detail: 'no answer in 5 s' }]));
  assert.equal(f.length, 1);
  assert.equal(f[0]!.severity, 'critical');
  assert.equal(f[0]!.summary, 'service apache2 does not answer (HEAD / on 127.0.0.1:80: no answer in 5 s)');
  assert.ok(f[0]!.evidence.includes('main PID 83'));
  assert.deepEqual(f[0]!.repairs.map((r) => r.action), ['service.force-restart', 'service.restart']);
});

test('service-unresponsive: declared health checks join the learned ones in one finding; a stopped unit is service-down only', () => {
  const reach: ReachCheckResult[] = [
    { origin: 'learned', service: 'apache2', check: 'HEAD / on 127.0.0.1:80', ok: false, detail: 'connection refused or unreachable' },
    { origin: 'declared', service: 'apache2', check: 'GET http://127.0.0.1/health (expect 200)', ok: false, detail: 'status 500' },
    { origin: 'declared', service: 'postfix', check: 'postqueue -j | wc -l (max 100)', ok: false, detail: 'output 250' },
  ];
  const f = detectServiceUnresponsive(ctx([...RUNNING, svc('postfix', 'active', 'running')], reach));
  assert.deepEqual(f.map((x) => `${x.subject}: ${x.evidence.filter((e) => /^(health|learned port)/.test(e)).join(' | ')}`), [
    'apache2: learned port: HEAD / on 127.0.0.1:80: connection refused or unreachable | health: GET http://127.0.0.1/health (expect 200): status 500',
    'postfix: health: postqueue -j | wc -l (max 100): output 250',
  ]);
  const stopped = detectAll(ctx([svc('apache2', 'inactive', 'dead'), RUNNING[1]!, RUNNING[2]!], reach.slice(0, 1)));
  assert.deepEqual(stopped.map((x) => x.class), ['service-down']);
});

test('service.force-restart: resumes, restarts, kills on a hung restart, with the unit checked loaded on the host first', () => {
  const host = (init: 'systemd' | 'sysvinit'): HostState => ({ machine: machine([]), findings: [], severity: 'ok', probe: { ...ctx([]).poll.probe!, init } });
  const plan = (service: string, init: 'systemd' | 'sysvinit' = 'systemd') => planAction({ machineId: 'web1', action: 'service.force-restart', params: { service } }, host(init), false);
  const planned = plan('apache2');
  assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
  const cmd = planned.plan.command;
  assert.match(cmd, /systemctl show -p LoadState --value -- apache2\.service/);
  assert.match(cmd, /precondition failed: apache2\.service is a loaded unit/);
  assert.match(cmd, /systemctl kill --signal=SIGCONT -- apache2\.service/);
  assert.match(cmd, /timeout 30 systemctl restart -- apache2\.service/);
  assert.match(cmd, /systemctl kill --signal=SIGKILL -- apache2\.service/);
  assert.deepEqual(planned.plan.preconditions, ['apache2.service is a loaded unit (not masked, not gone)']);
  assert.ok('refused' in plan('a;id'));
  const sysv = plan('apache2', 'sysvinit');
  assert.ok('refused' in sysv && /needs systemd/.test(sysv.refused));
});

test('file-perms, learned log: deleted under its running writer is critical with log.reopen; perms changed is perms.restore; writer stopped, nothing to reopen', async () => {
  const { detectFilePerms } = await import('../../src/matrix/file-perms.js');
  const baseline: HostBaseline = {
    ...BASELINE,
    files: { '/var/log/syslog': { kind: 'log', mode: '0640', owner: 'root', group: 'adm' } },
    learned: { ...BASELINE.learned!, units: [...BASELINE.learned!.units, 'rsyslog.service'], logs: [{ unit: 'rsyslog.service', path: '/var/log/syslog' }] },
  };
  const withFile = (file: import('../../src/model/index.js').FileStat, rsyslog = 'active') => {
    const c = ctx([...RUNNING, svc('rsyslog', rsyslog, rsyslog === 'active' ? 'running' : 'dead')], [], ['apache2'], baseline);
    c.poll.probe!.files = [file];
    return detectFilePerms(c);
  };
  const deleted = withFile({ path: '/var/log/syslog', exists: false });
  assert.deepEqual(deleted.map((f) => `${f.severity} ${f.summary} ${f.repairs.map((r) => `${r.action} ${JSON.stringify(r.params)}`).join()}`), [
    'critical /var/log/syslog was deleted while rsyslog runs log.reopen {"service":"rsyslog","path":"/var/log/syslog"}',
  ]);
  const chmod = withFile({ path: '/var/log/syslog', exists: true, kind: 'file', mode: '0666', owner: 'root', group: 'adm' });
  assert.deepEqual(chmod.map((f) => `${f.severity} ${f.summary} ${f.repairs.map((r) => r.action).join()}`), ['warning /var/log/syslog: mode 0640 → 0666 perms.restore']);
  const stopped = withFile({ path: '/var/log/syslog', exists: false }, 'inactive');
  assert.deepEqual(stopped.map((f) => `${f.severity} ${f.repairs.length}`), ['warning 0']);
});

test('log.reopen: SIGHUP to the main process for rsyslog, reload for others; the conditions are checked on the host', () => {
  const host: HostState = { machine: machine([]), findings: [], severity: 'ok', probe: ctx([]).poll.probe! };
  const plan = (service: string, path = '/var/log/syslog') => planAction({ machineId: 'web1', action: 'log.reopen', params: { service, path } }, host, false);
  const r = plan('rsyslog');
  assert.ok('plan' in r);
  assert.match(r.plan.command, /systemctl is-active --quiet -- rsyslog\.service/);
  assert.match(r.plan.command, /systemctl kill --kill-whom=main --signal=SIGHUP -- rsyslog\.service/);
  assert.match(r.plan.command, /\[ -d \/var\/log \] && \[ ! -L \/var\/log \]/);
  assert.deepEqual(r.plan.preconditions, ['rsyslog.service is running', 'rsyslog.service reopens its logs on SIGHUP', '/var/log is a directory, not a symbolic link']);
  const at = (re: RegExp) => r.plan.command.search(re);
  const [hup, held, mark] = [at(/--signal=SIGHUP/), at(/fd 2>\/dev\/null \| grep -qF -- .*-> \/var\/log\/syslog \(deleted\)/), at(/logger -t remlite/)];
  assert.ok(hup >= 0 && hup < held && held < mark, 'the mark is logged after the daemon let go of the deleted file, not into it');
  const other = plan('apache2', '/var/log/apache2/error.log');
  assert.ok('plan' in other);
  assert.match(other.plan.command, /CanReload --value -- apache2\.service\)" = yes/);
  assert.match(other.plan.command, /systemctl reload -- apache2\.service/);
  assert.doesNotMatch(other.plan.command, /SIGHUP/, 'HUP ends a daemon that does not handle it: only known ones get it');
  assert.ok('refused' in plan('rsyslog', '/var/log/../etc/x'));
  assert.ok('refused' in plan('rsyslog;id'));
});
