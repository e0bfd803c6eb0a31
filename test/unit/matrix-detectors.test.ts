import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, HostProbe, Machine, PollResult, ServiceStatus, VolumeStatus } from '../../src/model/index.js';
import { DEFAULT_THRESHOLDS, detectAll, type DetectContext, type Thresholds } from '../../src/matrix/index.js';
import { detectServiceDown } from '../../src/matrix/service-down.js';
import { detectServiceRestartLoop } from '../../src/matrix/service-restart-loop.js';
import { detectServiceMissing } from '../../src/matrix/service-missing.js';
import { detectDiskFull } from '../../src/matrix/disk-full.js';
import { detectInodesFull } from '../../src/matrix/inodes-full.js';
import { detectFsReadOnly } from '../../src/matrix/fs-read-only.js';
import { detectUnreachable } from '../../src/matrix/unreachable.js';
import { detectUntrustedHostKey } from '../../src/matrix/untrusted-host-key.js';
import { detectProbeUnreadable } from '../../src/matrix/probe-unreadable.js';
import { detectHighLoad } from '../../src/matrix/high-load.js';
import { detectMemoryPressure } from '../../src/matrix/memory-pressure.js';
import { parseProbeOutput } from '../../src/probe/parse.js';

const NOW = 1_700_000_000_000;
const GiB = 1024 ** 3;

function machine(services: string[] = []): Machine {
  return {
    id: 'web1',
    name: 'web1',
    provider: 'datacenter',
    site: 'par1',
    pool: 'web',
    role: 'web',
    ssh: { host: '127.0.1.1', port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] },
    services,
    logs: [],
    origin: 'inventory.yaml:1',
  };
}

function svc(name: string, active: string, sub: string, extra: Partial<ServiceStatus> = {}): ServiceStatus {
  return { name, active, sub, load: 'loaded', init: 'systemd', ...extra };
}

function vol(mount: string, extra: Partial<VolumeStatus> = {}): VolumeStatus {
  return {
    mount,
    device: '/dev/sda1',
    fstype: 'ext4',
    sizeBytes: 100 * GiB,
    usedBytes: 10 * GiB,
    availBytes: 90 * GiB,
    inodesTotal: 1000,
    inodesUsed: 10,
    readOnly: false,
    ...extra,
  };
}

function healthy(extra: Partial<HostProbe> = {}): HostProbe {
  return {
    hostname: 'web1',
    remoteTimeMs: NOW,
    uptimeSec: 86400,
    load1: 0.5,
    load5: 0.5,
    load15: 0.5,
    cpus: 4,
    memTotalBytes: 8 * GiB,
    memAvailableBytes: 4 * GiB,
    swapTotalBytes: 0,
    swapFreeBytes: 0,
    kernel: '6.1.0',
    init: 'systemd',
    volumes: [vol('/')],
    services: [svc('apache2', 'active', 'running')],
    warnings: [],
    ...extra,
  };
}

function ctx(
  probe: HostProbe | undefined,
  opts: { services?: string[]; poll?: Partial<PollResult>; thresholds?: Partial<Thresholds>; history?: PollResult[] } = {},
): DetectContext {
  const poll: PollResult = { machineId: 'web1', at: NOW, reach: 'ok', latencyMs: 20, ...opts.poll };
  if (probe) poll.probe = probe;
  const c: DetectContext = { machine: machine(opts.services ?? ['apache2']), poll, now: NOW, thresholds: { ...DEFAULT_THRESHOLDS, ...opts.thresholds } };
  if (opts.history) c.history = opts.history;
  return c;
}

/** Polls before NOW, one minute apart, oldest first, each with the given probe. */
function historyOf(...probes: HostProbe[]): PollResult[] {
  return probes.map((probe, i) => ({ machineId: 'web1', at: NOW - (probes.length - i) * 60_000, reach: 'ok' as const, latencyMs: 20, probe }));
}

const ONE_POLL = { thresholds: { sustainPolls: 1 } };

