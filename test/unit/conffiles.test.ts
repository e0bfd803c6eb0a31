// Package-managed config files that drift with nothing declared: the dpkg --verify and rpm -Va
// parsers (real output), the heavy section's parser, the detector before and after an accept, and
// what the accept learns from the same lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostBaseline, HostProbe, Machine, PollResult } from '../../src/model/index.js';
import { parseConffileLines } from '../../src/util/pkgverify-parse.js';
import { parseHeavy } from '../../src/probe/parse-heavy.js';
import { detectConffileDrift, CONFFILES_SUBJECT } from '../../src/matrix/conffile-drift.js';
import { DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import { CONFFILES_NOT_LEARNED, parseLearned } from '../../src/baseline/learn-parse.js';

/** `dpkg --verify` on a lab host (Debian 12, dpkg 1.21.23), as pkgverify prints it. */
const DPKG = [
  'M dpkg',
  'V ??5?????? c /etc/apache2/ports.conf',
  'P apache2 /etc/apache2/ports.conf',
  'V ??5?????? c /etc/logrotate.conf',
  'P logrotate /etc/logrotate.conf',
  'V missing   c /etc/cron.d/e2scrub_all',
  'P e2fsprogs /etc/cron.d/e2scrub_all',
  'V missing   c /etc/default/nss (Permission denied)',
];

/** `rpm -Va` (rpm 4.16, and a pre-4.9 8-flag line) as pkgverify prints it. */
const RPM = [
  'M rpm',
  'V S.5....T.  c /etc/ssh/sshd_config',
  'P openssh-server /etc/ssh/sshd_config',
  'V .M.......  c /etc/sudoers (replaced)',
  'V missing   c /etc/sysconfig/network-scripts/ifcfg-eth1',
  'V S.5....T c /etc/passwd',
  'P setup /etc/passwd',
];

const warnings: string[] = [];
const warn = (w: string) => warnings.push(w);

test('dpkg --verify: changed and missing conffiles, with their package; an error suffix is not part of the path', () => {
  const r = parseConffileLines(DPKG, warn);
  assert.equal(r?.packageManager, 'dpkg');
  assert.deepEqual(r?.conffiles, [
    { path: '/etc/apache2/ports.conf', missing: false, flags: '??5??????', package: 'apache2' },
    { path: '/etc/logrotate.conf', missing: false, flags: '??5??????', package: 'logrotate' },
    { path: '/etc/cron.d/e2scrub_all', missing: true, flags: 'missing', package: 'e2fsprogs' },
    { path: '/etc/default/nss', missing: true, flags: 'missing' },
  ]);
});

test('rpm -Va: 9 and 8 verify flags, missing files and rpm file states; the package named by rpm -qf', () => {
  const r = parseConffileLines(RPM, warn);
  assert.equal(r?.packageManager, 'rpm');
  assert.deepEqual(
    r?.conffiles.map((c) => [c.path, c.flags, c.missing, c.package ?? '-']),
    [
      ['/etc/ssh/sshd_config', 'S.5....T.', false, 'openssh-server'],
      ['/etc/sudoers', '.M.......', false, '-'],
      ['/etc/sysconfig/network-scripts/ifcfg-eth1', 'missing', true, '-'],
      ['/etc/passwd', 'S.5....T', false, 'setup'],
    ],
  );
});

test('a lying host: non-config lines, control characters, relative parts and unsafe package names are dropped', () => {
  const seen: string[] = [];
  const r = parseConffileLines(
    [
      'M dpkg',
      'V ??5??????   /usr/share/a c /b',
      'V ??5?????? c /etc/\u001b]0;pwned\u0007x.conf',
      'V ??5?????? c /etc/../shadow',
      'V ??5?????? c etc/relative',
      'V ??5?????? c /etc/ok.conf',
      'P ok;reboot /etc/ok.conf',
      'P $(id) /etc/ok.conf',
    ],
    (w) => seen.push(w),
  );
  assert.deepEqual(r?.conffiles, [{ path: '/etc/ok.conf', missing: false, flags: '??5??????' }]);
  assert.ok(seen.length >= 5, 'each dropped line is a warning');
  assert.equal(parseConffileLines(['V ??5?????? c /etc/x'], warn), undefined, 'no manager line: nothing is claimed');
  assert.deepEqual(parseConffileLines(['M none'], warn), { packageManager: 'none', conffiles: [] });
});

test('the heavy section: a kept result with its time and the learned databases; none yet while the first run goes', () => {
  const r = parseHeavy(['state=cached at=1796213407 running=4242', ...DPKG.slice(0, 3), 'D ok shop', '| 1', '| orders', '| users'], warn);
  assert.deepEqual(r.heavy, {
    atMs: 1796213407000,
    state: 'cached',
    running: true,
    packageManager: 'dpkg',
    conffiles: [{ path: '/etc/apache2/ports.conf', missing: false, flags: '??5??????', package: 'apache2' }],
  });
  assert.deepEqual(r.databases, [{ name: 'shop', ok: true, tables: ['orders', 'users'] }]);
  const none: string[] = [];
  assert.deepEqual(parseHeavy(['state=none at=- running=77'], (w) => none.push(w)), { databases: [] });
  assert.match(none[0] ?? '', /first run is still going/);
  assert.equal(parseHeavy(['state=fresh at=1796213407 running=-', 'M none'], warn).heavy?.packageManager, 'none');
});

const MACHINE: Machine = {
  id: 'web1',
  name: 'web1',
  provider: 'datacenter',
  site: 'lab',
  pool: 'web',
  role: 'web',
  ssh: { host: '127.0.1.1', port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] },
  services: [],
  logs: [],
  origin: 'inventory.yaml:1',
};

