import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileStat, Finding, HostBaseline, HostChecks, HostProbe, Machine, PollResult, VolumeStatus } from '../../src/model/index.js';
import { NO_CHECKS } from '../../src/model/index.js';
import { DEFAULT_THRESHOLDS, detectAll, type DetectContext } from '../../src/matrix/index.js';
import { detectConfigDrift } from '../../src/matrix/config-drift.js';
import { detectConfigTestFailed } from '../../src/matrix/config-test-failed.js';
import { detectServiceDown } from '../../src/matrix/service-down.js';
import { detectFilePerms } from '../../src/matrix/file-perms.js';
import { detectDataCorrupt } from '../../src/matrix/data-corrupt.js';
import { detectFsErrors } from '../../src/matrix/fs-errors.js';
import { detectModuleMissing } from '../../src/matrix/module-missing.js';
import { detectDbTablesMissing } from '../../src/matrix/db-tables-missing.js';
import { detectClockSkew } from '../../src/matrix/clock-skew.js';
import { detectDiskFull } from '../../src/matrix/disk-full.js';
import { detectInodesFull } from '../../src/matrix/inodes-full.js';
import { detectFsReadOnly } from '../../src/matrix/fs-read-only.js';
import { detectFileReplaced } from '../../src/matrix/file-replaced.js';
import { detectNotAccepted } from '../../src/matrix/not-accepted.js';

const NOW = 1_700_000_000_000;
const GOOD = 'a'.repeat(64);
const BAD = 'b'.repeat(64);
const CONF = '/etc/apache2/apache2.conf';
const LOG = '/var/log/apache2/error.log';
const DATA = '/srv/data/app.db';

const CHECKS: HostChecks = {
  configs: [{ path: CONF, service: 'apache2' }, { path: '/etc/ssh/sshd_config' }],
  permFiles: [LOG],
  dataPaths: [DATA],
  modules: ['ext4', 'dm-mod'],
  databases: [{ engine: 'mysql', name: 'app' }],
  cleanupPaths: [],
};

function machine(checks: HostChecks = CHECKS): Machine {
  return {
    id: 'web1', name: 'web1', provider: 'datacenter', site: 'dc', pool: 'web', role: '', services: ['apache2'], logs: [],
    origin: 'inv.yaml:1', checks,
  };
}

function file(path: string, extra: Partial<FileStat> = {}): FileStat {
  return { path, exists: true, kind: 'file', mode: '0644', owner: 'root', group: 'root', size: 10, sha256: GOOD, ...extra };
}

function vol(mount: string, extra: Partial<VolumeStatus> = {}): VolumeStatus {
  return { mount, device: '/dev/sda1', fstype: 'ext4', sizeBytes: 1000, usedBytes: 100, availBytes: 900, inodesTotal: 100, inodesUsed: 1, readOnly: false, ...extra };
}

function probe(extra: Partial<HostProbe> = {}): HostProbe {
  return {
    hostname: 'web1', remoteTimeMs: NOW, uptimeSec: 1000, load1: 0, load5: 0, load15: 0, cpus: 2,
    memTotalBytes: 1000, memAvailableBytes: 900, swapTotalBytes: 0, swapFreeBytes: 0, kernel: '6.1', init: 'systemd',
    volumes: [vol('/')],
    services: [{ name: 'apache2', active: 'active', sub: 'running', load: 'loaded', init: 'systemd' }],
    warnings: [],
    files: [file(CONF), file('/etc/ssh/sshd_config'), file(LOG, { mode: '0640', group: 'adm', sha256: undefined }), file(DATA)],
    configTests: [{ service: 'apache2', command: 'apachectl configtest', ok: true, output: 'Syntax OK' }],
    modules: ['ext4', 'dm_mod'],
    databases: [{ name: 'app', ok: true, tables: ['orders', 'users'] }],
    fsErrors: [],
    ...extra,
  };
}