function summaries(findings: Finding[]): string[] {
  return findings.map((f) => `${f.class} ${f.severity} ${f.summary}`);
}

test('a healthy host has no findings at all', () => {
  assert.deepEqual(detectAll(ctx(healthy())), []);
});

// ---- service-down -----------------------------------------------------------------------------

test('service-down: an expected failed service is critical with restart and start repairs', () => {
  const f = detectServiceDown(
    ctx(healthy({ services: [svc('apache2', 'failed', 'failed', { sinceMs: NOW - 180_000, description: 'Apache' })] })),
  );
  assert.deepEqual(summaries(f), ['service-down critical service apache2 is failed (failed)']);
  assert.equal(f[0]!.subject, 'apache2');
  assert.equal(f[0]!.machineId, 'web1');
  assert.deepEqual(
    f[0]!.repairs.map((r) => [r.action, r.params]),
    [
      ['service.restart', { service: 'apache2' }],
      ['service.start', { service: 'apache2' }],
    ],
  );
  assert.ok(f[0]!.evidence[0]!.includes('since 3m ago'), f[0]!.evidence[0]);
});

test('service-down: inactive expected is critical, a plain activating start only a warning', () => {
  assert.deepEqual(summaries(detectServiceDown(ctx(healthy({ services: [svc('apache2', 'inactive', 'dead')] })))), [
    'service-down critical service apache2 is inactive (dead)',
  ]);
  assert.deepEqual(summaries(detectServiceDown(ctx(healthy({ services: [svc('apache2', 'activating', 'start')] })))), [
    'service-down warning service apache2 is activating (start)',
  ]);
  assert.equal(
    detectServiceDown(ctx(healthy({ services: [svc('apache2', 'activating', 'auto-restart')] })))[0]?.severity,
    'critical',
  );
});

test('service-down: a failed unit nobody expected is still reported, once', () => {
  const probe = healthy({ services: [svc('apache2', 'failed', 'failed'), svc('logrotate', 'failed', 'failed')] });
  const f = detectServiceDown(ctx(probe));
  assert.deepEqual(f.map((x) => x.subject), ['apache2', 'logrotate']);
  assert.ok(f[1]!.evidence.some((e) => e.includes('not in the expected list')));
});

test('service-down: masked units offer no repair; running, reloading and not-found are not down', () => {
  const masked = detectServiceDown(ctx(healthy({ services: [svc('apache2', 'inactive', 'dead', { load: 'masked' })] })));
  assert.equal(masked.length, 1);
  assert.deepEqual(masked[0]!.repairs, []);
  for (const s of [svc('apache2', 'active', 'running'), svc('apache2', 'reloading', 'reload'), svc('apache2', 'inactive', 'dead', { load: 'not-found' })]) {
    assert.deepEqual(detectServiceDown(ctx(healthy({ services: [s] }))), [], `${s.active}/${s.load}`);
  }
  // An unexpected unit that is merely inactive is nobody's concern.
  assert.deepEqual(detectServiceDown(ctx(healthy({ services: [svc('apache2', 'active', 'running'), svc('x', 'inactive', 'dead')] }))), []);
});

test('service-down: the age of a state change is measured on the remote clock', () => {
  // Remote clock one hour behind ours; the unit failed 90 s before the probe ran, 10 s ago.
  const probe = healthy({ remoteTimeMs: NOW - 3_600_000, services: [svc('apache2', 'failed', 'failed', { sinceMs: NOW - 3_600_000 - 90_000 })] });
  const c = { ...ctx(probe), now: NOW + 10_000 };
  assert.ok(detectServiceDown(c)[0]!.evidence[0]!.includes('since 100s ago'));
});

test('service-down: matches an expected name given with .service', () => {
  const f = detectServiceDown(ctx(healthy({ services: [svc('apache2', 'failed', 'failed')] }), { services: ['apache2.service'] }));
  assert.equal(f.length, 1);
});

// ---- service-restart-loop ---------------------------------------------------------------------

