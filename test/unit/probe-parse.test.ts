import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import os from 'node:os';
import type { HostProbe } from '../../src/model/index.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { runLocalProbe } from '../../src/probe/run-local.js';

function expectOk(text: string): HostProbe {
  const r = parseProbeOutput(text);
  if (!r.ok) assert.fail(`expected ok, got: ${r.error}`);
  return r.probe;
}

// ---- (a) real output of the script on this machine -------------------------------------------

test('a real run on this machine parses to values that match what node sees', async () => {
  const run = await runLocalProbe([], 30_000);
  assert.equal(run.code, 0, run.stderr);
  const p = expectOk(run.stdout);
  assert.equal(p.hostname, os.hostname());
  assert.equal(p.cpus, os.cpus().length);
  assert.equal(p.kernel, os.release());
  assert.equal(p.memTotalBytes, os.totalmem());
  assert.ok(p.memAvailableBytes > 0 && p.memAvailableBytes <= p.memTotalBytes);
  assert.ok(Math.abs(p.remoteTimeMs - Date.now()) < 120_000, 'remote clock is this clock');
  assert.ok(Math.abs(p.uptimeSec - os.uptime()) < 120, 'uptime is /proc/uptime');
  const [l1] = os.loadavg();
  assert.ok(p.load1 >= 0 && Math.abs(p.load1 - (l1 ?? 0)) < 5);
  const expectedInit = spawnSync('/bin/sh', ['-c', '[ -d /run/systemd/system ]']).status === 0 ? 'systemd' : 'sysvinit';
  assert.equal(p.init, expectedInit);

  const root = p.volumes.find((v) => v.mount === '/');
  assert.ok(root, 'root filesystem is reported');
  const st = statfsSync('/');
  assert.equal(root.sizeBytes, st.blocks * st.bsize);
  assert.equal(root.inodesTotal, st.files);
  assert.ok(root.usedBytes > 0 && root.availBytes > 0);
  assert.equal(root.readOnly, false);
  assert.notEqual(root.fstype, 'unknown');
  for (const v of p.volumes) {
    assert.doesNotMatch(v.mount, /^\/(proc|sys|dev)(\/|$)/, `pseudo mount ${v.mount} kept`);
    assert.ok(!['proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'devtmpfs'].includes(v.fstype));
  }
});

test('sysvinit statuses of a real run map exit codes like the init.d script returns', async (t) => {
  const hasSystemd = spawnSync('/bin/sh', ['-c', '[ -d /run/systemd/system ]']).status === 0;
  if (hasSystemd) {
    t.skip('this machine runs systemd; the sysvinit path is covered by hand-written output');
    return;
  }
  const candidates = ['ssh', 'cron', 'dbus', 'procps'].filter(
    (s) => spawnSync('/bin/sh', ['-c', `[ -x /etc/init.d/${s} ]`]).status === 0,
  );
  const run = await runLocalProbe([...candidates, 'nosuch-remlite-svc'], 30_000);
  const p = expectOk(run.stdout);
  const missing = p.services.find((s) => s.name === 'nosuch-remlite-svc');
  assert.deepEqual(missing && { active: missing.active, load: missing.load }, { active: 'inactive', load: 'not-found' });
  for (const name of candidates) {
    const rc = spawnSync(`/etc/init.d/${name}`, ['status'], { stdio: 'ignore' }).status;
    const s = p.services.find((x) => x.name === name);
    assert.ok(s, `${name} reported`);
    assert.equal(s.init, 'sysvinit');
    const expected = rc === 0 ? 'active' : rc === 3 || rc === 4 ? 'inactive' : 'failed';
    assert.equal(s.active, expected, `${name}: init.d status exit ${rc}`);
  }
});

test('a truncated real run is refused with the byte count, at every offset', async () => {
  const run = await runLocalProbe([], 30_000);
  const text = run.stdout;
  for (let i = 0; i < text.length; i++) {
    const cut = text.slice(0, i);
    const r = parseProbeOutput(cut);
    if (i >= text.length - 1) {
      assert.ok(r.ok, `cut at ${i} should still be complete`);
      continue;
    }
    assert.equal(r.ok, false, `cut at ${i} parsed as ok`);
    if (!r.ok) {
      assert.equal(r.error, `probe output truncated: no end marker after ${Buffer.byteLength(cut)} bytes`);
      assert.equal(r.raw, cut);
    }
  }
});

// ---- (b) hand-written outputs ---------------------------------------------------------------

interface Parts {
  meta?: string[];
  systemd?: string[];
  sysv?: string[];
  expected?: string[];
  mounts?: string[];
  df?: string[];
  dfi?: string[];
  meminfo?: string[];
  warnings?: string[];
  drop?: string[];
  /** Sections appended after the usual ones. */
  extra?: [string, string[]][];
}

function probeText(p: Parts = {}): string {
  const sections: [string, string[]][] = [
    ['meta', p.meta ?? ['hostname=web1', 'epoch=1700000000', 'kernel=6.1.0-18-amd64', 'cpus=4', 'init=systemd']],
    ['uptime', ['1000.50 3000.00']],
    ['loadavg', ['0.50 1.25 2.00 1/123 4567']],
    ['meminfo', p.meminfo ?? ['MemTotal:        4000000 kB', 'MemFree:  100 kB', 'MemAvailable:    1000000 kB', 'SwapTotal:       0 kB', 'SwapFree:        0 kB']],
    ['mounts', p.mounts ?? ['/dev/sda1 / ext4 rw', '/dev/sdb1 /srv/my\\040data xfs ro', 'tmpfs /run tmpfs rw']],
    ['df', p.df ?? [
      'Filesystem     1024-blocks    Used Available Capacity Mounted on',
      '/dev/sda1         10000000 9000000    500000      95% /',
      '/dev/sdb1          2000000 1000000   1000000      50% /srv/my data',
      'tmpfs               100000    1000     99000       2% /run',
      'tmpfs               100000       0    100000       0% /run/user/0',
    ]],
    ['dfi', p.dfi ?? [
      'Filesystem      Inodes   IUsed   IFree IUse% Mounted on',
      '/dev/sda1       655360  600000   55360   92% /',
      '/dev/sdb1            -       -       -     - /srv/my data',
    ]],
    ['expected', p.expected ?? []],
    ['systemd', p.systemd ?? []],
    ['sysv', p.sysv ?? []],
    ['warnings', p.warnings ?? []],
    ...(p.extra ?? []),
  ];
  const body = sections
    .filter(([name]) => !p.drop?.includes(name))
    .map(([name, lines]) => [`@@remlite ${name}`, ...lines].join('\n'))
    .join('\n');
  return body + '\n@@remlite end\n';
}

const APACHE_FAILED = [
  'Id=apache2.service',
  'Description=The Apache HTTP Server',
  'LoadState=loaded',
  'ActiveState=failed',
  'SubState=failed',
  'NRestarts=0',
  'MainPID=0',
  'StateChangeTimestampMonotonic=900000000',
];
const MARIADB_ACTIVATING = [
  'MainPID=0',
  'NRestarts=7',
  'Id=mariadb.service',
  'Description=MariaDB 10.11.6 database server',
  'LoadState=loaded',
  'ActiveState=activating',
  'SubState=auto-restart',
  'StateChangeTimestampMonotonic=999000000',
];
const NOT_FOUND = ['Id=nginx.service', 'Description=nginx.service', 'LoadState=not-found', 'ActiveState=inactive', 'SubState=dead', 'NRestarts=0', 'MainPID=0', 'StateChangeTimestampMonotonic=0'];
const MASKED = ['Id=postfix.service', 'Description=postfix.service', 'LoadState=masked', 'ActiveState=inactive', 'SubState=dead', 'MainPID=0', 'StateChangeTimestampMonotonic=0'];
const RUNNING = ['Id=cron.service', 'Description=Regular background program processing daemon', 'LoadState=loaded', 'ActiveState=active', 'SubState=running', 'NRestarts=0', 'MainPID=512', 'StateChangeTimestampMonotonic=5000000'];

test('systemd output: failed, activating, not-found, masked and running units', () => {
  const p = expectOk(
    probeText({
      expected: ['apache2', 'mysql', 'nginx', 'postfix', 'cron'],
      // mysql is an alias: systemctl answers with mariadb.service; the failed list repeats apache2.
      systemd: [...APACHE_FAILED, '', ...MARIADB_ACTIVATING, '', ...NOT_FOUND, '', ...MASKED, '', ...RUNNING, '', ...APACHE_FAILED],
    }),
  );
  assert.equal(p.init, 'systemd');
  assert.deepEqual(
    p.services.map((s) => [s.name, s.load, s.active, s.sub]),
    [
      ['apache2', 'loaded', 'failed', 'failed'],
      ['mysql', 'loaded', 'activating', 'auto-restart'],
      ['nginx', 'not-found', 'inactive', 'dead'],
      ['postfix', 'masked', 'inactive', 'dead'],
      ['cron', 'loaded', 'active', 'running'],
    ],
  );
  const [apache, mysql, , postfix, cron] = p.services;
  // boot = 1700000000000 - 1000500 ms; changed 900 s after boot.
  assert.equal(apache?.sinceMs, 1700000000000 - 1000500 + 900000);
  assert.equal(mysql?.restarts, 7);
  assert.equal(mysql?.description, 'MariaDB 10.11.6 database server');
  assert.equal(postfix?.restarts, undefined);
  assert.equal(postfix?.sinceMs, undefined, 'timestamp 0 means never');
  assert.equal(cron?.mainPid, 512);
  assert.equal(apache?.mainPid, undefined);
});

test('systemd output with no expected services lists every unit once, named without .service', () => {
  const p = expectOk(probeText({ systemd: [...APACHE_FAILED, '', ...RUNNING, '', ...RUNNING] }));
  assert.deepEqual(p.services.map((s) => s.name), ['apache2', 'cron']);
});

test('volumes: df joined with the mount table, escapes decoded, /run/* dropped, inodes "-" as 0', () => {
  const p = expectOk(probeText());
  assert.deepEqual(
    p.volumes.map((v) => [v.mount, v.device, v.fstype, v.readOnly]),
    [
      ['/', '/dev/sda1', 'ext4', false],
      ['/srv/my data', '/dev/sdb1', 'xfs', true],
      ['/run', 'tmpfs', 'tmpfs', false],
    ],
  );
  const root = p.volumes[0]!;
  assert.equal(root.sizeBytes, 10000000 * 1024);
  assert.equal(root.usedBytes, 9000000 * 1024);
  assert.equal(root.availBytes, 500000 * 1024);
  assert.equal(root.inodesTotal, 655360);
  assert.equal(root.inodesUsed, 600000);
  assert.equal(p.volumes[1]!.inodesTotal, 0);
});

test('without a mount table, df alone gives volumes of unknown type', () => {
  const p = expectOk(probeText({ mounts: [], drop: ['mounts'] }));
  assert.deepEqual(p.volumes.map((v) => [v.mount, v.fstype]), [['/', 'unknown'], ['/srv/my data', 'unknown'], ['/run', 'unknown']]);
});

const DF_BOTH = [
  'Filesystem      1K-blocks    Used   Avail Inodes  IUsed Mounted on',
  '/dev/sda1        10000000 9000000  500000 655360 600000 /',
  '/dev/sdb1         2000000 1000000 1000000      -      - /srv/my data',
  'tmpfs              100000    1000   99000   2500     12 /run',
  'tmpfs              100000       0  100000   2500      1 /run/user/0',
];

test('dfboth (GNU df --output, one call) gives the same volumes as the df and dfi sections', () => {
  const twoCalls = expectOk(probeText());
  const oneCall = expectOk(probeText({ drop: ['df', 'dfi'], extra: [['dfboth', DF_BOTH]] }));
  // The hand-written dfi has no /run row: its inode figures are the only expected difference.
  const runVolume = oneCall.volumes.find((v) => v.mount === '/run');
  assert.deepEqual([runVolume?.inodesTotal, runVolume?.inodesUsed], [2500, 12]);
  assert.deepEqual(
    oneCall.volumes.map((v) => (v.mount === '/run' ? { ...v, inodesTotal: 0, inodesUsed: 0 } : v)),
    twoCalls.volumes,
  );
  assert.deepEqual(oneCall.warnings, []);
});

test('dfboth: a line that does not fit is skipped with a warning; without a mount table the type is unknown', () => {
  const p = expectOk(probeText({ drop: ['df', 'dfi', 'mounts'], extra: [['dfboth', [...DF_BOTH, 'garbage line']]] }));
  assert.deepEqual(p.volumes.map((v) => [v.mount, v.fstype, v.inodesTotal]), [
    ['/', 'unknown', 655360],
    ['/srv/my data', 'unknown', 0],
    ['/run', 'unknown', 2500],
  ]);
  assert.deepEqual(p.warnings, ['df: unexpected line: garbage line']);
});

test('on this machine one df --output call reports what df -P -k and df -P -i report', async (t) => {
  const both = spawnSync('df', ['--output=source,size,used,avail,itotal,iused,target', '-k'], { encoding: 'utf8' });
  if (both.status !== 0 || !both.stdout) {
    t.skip('df has no --output here (not GNU df)');
    return;
  }
  const run = await runLocalProbe([], 30_000);
  assert.match(run.stdout, /\n@@remlite dfboth\n/, 'GNU df: the script takes the one-call path');
  assert.doesNotMatch(run.stdout, /\n@@remlite dfi?\n/);
  const twoCalls = run.stdout.replace(
    /@@remlite dfboth\n[\s\S]*?(?=@@remlite )/,
    `@@remlite df\n${spawnSync('df', ['-P', '-k'], { encoding: 'utf8' }).stdout}@@remlite dfi\n${spawnSync('df', ['-P', '-i'], { encoding: 'utf8' }).stdout}`,
  );
  const stable = (p: HostProbe) => p.volumes.map((v) => [v.mount, v.device, v.fstype, v.sizeBytes, v.inodesTotal, v.readOnly]);
  assert.deepEqual(stable(expectOk(run.stdout)), stable(expectOk(twoCalls)));
});

test('sysvinit output maps exit codes 0, 3, 4, missing and others', () => {
  const p = expectOk(
    probeText({
      meta: ['hostname=old1', 'epoch=1700000000', 'kernel=2.6.32', 'cpus=1', 'init=sysvinit'],
      sysv: ['apache2 0', 'mysql 3', 'nginx 4', 'postfix missing', 'cron 1'],
    }),
  );
  assert.deepEqual(
    p.services.map((s) => [s.name, s.active, s.sub, s.load, s.init]),
    [
      ['apache2', 'active', 'running', 'loaded', 'sysvinit'],
      ['mysql', 'inactive', 'dead', 'loaded', 'sysvinit'],
      ['nginx', 'inactive', 'dead', 'not-found', 'sysvinit'],
      ['postfix', 'inactive', 'dead', 'not-found', 'sysvinit'],
      ['cron', 'failed', 'failed', 'loaded', 'sysvinit'],
    ],
  );
});

test('old kernel without MemAvailable: estimated, with a warning', () => {
  const p = expectOk(probeText({ meminfo: ['MemTotal: 1000 kB', 'MemFree: 100 kB', 'Buffers: 50 kB', 'Cached: 150 kB'] }));
  assert.equal(p.memAvailableBytes, 300 * 1024);
  assert.ok(p.warnings.some((w) => w.includes('MemAvailable missing')));
});

test('bad numbers become 0 with a warning; script warnings and odd lines are kept', () => {
  const p = expectOk(
    probeText({
      meta: ['hostname=x', 'epoch=soon', 'kernel=k', 'cpus=NaN', 'init=systemd'],
      warnings: ['df -P -i unsupported (exit 1): inode usage not reported'],
      systemd: ['this is not a property', 'Id=a.service', 'NRestarts=many'],
    }),
  );
  assert.equal(p.remoteTimeMs, 0);
  assert.equal(p.cpus, 0);
  assert.ok(p.warnings.includes('epoch: not a number: soon'));
  assert.ok(p.warnings.includes('cpus: not a number: NaN'));
  assert.ok(p.warnings.includes('df -P -i unsupported (exit 1): inode usage not reported'));
  assert.ok(p.warnings.includes('systemd: unexpected line: this is not a property'));
  assert.ok(p.warnings.includes('systemd: a NRestarts not a number: many'));
});

test('missing core sections are refused by name', () => {
  for (const core of ['meta', 'loadavg', 'meminfo']) {
    const r = parseProbeOutput(probeText({ drop: [core] }));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error, `probe output incomplete: missing section(s) ${core}`);
  }
});

test('remote text is sanitized: no escape sequences survive in names or descriptions', () => {
  const p = expectOk(
    probeText({
      meta: ['hostname=evil\u001b]0;owned\u0007host', 'epoch=1', 'kernel=k\u001b[31m', 'cpus=1', 'init=systemd'],
      systemd: ['Id=x.service', 'Description=\u001b[2Jwipe', 'LoadState=loaded', 'ActiveState=active', 'SubState=running'],
    }),
  );
  assert.equal(p.hostname, 'evilhost');
  assert.equal(p.kernel, 'k');
  assert.equal(p.services[0]?.description, 'wipe');
});

test('service names a host reports are validated: an option or shell syntax is dropped with a warning', () => {
  const unit = (id: string) => [`Id=${id}`, 'LoadState=loaded', 'ActiveState=active', 'SubState=running', ''];
  const p = expectOk(
    probeText({
      systemd: [...unit('ok.service'), ...unit('-oProxyCommand=x.service'), ...unit('a;touch x.service'), ...unit('web\u202e1.service'), ...unit('$(id).service'), ...unit('systemd-fsck@dev-disk-by\\x2duuid-1.service')],
    }),
  );
  assert.deepEqual(p.services.map((s) => s.name), ['ok', 'systemd-fsck@dev-disk-by\\x2duuid-1'], "systemd's own escapes are a name");
  assert.ok(p.warnings.includes('systemd: ignoring a unit with an unsafe name: -oProxyCommand=x'), p.warnings.join('\n'));
  assert.ok(p.warnings.includes('systemd: ignoring a unit with an unsafe name: web<U+202E>1'), 'the warning itself is sanitized');
  const sysv = expectOk(probeText({ meta: ['hostname=h', 'epoch=1', 'kernel=k', 'cpus=1', 'init=sysvinit'], sysv: ['cron 0', '-rf 0', 'x`id` 3'] }));
  assert.deepEqual(sysv.services.map((s) => s.name), ['cron']);
  assert.ok(sysv.warnings.includes('sysv: ignoring a service with an unsafe name: -rf'));
});

// ---- (c) fuzz ---------------------------------------------------------------------------------

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function assertValid(text: string, label: string): void {
  const r = parseProbeOutput(text);
  if (!r.ok) {
    assert.doesNotMatch(r.error, /unparseable/, `${label}: parser threw internally`);
    assert.equal(r.raw, text);
    return;
  }
  const p = r.probe;
  for (const key of ['remoteTimeMs', 'uptimeSec', 'load1', 'load5', 'load15', 'cpus', 'memTotalBytes', 'memAvailableBytes'] as const) {
    assert.ok(Number.isFinite(p[key]) && p[key] >= 0, `${label}: ${key} = ${p[key]}`);
  }
  for (const v of p.volumes) assert.ok(Number.isFinite(v.sizeBytes) && Number.isFinite(v.inodesTotal), label);
  for (const s of p.services) assert.equal(typeof s.name, 'string', label);
}

test('fuzz: random bytes and random line soups never break the parser', () => {
  const next = rng(42);
  const pieces = ['@@remlite meta', '@@remlite end', '@@remlite systemd', '@@remlite df', 'Id=', '=', '\n', ' ', '\u0000', '\u001b[', 'NaN', '-1', '1e309', '/', '\\040', 'x'];
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256)));
    assertValid(bytes.toString('latin1'), `bytes #${i}`);
    const soup = Array.from({ length: Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    assertValid(soup + '\n@@remlite end\n', `soup #${i}`);
  }
});

test('fuzz: deleting, duplicating or corrupting lines of valid output never breaks the parser', async () => {
  const real = (await runLocalProbe(['ssh'], 30_000)).stdout;
  const samples = [real, probeText({ expected: ['apache2'], systemd: [...APACHE_FAILED, '', ...MARIADB_ACTIVATING] })];
  const next = rng(7);
  for (const sample of samples) {
    const lines = sample.split('\n');
    for (let i = 0; i < 1500; i++) {
      const copy = [...lines];
      const at = Math.floor(next() * copy.length);
      const op = Math.floor(next() * 3);
      if (op === 0) copy.splice(at, 1);
      else if (op === 1) copy.splice(at, 0, copy[at] ?? '');
      else copy[at] = (copy[at] ?? '').replace(/\d/g, () => String.fromCharCode(Math.floor(next() * 128)));
      assertValid(copy.join('\n'), `mutation #${i} op ${op} at ${at}`);
    }
  }
});