function baseline(extra: Partial<HostBaseline> = {}): HostBaseline {
  return {
    machineId: 'web1', acceptedAt: '2024-01-01T00:00:00Z', acceptedBy: 'ops',
    files: {
      [CONF]: { kind: 'config', sha256: GOOD, mode: '0644', owner: 'root', group: 'root', size: 10, copy: GOOD },
      '/etc/ssh/sshd_config': { kind: 'config', sha256: GOOD, size: 10, copy: GOOD },
      [LOG]: { kind: 'log', mode: '0640', owner: 'root', group: 'adm' },
      [DATA]: { kind: 'data', sha256: GOOD, size: 10, copy: GOOD },
    },
    modules: [],
    databases: { app: { tables: ['orders', 'users'], dump: 'app-20240101.sql' } },
    ...extra,
  };
}

function ctx(p: HostProbe, opts: { baseline?: HostBaseline | null; checks?: HostChecks; poll?: Partial<PollResult> } = {}): DetectContext {
  const c: DetectContext = {
    machine: machine(opts.checks),
    poll: { machineId: 'web1', at: NOW, reach: 'ok', latencyMs: 20, probe: p, ...opts.poll },
    now: NOW,
    thresholds: DEFAULT_THRESHOLDS,
  };
  if (opts.baseline !== null) c.baseline = opts.baseline ?? baseline();
  return c;
}

function lines(findings: Finding[]): string[] {
  return findings.map((f) => `${f.class} ${f.severity} ${f.summary}`);
}

function repairs(f: Finding | undefined): [string, Record<string, string>][] {
  return (f?.repairs ?? []).map((r) => [r.action, r.params]);
}

test('a host matching its baseline has no findings at all', () => {
  assert.deepEqual(detectAll(ctx(probe())), []);
});

// ---- config-drift ------------------------------------------------------------------------------

test('config-drift: a changed config of a running service is a warning with config.restore', () => {
  const f = detectConfigDrift(ctx(probe({ files: [file(CONF, { sha256: BAD, size: 12 })] })));
  assert.deepEqual(lines(f), [`config-drift warning config ${CONF} changed since the baseline`]);
  assert.deepEqual(repairs(f[0]), [['config.restore', { path: CONF, service: 'apache2' }]]);
  assert.ok(f[0]!.evidence.includes('sha256 bbbbbbbbbbbb now, aaaaaaaaaaaa in the baseline'));
  assert.ok(f[0]!.evidence.includes('size 12 now, 10 in the baseline'));
});

test('config-drift: critical when its config test fails or its service is down; missing is critical', () => {
  const failing = probe({
    files: [file(CONF, { sha256: BAD })],
    configTests: [{ service: 'apache2', command: 'apachectl configtest', ok: false, output: 'Syntax error on line 3' }],
  });
  assert.equal(detectConfigDrift(ctx(failing))[0]?.severity, 'critical');
  const down = probe({ files: [file(CONF, { sha256: BAD })], services: [{ name: 'apache2', active: 'failed', sub: 'failed', load: 'loaded', init: 'systemd' }] });
  assert.equal(detectConfigDrift(ctx(down))[0]?.severity, 'critical');
  const gone = detectConfigDrift(ctx(probe({ files: [{ path: '/etc/ssh/sshd_config', exists: false }] })));
  assert.deepEqual(lines(gone), ['config-drift critical config /etc/ssh/sshd_config is missing']);
  assert.deepEqual(repairs(gone[0]), [['config.restore', { path: '/etc/ssh/sshd_config' }]]);
});

test('config-drift: no finding for a same checksum, an unreadable file, or a file absent from the baseline', () => {
  assert.deepEqual(detectConfigDrift(ctx(probe())), []);
  assert.deepEqual(detectConfigDrift(ctx(probe({ files: [file(CONF, { sha256: undefined })] }))), []);
  const b = baseline();
  delete b.files[CONF];
  assert.deepEqual(detectConfigDrift(ctx(probe({ files: [file(CONF, { sha256: BAD })] }), { baseline: b })), []);
});

test('config-drift: without a stored copy there is no restore', () => {
  const b = baseline();
  delete b.files[CONF]!.copy;
  const f = detectConfigDrift(ctx(probe({ files: [file(CONF, { sha256: BAD })] }), { baseline: b }));
  assert.deepEqual(f[0]?.repairs, []);
  assert.ok(f[0]!.evidence.includes('no stored copy in the baseline: cannot restore'));
});