test('service-restart-loop: NRestarts at the threshold warns, below does not', () => {
  const at = detectServiceRestartLoop(ctx(healthy({ services: [svc('apache2', 'active', 'running', { restarts: 5 })] })));
  assert.deepEqual(summaries(at), ['service-restart-loop warning service apache2 restarted 5 times']);
  assert.deepEqual(detectServiceRestartLoop(ctx(healthy({ services: [svc('apache2', 'active', 'running', { restarts: 4 })] }))), []);
  assert.deepEqual(detectServiceRestartLoop(ctx(healthy())), []);
});

// ---- service-missing --------------------------------------------------------------------------

test('service-missing: not-found expected service warns with no repair; unreported ones too', () => {
  const f = detectServiceMissing(
    ctx(healthy({ services: [svc('nginx', 'inactive', 'dead', { load: 'not-found' })] }), { services: ['nginx', 'varnish'] }),
  );
  assert.deepEqual(summaries(f), [
    'service-missing warning service nginx is not installed',
    'service-missing warning service varnish was not reported',
  ]);
  assert.deepEqual(f[0]!.repairs, []);
  assert.deepEqual(detectServiceMissing(ctx(healthy())), []);
});

// ---- disk-full / inodes-full ------------------------------------------------------------------

test('disk-full: 85% warns, 95% is critical, with mount and used/size in the evidence', () => {
  const warn = detectDiskFull(ctx(healthy({ volumes: [vol('/var', { usedBytes: 85 * GiB, availBytes: 15 * GiB })] })));
  assert.deepEqual(summaries(warn), ['disk-full warning /var is 85% full']);
  assert.equal(warn[0]!.subject, '/var');
  assert.ok(warn[0]!.evidence.includes('used 85.0 GiB of 100.0 GiB, 15.0 GiB free'));
  const crit = detectDiskFull(ctx(healthy({ volumes: [vol('/', { usedBytes: 96 * GiB, availBytes: 4 * GiB })] })));
  assert.deepEqual(summaries(crit), ['disk-full critical / is 96% full']);
});

test('disk-full: reserved blocks count like df (used / (used + avail)); images and empty sizes skipped', () => {
  // 80 used + 14 avail of 100 (6 reserved for root): df says 86%.
  const reserved = detectDiskFull(ctx(healthy({ volumes: [vol('/', { usedBytes: 80 * GiB, availBytes: 14 * GiB })] })));
  assert.equal(reserved[0]?.summary, '/ is 86% full');
  assert.deepEqual(detectDiskFull(ctx(healthy({ volumes: [vol('/', { usedBytes: 84 * GiB, availBytes: 16 * GiB })] }))), []);
  assert.deepEqual(
    detectDiskFull(ctx(healthy({ volumes: [vol('/snap/core/1', { fstype: 'squashfs', usedBytes: GiB, availBytes: 0, sizeBytes: GiB })] }))),
    [],
  );
  assert.deepEqual(detectDiskFull(ctx(healthy({ volumes: [vol('/x', { sizeBytes: 0, usedBytes: 0, availBytes: 0 })] }))), []);
});

test('inodes-full: warns and goes critical on inodes; unknown inode counts are skipped', () => {
  assert.deepEqual(summaries(detectInodesFull(ctx(healthy({ volumes: [vol('/var', { inodesUsed: 900 })] })))), [
    'inodes-full warning /var has used 90% of its inodes',
  ]);
  assert.equal(detectInodesFull(ctx(healthy({ volumes: [vol('/var', { inodesUsed: 999 })] })))[0]?.severity, 'critical');
  assert.deepEqual(detectInodesFull(ctx(healthy({ volumes: [vol('/var', { inodesUsed: 800 })] }))), []);
  assert.deepEqual(detectInodesFull(ctx(healthy({ volumes: [vol('/btrfs', { inodesTotal: 0, inodesUsed: 0 })] }))), []);
});

