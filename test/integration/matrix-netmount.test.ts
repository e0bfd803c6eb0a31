// Failure matrix, network mounts, on the lab's REM stack: the web hosts mount lab-fs1's /srv/share
// over sshfs (FUSE: this kernel has no NFS client). Freezing the file server's SFTP sessions makes
// every call on the mount block inside the kernel; stopping its sshd makes the mounts go away. The
// console must keep polling every host on time, report the mount on each web host, and show the file
// server as the likely cause; a missing mount is mounted again by the finding's repair.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RemliteConsole } from '../../src/app/console.js';
import { labFleetConsole } from '../support/lab-console.js';
import { SERVED_MOUNTS_SUBJECT } from '../../src/matrix/index.js';
import type { Finding, PollResult } from '../../src/model/index.js';
import { rmSync } from 'node:fs';
import { isLabSkip, labExec, labInfo, type LabInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';

const FS = 'lab-fs1';
const WEBS = ['lab-web1', 'lab-web2'];
const MOUNT = '/var/www/html/shared';
const CLASS = 'netmount-unavailable';

const lab = labInfo();
const skip = isLabSkip(lab)
  ? lab.skip
  : [FS, ...WEBS].some((n) => !lab.hosts.some((h) => h.name === n))
    ? `the lab has no ${FS} with ${WEBS.join(', ')} (start it with 3 or more hosts)`
    : false;

let core: RemliteConsole;
let stateDir = '';
const info = (): LabInfo => lab as LabInfo;
const fsAddress = (): string => info().hosts.find((h) => h.name === FS)!.address;

async function sh(host: string, cmd: string): Promise<string> {
  const r = await labExec(host, cmd);
  assert.equal(r.code, 0, `${host}: ${cmd}\nexit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

interface Seen {
  poll: PollResult;
  findings: Finding[];
}

/** The first poll of a host that started at or after t, once the console applied it. */
function firstPollAfter(host: string, t: number): Promise<Seen> {
  return waitFor(`a poll of ${host} started after ${t}`, () => {
    const h = core.store.getState().hosts[host];
    return h?.last && h.last.at >= t ? { poll: h.last, findings: h.findings } : undefined;
  });
}

const mountFinding = (s: Seen): Finding | undefined => s.findings.find((f) => f.class === CLASS && f.subject === MOUNT);
const servedFinding = (host = FS): Finding | undefined =>
  core.store.getState().hosts[host]?.findings.find((f) => f.class === CLASS && f.subject === SERVED_MOUNTS_SUBJECT);

/** Waits until each web host has its share mounted again (lab.sh's fstab entry) and the console saw it ok. */
async function sharesMounted(): Promise<void> {
  for (const web of WEBS) await sh(web, `mountpoint -q ${MOUNT} || mount ${MOUNT}; test -r ${MOUNT}/index.html`);
  const t = Date.now();
  for (const web of WEBS) {
    const s = await firstPollAfter(web, t);
    assert.equal(s.poll.probe?.netMounts?.find((m) => m.mount === MOUNT)?.state, 'ok', `${web}: the share answers`);
    assert.equal(mountFinding(s), undefined);
  }
}

before(async () => {
  if (skip) return;
  ({ core, stateDir } = await labFleetConsole(info(), 'netmount'));
  core.poller.start();
  await sharesMounted();
});

after(async () => {
  if (skip) return;
  // Whatever a failed assertion left: the file server answering, the shares mounted.
  await labExec(FS, 'pkill -CONT -x sftp-server; systemctl is-active --quiet ssh || systemctl start ssh');
  for (const web of WEBS) await labExec(web, `mountpoint -q ${MOUNT} || mount ${MOUNT}`);
  await core?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

test('netmount-unavailable, hung: the file server frozen (SIGSTOP of its SFTP sessions) is critical on each web host in the first poll, every host is still polled and answers, and the file server row shows it as the likely cause', { skip }, async () => {
  await sh(FS, 'pkill -STOP -x sftp-server && ps -o stat= -C sftp-server | grep -q T');
  // Polls count from the moment the server is frozen (a poll begun before it may still get an answer).
  const t = Date.now();
  try {
    // Not one host of the fleet is held up: each one's first poll after the freeze completes, and answers.
    for (const id of core.store.getState().order) {
      const s = await firstPollAfter(id, t);
      assert.equal(s.poll.reach === 'ok' || s.poll.reach === 'slow', true, `${id}: reach ${s.poll.reach} ${s.poll.error ?? ''}`);
    }
    for (const web of WEBS) {
      const s = await firstPollAfter(web, t);
      const m = s.poll.probe?.netMounts?.find((x) => x.mount === MOUNT);
      assert.deepEqual(m && [m.state, m.fstype, m.server], ['hung', 'fuse.sshfs', fsAddress()]);
      const f = mountFinding(s);
      assert.ok(f, `${web}: a ${CLASS} finding; got ${s.findings.map((x) => x.class).join(', ') || 'none'}`);
      assert.equal(f.severity, 'critical');
      assert.match(f.summary, /hung/);
      assert.ok(f.evidence.some((e) => e.includes(`file server ${fsAddress()}`)), f.evidence.join(' | '));
      assert.deepEqual(f.repairs, [], 'no remount while the server hangs');
    }
    const served = await waitFor('the file server row to name both web hosts', () => {
      const f = servedFinding();
      return f && WEBS.every((w) => f.summary.includes(w)) ? f : undefined;
    });
    assert.equal(served.severity, 'critical');
    assert.match(served.summary, /^likely cause/);

    // Later polls report the same blocked check instead of starting another: one stuck process per mount.
    const again = Date.now();
    for (const web of WEBS) {
      const s = await firstPollAfter(web, again);
      assert.equal(s.poll.probe?.netMounts?.find((x) => x.mount === MOUNT)?.state, 'hung');
      const blocked = (await sh(web, 'ps -o comm= -C stat | wc -l')).trim();
      assert.equal(blocked, '1', `${web}: one blocked stat, not one per poll`);
    }
  } finally {
    await sh(FS, 'pkill -CONT -x sftp-server');
  }
  const resumed = Date.now();
  for (const web of WEBS) {
    const s = await firstPollAfter(web, resumed);
    assert.equal(s.poll.probe?.netMounts?.find((x) => x.mount === MOUNT)?.state, 'ok', `${web}: answers again`);
    assert.equal(mountFinding(s), undefined);
  }
  await waitFor('the file server row to be cleared', () => !servedFinding());
});

test('netmount-unavailable, file server stopped: its sshd stopped and sessions ended, each web host loses the mount (critical, fstab says it should be there) in the first poll; netmount.remount fails while the server is down, refuses on the host when the mount works, and mounts it again once the server is back', { skip }, async () => {
  await sh(FS, 'systemctl stop ssh && pkill -x sftp-server; true');
  // sshfs sees the connection end and unmounts: wait for that inside each web host.
  for (const web of WEBS) {
    // Inside the host: a bounded wait for sshfs to end and unmount, on the mount table itself.
    await sh(web, `i=0; while grep -q ' ${MOUNT} ' /proc/mounts; do i=$((i + 1)); [ $i -lt 300 ] || exit 1; sleep 0.1; done`);
  }
  const t = Date.now();
  let f: Finding | undefined;
  for (const web of WEBS) {
    const s = await firstPollAfter(web, t);
    const mf = mountFinding(s);
    assert.ok(mf, `${web}: a ${CLASS} finding; got ${s.findings.map((x) => x.class).join(', ') || 'none'}`);
    assert.equal(mf.severity, 'critical');
    assert.match(mf.summary, /not mounted/);
    assert.deepEqual(mf.repairs.map((r) => [r.action, r.params]), [['netmount.remount', { mount: MOUNT }]]);
    if (web === WEBS[0]) f = mf;
  }
  assert.ok(f);
  await waitFor('the file server row to name both web hosts', () => {
    const s = servedFinding();
    return s && WEBS.every((w) => s.summary.includes(w));
  });

  const planRun = async (finding: Finding) => {
    const ref = finding.repairs[0]!;
    const planned = core.intents.plan({ machineId: finding.machineId, action: ref.action, params: ref.params });
    assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
    assert.ok(planned.plan.preconditions?.some((p) => p.includes('listed in /etc/fstab')), JSON.stringify(planned.plan.preconditions));
    await core.intents.run(planned.plan);
    return core.store.getState().actions.find((a) => a.plan === planned.plan)!;
  };

  // The server is still down: the mount command fails, and says so.
  const failed = await planRun(f);
  assert.equal(failed.state, 'failed');
  assert.notEqual(failed.result?.exitCode, 3, 'not a precondition: the mount itself failed');

  await sh(FS, 'systemctl start ssh');
  const fixed = await planRun(f);
  assert.equal(fixed.state, 'succeeded', `${fixed.result?.error ?? ''}\n${fixed.result?.outputTail ?? ''}`);
  const doneAt = Date.now();
  assert.equal((await sh(WEBS[0]!, `cat ${MOUNT}/index.html`)).trim(), `static content shared by ${FS}`);
  assert.match(await sh(WEBS[0]!, 'cat /proc/mounts'), new RegExp(` ${MOUNT} fuse\\.sshfs `));
  const after = await firstPollAfter(WEBS[0]!, doneAt);
  assert.equal(mountFinding(after), undefined, `${WEBS[0]} cleared`);

  // The same repair on a mount that works is refused on the host, before anything changes.
  const refused = await planRun(f);
  assert.equal(refused.state, 'failed');
  assert.equal(refused.result?.exitCode, 3);
  assert.match(refused.result?.outputTail ?? refused.result?.error ?? '', /precondition failed: .*not working normally already/);
  assert.equal((await sh(WEBS[0]!, `cat ${MOUNT}/index.html`)).trim(), `static content shared by ${FS}`);

  await sharesMounted();
  await waitFor('the file server row to be cleared', () => !servedFinding());
});