test('no baseline: one info finding per host with declared checks, nothing drifts', () => {
  const f = detectAll(ctx(probe({ files: [file(CONF, { sha256: BAD })] }), { baseline: null }));
  assert.deepEqual(lines(f), ['config-drift info no baseline yet: accept current as good']);
  assert.deepEqual(detectConfigDrift(ctx(probe(), { baseline: null, checks: NO_CHECKS })), []);
  assert.deepEqual(detectConfigDrift(ctx(probe(), { baseline: null, checks: { ...NO_CHECKS, modules: ['ext4'] } })), []);
  assert.deepEqual(detectConfigDrift(ctx(probe(), { baseline: null, checks: { ...NO_CHECKS, permFiles: [LOG] } })), [], 'logs alone do not nag');
  assert.equal(detectConfigDrift(ctx(probe(), { baseline: null, checks: { ...NO_CHECKS, databases: CHECKS.databases } })).length, 1);
});

// ---- config-test-failed and service-down --------------------------------------------------------

const FAILED_TEST = { service: 'apache2', command: 'apachectl configtest', ok: false, output: 'AH00526: Syntax error on line 3\nexit status 1' };

test('config-test-failed: critical with the test output; restore only for a drifted config', () => {
  const clean = detectConfigTestFailed(ctx(probe({ configTests: [FAILED_TEST] })));
  assert.deepEqual(lines(clean), ['config-test-failed critical config test of apache2 fails']);
  assert.deepEqual(clean[0]!.repairs, []);
  assert.deepEqual(clean[0]!.evidence.slice(0, 3), ['$ apachectl configtest', '  AH00526: Syntax error on line 3', '  exit status 1']);
  const drifted = detectConfigTestFailed(ctx(probe({ configTests: [FAILED_TEST], files: [file(CONF, { sha256: BAD })] })));
  assert.deepEqual(repairs(drifted[0]), [['config.restore', { path: CONF, service: 'apache2' }]]);
  assert.deepEqual(detectConfigTestFailed(ctx(probe())), []);
  assert.deepEqual(detectConfigTestFailed(ctx(probe({ configTests: undefined }))), []);
});

test('service-down onto a bad config: restore the config first, then restart', () => {
  const p = probe({
    services: [{ name: 'apache2', active: 'failed', sub: 'failed', load: 'loaded', init: 'systemd' }],
    files: [file(CONF, { sha256: BAD })],
    configTests: [FAILED_TEST],
  });
  const f = detectServiceDown(ctx(p));
  assert.deepEqual(repairs(f[0]), [
    ['config.restore', { path: CONF, service: 'apache2' }],
    ['service.restart', { service: 'apache2' }],
    ['service.start', { service: 'apache2' }],
  ]);
  assert.ok(f[0]!.evidence.includes('config test fails: apachectl configtest'));
  assert.ok(f[0]!.evidence.includes(`config ${CONF} differs from the baseline`));
  // Config unchanged: the plain restart repairs.
  const plain = detectServiceDown(ctx(probe({ services: p.services })));
  assert.deepEqual(repairs(plain[0]).map(([a]) => a), ['service.restart', 'service.start']);
});

// ---- file-perms ---------------------------------------------------------------------------------

test('file-perms: changed owner or mode warns; an owner that lost write is critical', () => {
  const owner = detectFilePerms(ctx(probe({ files: [file(LOG, { mode: '0640', owner: 'nobody', group: 'adm' })] })));
  assert.deepEqual(lines(owner), [`file-perms warning ${LOG}: owner root → nobody`]);
  assert.deepEqual(repairs(owner[0]), [['perms.restore', { path: LOG }]]);
  const ro = detectFilePerms(ctx(probe({ files: [file(LOG, { mode: '0440', group: 'adm' })] })));
  assert.equal(ro[0]?.severity, 'critical');
  assert.ok(ro[0]!.evidence.includes('the owner can no longer write it'));
  const wider = detectFilePerms(ctx(probe({ files: [file(LOG, { mode: '0666', group: 'adm' })] })));
  assert.equal(wider[0]?.severity, 'warning');
});