// ---- fs-read-only -----------------------------------------------------------------------------

test('fs-read-only: / ro is critical, another ro data fs warns; tmpfs, squashfs, iso9660 and allowed mounts do not', () => {
  const f = detectFsReadOnly(ctx(healthy({ volumes: [vol('/', { readOnly: true }), vol('/srv', { readOnly: true, fstype: 'xfs' })] })));
  assert.deepEqual(summaries(f), ['fs-read-only critical / is mounted read-only', 'fs-read-only warning /srv is mounted read-only']);
  const fine = healthy({
    volumes: [
      vol('/', {}),
      vol('/mnt/t', { fstype: 'tmpfs', readOnly: true }),
      vol('/snap/x', { fstype: 'squashfs', readOnly: true }),
      vol('/media/cd', { fstype: 'iso9660', readOnly: true }),
      vol('/srv/archive', { readOnly: true }),
    ],
  });
  const c = ctx(fine);
  assert.deepEqual(detectFsReadOnly({ ...c, thresholds: { ...DEFAULT_THRESHOLDS, readOnlyOkMounts: ['/srv/archive'] } }), []);
});

// ---- reachability -----------------------------------------------------------------------------

test('unreachable: unreachable and timeout are critical; auth-failed carries a hint; ok and slow are not', () => {
  const down = detectUnreachable(ctx(undefined, { poll: { reach: 'unreachable', error: 'connect ECONNREFUSED 127.0.1.1:22' } }));
  assert.deepEqual(summaries(down), ['unreachable critical host unreachable']);
  assert.ok(down[0]!.evidence.includes('error: connect ECONNREFUSED 127.0.1.1:22'));
  assert.deepEqual(summaries(detectUnreachable(ctx(undefined, { poll: { reach: 'timeout' } }))), ['unreachable critical probe timed out']);
  const auth = detectUnreachable(ctx(undefined, { poll: { reach: 'auth-failed' } }));
  assert.equal(auth[0]?.severity, 'critical');
  assert.ok(auth[0]!.evidence.some((e) => e.startsWith('hint: ')));
  assert.deepEqual(detectUnreachable(ctx(healthy())), []);
  assert.deepEqual(detectUnreachable(ctx(healthy(), { poll: { reach: 'slow' } })), []);
});

test('untrusted-host-key: critical, fingerprint in evidence, changed keys said so', () => {
  const hostKey = {
    type: 'ssh-ed25519',
    base64: 'AAAAC3NzaC1lZDI1NTE5AAAAIA',
    fingerprint: 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    status: 'changed' as const,
    knownHostsName: '[127.0.1.1]:22',
  };
  const f = detectUntrustedHostKey(ctx(undefined, { poll: { reach: 'untrusted', hostKey } }));
  assert.deepEqual(summaries(f), ['untrusted-host-key critical host key CHANGED: not connected']);
  assert.ok(f[0]!.evidence.includes('offered: ssh-ed25519 SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'));
  const unknown = detectUntrustedHostKey(ctx(undefined, { poll: { reach: 'untrusted', hostKey: { ...hostKey, status: 'unknown' } } }));
  assert.equal(unknown[0]?.summary, 'unknown host key: not connected');
  assert.deepEqual(detectUntrustedHostKey(ctx(healthy())), []);
});

test('probe-unreadable: reported with the error and the first output lines, sanitized', () => {
  const f = detectProbeUnreadable(
    ctx(undefined, { poll: { reach: 'unreadable', error: 'probe output truncated: no end marker after 12 bytes', raw: 'sh: \u001b[31mnot found\n' } }),
  );
  assert.deepEqual(summaries(f), ['probe-unreadable warning probe output unreadable']);
  assert.deepEqual(f[0]!.evidence, ['error: probe output truncated: no end marker after 12 bytes', 'output: sh: not found']);
  assert.deepEqual(detectProbeUnreadable(ctx(healthy())), []);
});

// ---- load and memory --------------------------------------------------------------------------