function poll(conffiles: string[]): PollResult {
  const heavy = parseHeavy(['state=fresh at=1796213407 running=-', 'M dpkg', ...conffiles.flatMap((p) => [`V ??5?????? c ${p}`, `P pkg-${p.split('/').pop()} ${p}`])], warn).heavy;
  const probe = { hostname: 'web1', remoteTimeMs: 1796213467000, services: [], volumes: [], warnings: [], heavy } as unknown as HostProbe;
  return { machineId: 'web1', at: 1796213467000, reach: 'ok', probe };
}

function baseline(conffiles?: string[]): HostBaseline {
  return { machineId: 'web1', acceptedAt: '2026-12-02T12:00:00Z', acceptedBy: 't', files: {}, modules: [], databases: {}, learned: { units: [], sockets: [], ...(conffiles ? { conffiles } : {}) } };
}

const detect = (p: PollResult, b?: HostBaseline, m: Machine = MACHINE) => detectConffileDrift({ machine: m, poll: p, now: p.at, thresholds: DEFAULT_THRESHOLDS, baseline: b });

test('without a baseline, drifted conffiles are one info finding listing them; none drifted, none', () => {
  const f = detect(poll(['/etc/apache2/ports.conf', '/etc/rsyslog.conf']));
  assert.equal(f.length, 1);
  assert.equal(f[0]?.severity, 'info');
  assert.equal(f[0]?.class, 'config-drift');
  assert.equal(f[0]?.subject, CONFFILES_SUBJECT);
  assert.ok(f[0]?.evidence.includes('/etc/apache2/ports.conf (pkg-ports.conf)'));
  assert.ok(f[0]?.evidence.some((e) => /as of dpkg --verify 60s ago/.test(e)), f[0]?.evidence.join('\n'));
  assert.deepEqual(detect(poll([])), []);
  assert.equal(detect(poll(['/etc/x.conf']), baseline())[0]?.severity, 'info', 'a baseline without a learned conffile set still says info');
});

test('the info finding says why the baseline has no conffile set: no baseline, a baseline from before learning, an accept the verify did not answer', () => {
  const tail = (b?: HostBaseline) => {
    const f = detect(poll(['/etc/x.conf']), b)[0]!;
    return [f.summary.replace(/^.*; /, ''), f.evidence.at(-1)];
  };
  assert.deepEqual(tail(), ['no baseline yet', 'accept the host (A) to take these as its known-good state']);
  const { learned: _, ...old } = baseline();
  assert.deepEqual(tail(old), ['not in the baseline', 'the baseline predates conffile learning: accept again (A)']);
  assert.deepEqual(tail(baseline()), ['not in the baseline', 'the accept got no answer from the package verify: accept again (A)']);
});

test('after the accept: conffiles drifted then are known-good; one drifting since is a warning naming file and package; declared configs are left to config-drift', () => {
  const b = baseline(['/etc/apache2/ports.conf', '/etc/rsyslog.conf']);
  assert.deepEqual(detect(poll(['/etc/apache2/ports.conf', '/etc/rsyslog.conf']), b), []);
  const f = detect(poll(['/etc/apache2/ports.conf', '/etc/rsyslog.conf', '/etc/logrotate.conf']), b);
  assert.equal(f.length, 1);
  assert.equal(f[0]?.severity, 'warning');
  assert.equal(f[0]?.subject, '/etc/logrotate.conf');
  assert.match(f[0]?.summary ?? '', /package config \/etc\/logrotate\.conf changed since the accept/);
  assert.ok(f[0]?.evidence.includes('dpkg --verify: ??5?????? c /etc/logrotate.conf'));
  assert.ok(f[0]?.evidence.some((e) => e.startsWith('package pkg-logrotate.conf')));
  assert.deepEqual(f[0]?.repairs, [], 'no stored copy: nothing to restore from');
  const declared = { ...MACHINE, checks: { configs: [{ path: '/etc/logrotate.conf' }], permFiles: [], dataPaths: [], modules: [], databases: [], cleanupPaths: [] } };
  assert.deepEqual(detect(poll(['/etc/logrotate.conf']), b, declared), []);
  const flood = detect(poll(Array.from({ length: 40 }, (_, i) => `/etc/lie${i}.conf`)), b);
  assert.equal(flood.length, 11, 'a host claiming 40 drifted files: 10 findings and one listing the other 30');
  assert.match(flood[10]?.summary ?? '', /^30 more package config files changed since the accept/);
});

test('the accept learns the drifted conffiles as the known-good set and says where the sockets came from', () => {
  const l = parseLearned(['W ss', ...DPKG]);
  assert.deepEqual(l.conffiles, ['/etc/apache2/ports.conf', '/etc/logrotate.conf', '/etc/cron.d/e2scrub_all', '/etc/default/nss']);
  assert.equal(l.conffilesSource, 'dpkg');
  assert.equal(l.socketsSource, 'ss');
  assert.equal(parseLearned(['W ss']).conffiles, undefined, 'not verified: not learned (never an empty known-good set)');
  assert.ok(parseLearned(['W ss']).notes?.includes(CONFFILES_NOT_LEARNED), 'and the baseline says why');
});