test('file-perms: nothing when unchanged, without a baseline, or for a file absent from it; missing warns', () => {
  assert.deepEqual(detectFilePerms(ctx(probe())), []);
  assert.deepEqual(detectFilePerms(ctx(probe({ files: [file(LOG, { mode: '0600' })] }), { baseline: null })), []);
  const b = baseline();
  delete b.files[LOG];
  assert.deepEqual(detectFilePerms(ctx(probe({ files: [file(LOG, { mode: '0600' })] }), { baseline: b })), []);
  const gone = detectFilePerms(ctx(probe({ files: [{ path: LOG, exists: false }] })));
  assert.deepEqual(lines(gone), [`file-perms warning ${LOG} no longer exists`]);
  assert.deepEqual(gone[0]!.repairs, []);
});

// ---- data-corrupt -------------------------------------------------------------------------------

test('data-corrupt: a different checksum or a missing file is critical with data.restore', () => {
  const f = detectDataCorrupt(ctx(probe({ files: [file(DATA, { sha256: BAD })] })));
  assert.deepEqual(lines(f), [`data-corrupt critical data file ${DATA} differs from the baseline`]);
  assert.deepEqual(repairs(f[0]), [['data.restore', { path: DATA }]]);
  const gone = detectDataCorrupt(ctx(probe({ files: [{ path: DATA, exists: false }] })));
  assert.deepEqual(lines(gone), [`data-corrupt critical data file ${DATA} is missing`]);
  assert.deepEqual(detectDataCorrupt(ctx(probe())), []);
  assert.deepEqual(detectDataCorrupt(ctx(probe({ files: [file(DATA, { sha256: BAD })] }), { baseline: null })), []);
});

// ---- file-replaced, unreadable files, filesystem errors gate writes -----------------------------

test('file-replaced: a declared log or data file that became a symlink is critical with its target and owner, no repair; file-perms leaves it alone', () => {
  const link = (path: string) => ({ path, exists: true, kind: 'link' as const, mode: '0777', owner: 'evil', group: 'evil', size: 11, linkTarget: '/etc/shadow' });
  const p = probe({ files: [file(CONF), file('/etc/ssh/sshd_config'), link(LOG), link(DATA)] });
  const f = detectFileReplaced(ctx(p));
  assert.deepEqual(lines(f), [`file-replaced critical ${DATA} was replaced by a symlink to /etc/shadow`, `file-replaced critical ${LOG} was replaced by a symlink to /etc/shadow`]);
  assert.ok(f[1]!.evidence.includes('the link is owned by evil:evil'));
  assert.deepEqual(f.flatMap((x) => x.repairs), []);
  assert.deepEqual(detectFilePerms(ctx(p)), [], 'a link is never compared as if it were the file');
  assert.deepEqual(detectDataCorrupt(ctx(p)), []);
  assert.deepEqual(detectAll(ctx(p)).flatMap((x) => x.repairs.map((r) => r.action)), [], 'no repair anywhere writes through it');
  assert.deepEqual(detectFileReplaced(ctx(p, { baseline: null })), [], 'without a baseline there is nothing it replaced');
});

test('file-replaced: a config or data file that became a directory or a special file is critical; a watched path that was never content is not', () => {
  const p = probe({ files: [file(CONF, { kind: 'dir', sha256: undefined }), file('/etc/ssh/sshd_config'), file(LOG, { kind: 'dir', mode: '0640', group: 'adm', sha256: undefined }), file(DATA, { kind: 'other', sha256: undefined })] });
  assert.deepEqual(lines(detectFileReplaced(ctx(p))), [`file-replaced critical ${CONF} was replaced by a directory`, `file-replaced critical ${DATA} was replaced by a special file`]);
});