test('high-load with sustainPolls 1: load5 per CPU 2 warns, 4 is critical, below is quiet', () => {
  assert.deepEqual(summaries(detectHighLoad(ctx(healthy({ load5: 8, cpus: 4 }), ONE_POLL))), ['high-load warning load 8.00 on 4 CPU(s)']);
  assert.equal(detectHighLoad(ctx(healthy({ load5: 16, cpus: 4 }), ONE_POLL))[0]?.severity, 'critical');
  assert.deepEqual(detectHighLoad(ctx(healthy({ load5: 7.9, cpus: 4 }), ONE_POLL)), []);
  // An unknown CPU count (0) is taken as one CPU rather than dividing by zero.
  assert.equal(detectHighLoad(ctx(healthy({ load5: 3, cpus: 0 }), ONE_POLL))[0]?.severity, 'warning');
});

test('high-load is sustained: it fires only when the last 3 probed polls were all loaded', () => {
  const hot = healthy({ load5: 16, cpus: 4 });
  const warm = healthy({ load5: 9, cpus: 4 });
  const calm = healthy({ load5: 1, cpus: 4 });
  // No history: a single hot poll says nothing with the default sustainPolls 3.
  assert.deepEqual(detectHighLoad(ctx(hot)), []);
  assert.deepEqual(detectHighLoad(ctx(hot, { history: historyOf(hot) })), [], 'two polls are not enough');
  const f = detectHighLoad(ctx(hot, { history: historyOf(calm, hot, hot) }));
  assert.deepEqual(summaries(f), ['high-load critical load 16.00 on 4 CPU(s)']);
  assert.ok(f[0]!.evidence.includes('held for 3 poll(s): load5 16.00, 16.00, 16.00'), f[0]!.evidence.join('|'));
  // The mildest poll of the window sets the severity.
  assert.equal(detectHighLoad(ctx(hot, { history: historyOf(warm, hot) }))[0]?.severity, 'warning');
  assert.deepEqual(detectHighLoad(ctx(hot, { history: historyOf(hot, calm, hot) })), [], 'a calm poll breaks the streak');
  // Polls without a probe (timeouts) neither count nor break it.
  const timeout: PollResult = { machineId: 'web1', at: NOW - 30_000, reach: 'timeout' };
  assert.equal(detectHighLoad(ctx(hot, { history: [...historyOf(hot, hot), timeout] }))[0]?.severity, 'critical');
  // History that already ends with the current poll is not counted twice.
  const current: PollResult = { machineId: 'web1', at: NOW, reach: 'ok', latencyMs: 20, probe: hot };
  assert.deepEqual(detectHighLoad(ctx(hot, { history: [...historyOf(hot), current] })), []);
  assert.equal(detectHighLoad(ctx(hot, { history: [...historyOf(hot, hot), current] })).length, 1);
});

test('memory-pressure with sustainPolls 1: under 10% available warns, under 5% is critical', () => {
  assert.deepEqual(summaries(detectMemoryPressure(ctx(healthy({ memAvailableBytes: 0.08 * 8 * GiB }), ONE_POLL))), [
    'memory-pressure warning only 8.0% of memory available',
  ]);
  assert.equal(detectMemoryPressure(ctx(healthy({ memAvailableBytes: 0.04 * 8 * GiB }), ONE_POLL))[0]?.severity, 'critical');
  assert.deepEqual(detectMemoryPressure(ctx(healthy({ memAvailableBytes: 0.1 * 8 * GiB }), ONE_POLL)), []);
  assert.deepEqual(detectMemoryPressure(ctx(healthy({ memTotalBytes: 0, memAvailableBytes: 0 }), ONE_POLL)), []);
});

