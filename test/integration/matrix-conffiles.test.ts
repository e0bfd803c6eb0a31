// Failure matrix, what a host shows with nothing declared: package config files that drift
// (dpkg --verify, on the heavy checks' cadence), listening sockets learned from /proc when ss is
// missing, and declared files on a network mount that the probe must not touch. Real lab hosts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { CONFFILES_SUBJECT } from '../../src/matrix/conffile-drift.js';
import type { Finding, Machine } from '../../src/model/index.js';
import { shIn as sh, type Observed } from '../support/matrix-harness.js';
import { loadFleet } from '../../providers/index.js';
import { isLabSkip, labExec, labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';

const WEB = 'lab-web1';
const FS = 'lab-fs1';
const CONFFILE = '/etc/logrotate.conf';
const FAULT_LINE = '# remlite conffile fault';
const SHARE = '/var/www/html/shared';
const HEAVY_SEC = 3;

const lab = labInfo();
const skip = isLabSkip(lab) ? lab.skip : [WEB, FS].some((n) => !lab.hosts.some((h) => h.name === n)) ? `the lab has no ${WEB} and ${FS}` : false;
const info = (): LabInfo => lab as LabInfo;

let core: RemliteConsole;
let web: Machine;
let stateDir = '';

/** A poll as the console applied it, with its findings. */
type Seen = Pick<Observed, 'poll' | 'findings'>;

function seen(c: RemliteConsole, host: string, ok: (s: Seen) => boolean, what: string): Promise<Seen> {
  return waitFor(what, () => {
    const h = c.store.getState().hosts[host];
    const s = h?.last ? { poll: h.last, findings: h.findings } : undefined;
    return s && ok(s) ? s : undefined;
  }, 90_000);
}

/** The first poll of WEB that started after t and carries a heavy run that started after t too. */
const firstHeavyAfter = (t: number): Promise<Seen> =>
  seen(core, WEB, (s) => s.poll.at >= t && (s.poll.probe?.heavy?.atMs ?? 0) >= t, `a poll of ${WEB} with dpkg --verify run after ${t}`);

const conffileFindings = (s: Seen): Finding[] => s.findings.filter((f) => f.class === 'config-drift' && (f.subject === CONFFILES_SUBJECT || f.subject?.startsWith('/etc/')));

function console1(machines: Machine[], dir: string): RemliteConsole {
  return createConsole({
    machines,
    auditPath: join(dir, 'audit.log'),
    stateDir: dir,
    pollIntervalMs: 1000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 10_000,
    maxConcurrent: 8,
    logScrollback: 100,
    heavyCheckIntervalSec: HEAVY_SEC,
  });
}

before(async () => {
  if (skip) return;
  const fleet = await loadFleet({ inventoryPath: info().inventoryPath, noSshConfig: true, includeLocal: false });
  web = fleet.machines.find((m) => m.id === WEB)!;
  stateDir = mkdtempSync(join(tmpdir(), 'remlite-conffiles-'));
  core = console1([web], stateDir);
  core.poller.start();
});

after(async () => {
  if (skip) return;
  await labExec(WEB, `sed -i '/^${FAULT_LINE}$/d' ${CONFFILE}; [ -e /usr/bin/ss ] || mv /usr/bin/ss.remlite-hidden /usr/bin/ss`);
  await labExec(FS, 'pkill -CONT -x sftp-server');
  await core?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

test('config-drift, package conffile: with nothing declared the lab\'s drifted conffiles are one info finding until the accept takes them as known-good; a line appended to /etc/logrotate.conf is a warning naming file and package in the first poll whose dpkg --verify ran after the fault, kept between heavy runs, and gone once the file is put back', { skip }, async () => {
  const before = await firstHeavyAfter(Date.now());
  const heavy = before.poll.probe!.heavy!;
  assert.equal(heavy.packageManager, 'dpkg');
  const preexisting = heavy.conffiles.map((c) => c.path);
  assert.ok(preexisting.includes('/etc/apache2/ports.conf'), `the lab edits ports.conf (apache2's conffile): ${preexisting.join(' ')}`);
  assert.ok(!preexisting.includes(CONFFILE));
  const infoFinding = conffileFindings(before);
  assert.equal(infoFinding.length, 1, JSON.stringify(before.findings));
  assert.equal(infoFinding[0]?.severity, 'info');
  assert.ok(infoFinding[0]?.evidence.includes('/etc/apache2/ports.conf (apache2)'), infoFinding[0]?.evidence.join('\n'));

  await core.intents.acceptBaseline({ machineId: WEB });
  const acceptedAt = Date.now();
  const baseline = core.baselines.load(WEB).baseline;
  assert.deepEqual([...(baseline?.learned?.conffiles ?? [])].sort(), [...preexisting].sort(), 'the drifted set at accept is the baseline');
  assert.equal(baseline?.learned?.conffilesSource, 'dpkg');
  const clean = await firstHeavyAfter(acceptedAt);
  assert.deepEqual(conffileFindings(clean), [], 'after the accept the same drift is known-good');

  await sh(WEB, `echo '${FAULT_LINE}' >> ${CONFFILE}`);
  const t = Date.now();
  const first = await firstHeavyAfter(t);
  const f = conffileFindings(first);
  assert.equal(f.length, 1, JSON.stringify(first.findings));
  assert.equal(f[0]?.severity, 'warning');
  assert.equal(f[0]?.subject, CONFFILE);
  assert.ok(f[0]?.evidence.includes(`dpkg --verify: ??5?????? c ${CONFFILE}`), f[0]?.evidence.join('\n'));
  assert.ok(f[0]?.evidence.some((e) => e.startsWith('package logrotate;')), f[0]?.evidence.join('\n'));
  assert.ok(f[0]?.evidence.includes('apt-get download logrotate && dpkg-deb -x logrotate_*.deb DIR'));

  // Between heavy runs the kept result is shown: every poll keeps the warning until a later run.
  let s = first;
  let cachedPolls = 0;
  while ((s.poll.probe?.heavy?.atMs ?? 0) <= first.poll.probe!.heavy!.atMs) {
    const prevAt = s.poll.at;
    s = await seen(core, WEB, (x) => x.poll.at > prevAt, `the poll after ${prevAt}`);
    if (s.poll.probe?.heavy?.state === 'cached') cachedPolls++;
    assert.equal(conffileFindings(s).length, 1, `poll at ${s.poll.at} (${s.poll.probe?.heavy?.state}) keeps the warning`);
  }
  assert.ok(cachedPolls > 0, 'some polls between two runs showed the kept result (the cadence held)');

  await sh(WEB, `sed -i '/^${FAULT_LINE}$/d' ${CONFFILE}`);
  const fixed = Date.now();
  assert.deepEqual(conffileFindings(await firstHeavyAfter(fixed)), []);
});

test('listening sockets without ss: with ss hidden on lab-web1 the accept learns the same sockets from /proc/net/tcp and /proc/PID/fd, and the baseline says so', { skip }, async () => {
  await core.intents.acceptBaseline({ machineId: WEB });
  const withSs = core.baselines.load(WEB).baseline?.learned;
  assert.equal(withSs?.socketsSource, 'ss');
  assert.ok(withSs?.sockets.some((k) => k.unit === 'apache2.service' && k.port === 80 && k.protocol === 'http'));
  await sh(WEB, 'mv /usr/bin/ss /usr/bin/ss.remlite-hidden');
  try {
    await core.intents.acceptBaseline({ machineId: WEB });
    const withProc = core.baselines.load(WEB).baseline?.learned;
    assert.equal(withProc?.socketsSource, 'proc');
    assert.deepEqual(withProc?.sockets, withSs?.sockets);
    assert.ok(!withProc?.notes?.some((n) => /ss is missing/.test(n)));
  } finally {
    await sh(WEB, 'mv /usr/bin/ss.remlite-hidden /usr/bin/ss');
  }
});

test('a declared file on the sshfs share is never touched: with the file server frozen (SFTP sessions SIGSTOPped) the poll of lab-web1 still answers, the file is skipped with a note naming the mount, and no file finding is raised', { skip }, async () => {
  await sh(WEB, `mountpoint -q ${SHARE} || mount ${SHARE}; test -r ${SHARE}/index.html`);
  const declared: Machine = { ...web, checks: { configs: [], permFiles: [], dataPaths: [`${SHARE}/index.html`], modules: [], databases: [], cleanupPaths: [] } };
  const dir = mkdtempSync(join(stateDir, 'share-'));
  const c = console1([declared], dir);
  try {
    c.poller.start();
    await seen(c, WEB, (s) => s.poll.reach === 'ok', `${WEB} answers`);
    await sh(FS, 'pkill -STOP -x sftp-server');
    const t = Date.now();
    const s = await seen(c, WEB, (x) => x.poll.at >= t, `a poll of ${WEB} after the freeze`);
    assert.ok(s.poll.reach === 'ok' || s.poll.reach === 'slow', `${s.poll.reach}: ${s.poll.error ?? ''}`);
    assert.equal(s.poll.probe?.netMounts?.find((m) => m.mount === SHARE)?.state, 'hung', 'the share really hangs');
    assert.deepEqual(s.poll.probe?.filesSkipped, [{ path: `${SHARE}/index.html`, mount: SHARE, fstype: 'fuse.sshfs' }]);
    assert.equal(s.poll.probe?.files?.length ?? 0, 0);
    assert.ok(s.poll.probe?.warnings.some((w) => w.includes('is on the network mount')));
    assert.deepEqual(s.findings.filter((f) => ['data-corrupt', 'file-perms', 'file-replaced'].includes(f.class)), []);
  } finally {
    await labExec(FS, 'pkill -CONT -x sftp-server');
    await c.close();
  }
});