test('unreadable files (EIO) are critical with the errno, never "missing", and offer no write repair', () => {
  const eio = 'EIO (Input/output error)';
  const p = probe({ files: [file(CONF, { sha256: undefined, unreadable: 'EBADMSG (Bad message)' }), file('/etc/ssh/sshd_config'), { path: LOG, exists: true, unreadable: eio }, file(DATA, { sha256: undefined, unreadable: eio })] });
  assert.deepEqual(lines(detectDataCorrupt(ctx(p))), [`data-corrupt critical data file ${DATA} is unreadable (${eio})`]);
  assert.deepEqual(lines(detectConfigDrift(ctx(p))), [`config-drift critical config ${CONF} is unreadable (EBADMSG (Bad message))`]);
  assert.deepEqual(lines(detectFilePerms(ctx(p))), [`file-perms critical ${LOG} is unreadable (${eio})`]);
  const all = detectAll(ctx(p));
  assert.deepEqual(all.flatMap((x) => x.repairs.map((r) => r.action)).filter((a) => /restore/.test(a)), []);
  for (const f of all.filter((x) => /unreadable/.test(x.summary))) assert.ok(f.evidence.some((e) => e.includes('check the volume first (fsck / remount)')), f.summary);
  assert.ok(!all.some((x) => /missing|no longer exists/.test(x.summary)));
});

test('a file the probe\'s user may not look at (EACCES) is a warning with its state unknown, not a failing volume; still no restore', () => {
  const denied = 'EACCES (Permission denied)';
  const p = probe({ files: [file(CONF), file('/etc/ssh/sshd_config'), { path: LOG, exists: true, unreadable: denied }, file(DATA, { sha256: undefined, unreadable: denied })] });
  const f = [...detectFilePerms(ctx(p)), ...detectDataCorrupt(ctx(p))];
  assert.deepEqual(lines(f), [`file-perms warning ${LOG} is unreadable (${denied})`, `data-corrupt warning data file ${DATA} is unreadable (${denied})`]);
  for (const x of f) {
    assert.deepEqual(x.repairs, []);
    assert.deepEqual(x.evidence, [`the probe's user cannot read it: ${denied}`, 'its state is unknown: no restore is offered']);
  }
});

test('filesystem errors on the volume of a file: its drift, corruption or permission change is reported but no restore is offered', () => {
  const p = probe({
    volumes: [vol('/'), vol('/srv/data', { device: '/dev/vdb' })],
    fsErrors: [{ device: 'vdb', count: 4 }],
    files: [file(CONF, { sha256: BAD }), file('/etc/ssh/sshd_config'), file(LOG, { mode: '0600', group: 'adm', sha256: undefined }), file(DATA, { sha256: BAD })],
  });
  const data = detectDataCorrupt(ctx(p));
  assert.deepEqual(lines(data), [`data-corrupt critical data file ${DATA} differs from the baseline`]);
  assert.deepEqual(data[0]!.repairs, []);
  assert.ok(data[0]!.evidence.some((e) => e === 'filesystem errors on vdb (/srv/data): 4; check the volume first (fsck / remount)'), data[0]!.evidence.join(' | '));
  assert.deepEqual(repairs(detectConfigDrift(ctx(p))[0]), [['config.restore', { path: CONF, service: 'apache2' }]], 'the root volume has no errors');
  assert.deepEqual(repairs(detectFilePerms(ctx(p))[0]), [['perms.restore', { path: LOG }]]);
  const rootErrors = probe({ ...p, volumes: [vol('/', { device: '/dev/vda1' })], fsErrors: [{ device: 'vda1', count: 1 }] });
  assert.deepEqual(repairs(detectConfigDrift(ctx(rootErrors))[0]), []);
  assert.deepEqual(repairs(detectFilePerms(ctx(rootErrors))[0]), []);
});

// ---- fs-errors, modules, databases, clock ------------------------------------------------------

test('fs-errors: a non-zero ext4 error count is critical, names the mount, offers no repair', () => {
  const f = detectFsErrors(ctx(probe({ volumes: [vol('/'), vol('/srv', { device: '/dev/vdb' })], fsErrors: [{ device: 'vdb', count: 3 }] })));
  assert.deepEqual(lines(f), ['fs-errors critical filesystem errors on vdb (/srv): 3']);
  assert.deepEqual(f[0]!.repairs, []);
  assert.ok(f[0]!.evidence.some((e) => e.includes('fsck')));
  assert.deepEqual(detectFsErrors(ctx(probe())), []);
  assert.deepEqual(detectFsErrors(ctx(probe({ fsErrors: undefined }))), []);
});