test('memory-pressure is sustained over the last sustainPolls polls', () => {
  const short = healthy({ memAvailableBytes: 0.04 * 8 * GiB });
  const fine = healthy();
  assert.deepEqual(detectMemoryPressure(ctx(short)), []);
  assert.deepEqual(detectMemoryPressure(ctx(short, { history: historyOf(fine, short) })), []);
  const f = detectMemoryPressure(ctx(short, { history: historyOf(short, short) }));
  assert.equal(f[0]?.severity, 'critical');
  assert.ok(f[0]!.evidence.some((e) => e === 'held for 3 poll(s): 4.0%, 4.0%, 4.0%'), f[0]!.evidence.join('|'));
  assert.equal(detectMemoryPressure(ctx(short, { history: historyOf(short), thresholds: { sustainPolls: 2 } })).length, 1);
});

// ---- whole matrix -----------------------------------------------------------------------------

test('parsed systemd output through the whole matrix gives the expected findings, each fitting 80 columns', () => {
  const text = [
    '@@remlite meta', 'hostname=web1', 'epoch=1700000000', 'kernel=6.1.0', 'cpus=2', 'init=systemd',
    '@@remlite uptime', '5000.00 9000.00',
    '@@remlite loadavg', '1.00 9.00 3.00 2/200 999',
    '@@remlite meminfo', 'MemTotal: 1000000 kB', 'MemAvailable: 30000 kB', 'SwapTotal: 0 kB', 'SwapFree: 0 kB',
    '@@remlite mounts', '/dev/sda1 / ext4 ro', '/dev/sdb1 /var/lib/mysql ext4 rw',
    '@@remlite df', 'Filesystem 1024-blocks Used Available Capacity Mounted on',
    '/dev/sda1 1000 500 500 50% /', '/dev/sdb1 1000 970 30 97% /var/lib/mysql',
    '@@remlite dfi', 'Filesystem Inodes IUsed IFree IUse% Mounted on',
    '/dev/sda1 100 10 90 10% /', '/dev/sdb1 100 90 10 90% /var/lib/mysql',
    '@@remlite expected', 'apache2', 'mariadb', 'nginx',
    '@@remlite systemd',
    'Id=apache2.service', 'LoadState=loaded', 'ActiveState=failed', 'SubState=failed', 'NRestarts=0', 'StateChangeTimestampMonotonic=4000000000', '',
    'Id=mariadb.service', 'LoadState=loaded', 'ActiveState=active', 'SubState=running', 'NRestarts=12', 'MainPID=77', '',
    'Id=nginx.service', 'LoadState=not-found', 'ActiveState=inactive', 'SubState=dead', '',
    '@@remlite sysv', '@@remlite warnings', '@@remlite end', '',
  ].join('\n');
  const parsed = parseProbeOutput(text);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  const c = ctx(parsed.probe, { services: ['apache2', 'mariadb', 'nginx'], ...ONE_POLL });
  const findings = detectAll({ ...c, now: 1700000000000 });
  assert.deepEqual(summaries(findings), [
    'service-down critical service apache2 is failed (failed)',
    'service-restart-loop warning service mariadb restarted 12 times',
    'service-missing warning service nginx is not installed',
    'disk-full critical /var/lib/mysql is 97% full',
    'inodes-full warning /var/lib/mysql has used 90% of its inodes',
    'fs-read-only critical / is mounted read-only',
    'high-load critical load 9.00 on 2 CPU(s)',
    'memory-pressure critical only 3.0% of memory available',
  ]);
  // Changed 4000 s after a boot 5000 s ago.
  assert.ok(findings[0]!.evidence[0]!.includes('since 17m ago'));
  for (const f of findings) {
    assert.ok(f.summary.length <= 80, f.summary);
    for (const e of f.evidence) assert.ok(e.length <= 80, `${f.class}: ${e} (${e.length})`);
  }
});

test('a very long service name still gives an 80-column summary', () => {
  const long = 'x'.repeat(200);
  const f = detectServiceDown(ctx(healthy({ services: [svc(long, 'failed', 'failed')] }), { services: [long] }));
  assert.equal(f[0]!.summary.length, 80);
  assert.equal(f[0]!.repairs[0]!.params.service, long, 'the repair keeps the full name');
});