test('module-missing: a declared module not loaded is critical with module.load; - and _ are the same', () => {
  const f = detectModuleMissing(ctx(probe({ modules: ['ext4'] })));
  assert.deepEqual(lines(f), ['module-missing critical kernel module dm-mod is not loaded']);
  assert.deepEqual(repairs(f[0]), [['module.load', { module: 'dm-mod' }]]);
  assert.deepEqual(detectModuleMissing(ctx(probe())), []);
  assert.deepEqual(detectModuleMissing(ctx(probe({ modules: undefined }))), [], 'no modules section: cannot tell');
});

test('module-missing: a module the host cannot tell about (no readable modules.builtin) is info "cannot tell", never missing, with no repair', () => {
  const f = detectModuleMissing(ctx(probe({ modules: [], modulesUnknown: ['ext4', 'dm_mod'] })));
  assert.deepEqual(lines(f), [
    'module-missing info cannot tell whether kernel module ext4 is available',
    'module-missing info cannot tell whether kernel module dm-mod is available',
  ]);
  for (const x of f) {
    assert.deepEqual(x.repairs, []);
    assert.ok(!x.evidence.some((e) => /not built into|missing/.test(e)), x.evidence.join(' | '));
    assert.ok(x.evidence.some((e) => e.includes('modules.builtin')));
  }
  // Known absent (both lists read) stays critical beside one that cannot be told.
  const mixed = detectModuleMissing(ctx(probe({ modules: [], modulesUnknown: ['ext4'] })));
  assert.deepEqual(lines(mixed), ['module-missing info cannot tell whether kernel module ext4 is available', 'module-missing critical kernel module dm-mod is not loaded']);
});

test('not-accepted: declared checks the baseline has no entry for are one warning offering to accept just them; none when all are in it or there is no baseline', () => {
  const full = baseline();
  assert.deepEqual(detectNotAccepted(ctx(probe(), { baseline: full })), []);
  assert.deepEqual(detectNotAccepted(ctx(probe(), { baseline: null })), [], 'no baseline at all: config-drift says so');
  const checks: HostChecks = { ...CHECKS, configs: [...CHECKS.configs, { path: '/etc/new.conf' }], databases: [...CHECKS.databases, { engine: 'mysql', name: 'shop' }], modules: ['brand_new'] };
  const f = detectNotAccepted(ctx(probe(), { baseline: full, checks }));
  assert.deepEqual(lines(f), ['not-accepted warning 2 declared checks not yet accepted: not watched']);
  assert.deepEqual(f[0]!.evidence.slice(0, 2), ['config /etc/new.conf', 'database shop']);
  assert.deepEqual(repairs(f[0]), [['baseline.accept-new', {}]]);
  // A declared config that is a symlink (Debian's /etc/mysql/my.cnf) can never be accepted: not counted.
  const linked = probe({ files: [{ path: '/etc/new.conf', exists: true, kind: 'link', mode: '0777', owner: 'root', group: 'root', size: 20, linkTarget: '/etc/alternatives/new.conf' }] });
  assert.deepEqual(lines(detectNotAccepted(ctx(linked, { baseline: full, checks }))), ['not-accepted warning 1 declared check not yet accepted: not watched']);
});

test('db-tables-missing: dropped tables are critical; db.restore of exactly those tables first, the whole-database rollback only second', () => {
  const f = detectDbTablesMissing(ctx(probe({ databases: [{ name: 'app', ok: true, tables: ['users'] }] })));
  assert.deepEqual(lines(f), ['db-tables-missing critical 1 table(s) missing from app']);
  assert.deepEqual(repairs(f[0]), [['db.restore', { database: 'app', tables: 'orders' }], ['db.rollback', { database: 'app' }]]);
  assert.match(f[0]!.repairs[0]!.label, /^Create the missing orders from dump app-20240101\.sql \(other tables untouched\)$/);
  assert.match(f[0]!.repairs[1]!.label, /^Roll ALL of app back to dump app-20240101\.sql \(rows written since are lost\)$/);
  assert.ok(f[0]!.evidence.includes('missing: orders'));
  const nodump = baseline({ databases: { app: { tables: ['orders', 'users'] } } });
  const g = detectDbTablesMissing(ctx(probe({ databases: [{ name: 'app', ok: true, tables: [] }] }), { baseline: nodump }));
  assert.deepEqual(g[0]?.repairs, []);
  assert.ok(g[0]!.evidence.includes('no dump kept for it: nothing to restore from'));
  const dropped = detectDbTablesMissing(ctx(probe({ databases: [{ name: 'app', ok: true, tables: [], error: 'database does not exist' }] })));
  assert.deepEqual(lines(dropped), ['db-tables-missing critical database app does not exist']);
  assert.deepEqual(repairs(dropped[0]), [['db.restore', { database: 'app', tables: 'orders,users' }], ['db.rollback', { database: 'app' }]]);
  assert.match(dropped[0]!.repairs[0]!.label, /^Create app and its 2 table\(s\) from dump app-20240101\.sql$/);
});

test('db-tables-missing: an unreachable database is critical without repair; extra tables are fine', () => {
  const f = detectDbTablesMissing(ctx(probe({ databases: [{ name: 'app', ok: false, tables: [], error: "ERROR 2002 (HY000): Can't connect" }] })));
  assert.deepEqual(lines(f), ['db-tables-missing critical database app cannot be checked']);
  assert.deepEqual(f[0]!.repairs, []);
  assert.ok(f[0]!.evidence[0]!.includes('ERROR 2002'));
  assert.deepEqual(detectDbTablesMissing(ctx(probe({ databases: [{ name: 'app', ok: true, tables: ['orders', 'users', 'new'] }] }))), []);
  assert.deepEqual(detectDbTablesMissing(ctx(probe({ databases: [{ name: 'app', ok: true, tables: [] }] }), { baseline: null })), []);
});

test('clock-skew: 5 s off warns, 60 s is critical, the latency midpoint is allowed for', () => {
  const ahead = detectClockSkew(ctx(probe({ remoteTimeMs: NOW + 10_000 })));
  assert.deepEqual(lines(ahead), ['clock-skew warning clock is 10 s ahead']);
  assert.deepEqual(ahead[0]!.repairs, []);
  assert.ok(ahead[0]!.evidence.some((e) => e.includes('NTP')));
  assert.deepEqual(lines(detectClockSkew(ctx(probe({ remoteTimeMs: NOW - 120_000 })))), ['clock-skew critical clock is 120 s behind']);
  assert.deepEqual(detectClockSkew(ctx(probe({ remoteTimeMs: NOW + 3_000 }))), []);
  // A 12 s round trip: the remote clock read 6 s after the poll started is right on time.
  assert.deepEqual(detectClockSkew(ctx(probe({ remoteTimeMs: NOW + 6_000 }), { poll: { latencyMs: 12_000 } })), []);
  assert.deepEqual(detectClockSkew(ctx(probe({ remoteTimeMs: 0 }))), [], 'remote time unknown');
});

// ---- repairs of the existing filesystem checks --------------------------------------------------

test('disk-full and inodes-full offer disk.cleanup for the mount (not on a read-only mount)', () => {
  const full = vol('/var', { usedBytes: 990, availBytes: 10, inodesUsed: 99 });
  assert.deepEqual(repairs(detectDiskFull(ctx(probe({ volumes: [full] })))[0]), [['disk.cleanup', { mount: '/var' }]]);
  assert.deepEqual(repairs(detectInodesFull(ctx(probe({ volumes: [full] })))[0]), [['disk.cleanup', { mount: '/var' }]]);
  assert.deepEqual(detectDiskFull(ctx(probe({ volumes: [{ ...full, readOnly: true }] })))[0]?.repairs, []);
});

test('disk.cleanup is offered only where it has something to clean: not on a mount without /var/log or a declared cleanup path', () => {
  const backup = vol('/srv/backup', { usedBytes: 990, availBytes: 10, inodesUsed: 99 });
  const volumes = [vol('/'), backup];
  assert.deepEqual(detectDiskFull(ctx(probe({ volumes })))[0]?.repairs, []);
  assert.deepEqual(detectInodesFull(ctx(probe({ volumes })))[0]?.repairs, []);
  const declared = { ...CHECKS, cleanupPaths: ['/srv/backup/old'] };
  assert.deepEqual(repairs(detectDiskFull(ctx(probe({ volumes }), { checks: declared }))[0]), [['disk.cleanup', { mount: '/srv/backup' }]]);
});

test('fs-read-only: remount-rw only for a non-root mount on a host without fs errors', () => {
  const ro = vol('/srv', { readOnly: true, device: '/dev/vdb' });
  assert.deepEqual(repairs(detectFsReadOnly(ctx(probe({ volumes: [ro] })))[0]), [['fs.remount-rw', { mount: '/srv' }]]);
  assert.deepEqual(detectFsReadOnly(ctx(probe({ volumes: [ro], fsErrors: [{ device: 'vdb', count: 1 }] })))[0]?.repairs, []);
  assert.deepEqual(detectFsReadOnly(ctx(probe({ volumes: [ro], fsErrors: undefined })))[0]?.repairs, []);
  const root = detectFsReadOnly(ctx(probe({ volumes: [vol('/', { readOnly: true })] })));
  assert.equal(root[0]?.severity, 'critical');
  assert.deepEqual(root[0]?.repairs, []);
});

test('fs-read-only: an ext4 of another mount namespace on the same kernel (a counter in /sys/fs/ext4 no mount of this host has) does not hold back the remount; one of this host does', () => {
  const ro = vol('/srv/rofs', { readOnly: true, device: '/dev/remlite-rofs' });
  const mine = { device: 'loop2', source: '/dev/remlite-rofs', mount: '/srv/rofs', fstype: 'ext4', errorsCount: 0, state: 'clean', kernelErrors: [] };
  // loop1: random data over a container's mounted ext4 (a garbage counter); this host mounts no loop1.
  const elsewhere = { device: 'loop1', count: 3029865485 };
  const offered = detectFsReadOnly(ctx(probe({ volumes: [vol('/'), ro], fsState: [mine], fsErrors: [elsewhere] })));
  assert.deepEqual(repairs(offered[0]), [['fs.remount-rw', { mount: '/srv/rofs' }]]);
  assert.ok(!offered[0]?.evidence.some((e) => /report errors/.test(e)), offered[0]?.evidence.join(' | '));
  assert.deepEqual(detectFsErrors(ctx(probe({ volumes: [vol('/'), ro], fsState: [mine], fsErrors: [elsewhere] }))), [], 'nor is it a finding here');

  const ownErrors = probe({ volumes: [vol('/'), ro], fsState: [mine], fsErrors: [{ device: 'loop2', count: 1 }] });
  assert.deepEqual(detectFsReadOnly(ctx(ownErrors))[0]?.repairs, [], 'an error counter of this host\'s own device holds it back');
  const otherOwn = probe({ volumes: [vol('/', { device: '/dev/vda1' }), ro], fsState: [mine], fsErrors: [{ device: 'vda1', count: 1 }] });
  assert.deepEqual(detectFsReadOnly(ctx(otherOwn))[0]?.repairs, [], 'as does one of another filesystem this host mounts');
  const legacy = probe({ volumes: [vol('/'), ro], fsState: undefined, fsErrors: [elsewhere] });
  assert.deepEqual(detectFsReadOnly(ctx(legacy))[0]?.repairs, [], 'without the fsstate section no counter can be told apart: none offered');
});

test('every new finding fits 80 columns, even with long paths', () => {
  const long = '/srv/' + 'x'.repeat(200);
  const checks: HostChecks = { ...CHECKS, configs: [{ path: long, service: 'apache2' }], dataPaths: [long], permFiles: [long] };
  const b = baseline({ files: { [long]: { kind: 'config', sha256: GOOD, mode: '0644', owner: 'root', group: 'root', copy: GOOD } } });
  const findings = detectAll(ctx(probe({ files: [file(long, { sha256: BAD, mode: '0400' })], configTests: [FAILED_TEST] }), { baseline: b, checks }));
  assert.ok(findings.length >= 4, lines(findings).join('\n'));
  for (const f of findings) {
    assert.ok(f.summary.length <= 80, f.summary);
    for (const e of f.evidence) assert.ok(e.length <= 80, e);
    for (const r of f.repairs) if (r.params['path']) assert.equal(r.params['path'], long, 'repairs keep the full path');
  }
});
