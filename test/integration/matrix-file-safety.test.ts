// Repairs that never make a machine worse, on a real lab host (lab-web2): an unprivileged user
// (created in the host) who owns the directory of a declared log and data file swaps them for
// symlinks to a root-only file, or races a restore's temp file; and a data file on a mounted
// ext4 whose blocks really return EIO. Every outcome is checked inside the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RemliteConsole } from '../../src/app/console.js';
import type { ActionPlan, Machine } from '../../src/model/index.js';
import { NO_CHECKS } from '../../src/model/index.js';
import { labExec } from '../support/lab.js';
import { assertCleared, DATA_FILE, findingOf, matrixSkip, ownFindings, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';
import { waitFor } from '../support/wait-for.js';

const EVIL = 'remlite-evil';
const EVIL_DIR = '/srv/evil';
const EVIL_LOG = `${EVIL_DIR}/app.log`;
const EVIL_DATA = `${EVIL_DIR}/app.db`;
const SECRET = '/root/remlite-secret';
const STOP = '/tmp/remlite-racer.stop';
const EIO_MOUNT = '/srv/eio';
const EIO_NODE = '/dev/remlite-eio';
const EIO_FILE = `${EIO_MOUNT}/victim.db`;
/** Runs a command in the host as the unprivileged user. */
const asEvil = (cmd: string) => `setpriv --reuid ${EVIL} --regid ${EVIL} --clear-groups sh -c '${cmd}'`;

function loopSkip(): string | false {
  try {
    for (const [cmd, arg] of [['losetup', '--version'], ['mkfs.ext4', '-V'], ['debugfs', '-V']] as const) execFileSync(cmd, [arg], { stdio: 'ignore' });
    return false;
  } catch {
    return 'losetup, mkfs.ext4 or debugfs is missing on this machine: no ext4 loop filesystem for the EIO test';
  }
}

const skip = matrixSkip();
let h: MatrixHarness;
let c: RemliteConsole;
let secretBefore = '';

function machineWith(checks: Partial<Machine['checks'] & object>): Machine {
  return { ...h.machine(WEB), logs: [], checks: { ...NO_CHECKS, ...checks } };
}

/** A console over lab-web2 declaring other files, its baseline accepted, its first poll clean. */
async function consoleFor(machine: Machine): Promise<RemliteConsole> {
  const con = h.extraConsole([machine]);
  await waitFor('the extra console to probe lab-web2', () => con.store.getState().hosts[WEB]?.last?.reach === 'ok');
  await con.intents.acceptBaseline({ machineId: WEB });
  assert.ok(con.store.getState().baselineInfo[WEB], `baseline accepted: ${con.store.getState().notice?.text ?? ''}`);
  const first = await h.firstPollAfter(WEB, Date.now(), con);
  assert.deepEqual(ownFindings(first.findings).map((f) => f.summary), [], 'clean after the baseline');
  return con;
}

async function run(con: RemliteConsole, plan: ActionPlan) {
  await con.intents.run(plan);
  const r = con.store.getState().actions.find((a) => a.plan === plan);
  assert.ok(r, 'the run is in the store');
  return r;
}

function planOf(con: RemliteConsole, action: string, path: string): ActionPlan {
  const p = con.intents.plan({ machineId: WEB, action, params: { path } });
  assert.ok('plan' in p, 'refused' in p ? p.refused : '');
  return p.plan;
}

const secretState = () => h.sh(WEB, `stat -c '%a %U %G %s' ${SECRET} && sha256sum < ${SECRET}`);

before(async () => {
  if (skip) return;
  h = await startMatrixHarness();
  await h.sh(
    WEB,
    `id ${EVIL} >/dev/null 2>&1 || useradd -M -s /bin/sh ${EVIL}; rm -rf ${EVIL_DIR} && mkdir -p ${EVIL_DIR} && chown ${EVIL}:${EVIL} ${EVIL_DIR} && chmod 0755 ${EVIL_DIR} &&
     : > ${EVIL_LOG} && chown root:adm ${EVIL_LOG} && chmod 0640 ${EVIL_LOG} &&
     head -c 8192 /dev/urandom > ${EVIL_DATA} && chmod 0640 ${EVIL_DATA} &&
     printf 'root only\\n' > ${SECRET} && chmod 0600 ${SECRET} && chown root:root ${SECRET} && rm -f ${STOP}`,
  );
  secretBefore = await secretState();
  assert.match(secretBefore, /^600 root root 10\n/);
  c = await consoleFor(machineWith({ permFiles: [EVIL_LOG], dataPaths: [EVIL_DATA] }));
});

after(async () => {
  if (skip || !h) return;
  await labExec(WEB, `touch ${STOP}; rm -rf ${EVIL_DIR}; rm -f ${SECRET}; userdel ${EVIL} 2>/dev/null; true`);
  await h.close();
});

test('file-replaced: an unprivileged user owning the log\'s directory swaps the log for a symlink to a root-only file: critical in the first poll, no perms.restore offered, a perms.restore planned before refuses on the host; the root-only file keeps 0600 root:root', { skip }, async () => {
  const early = planOf(c, 'perms.restore', EVIL_LOG);
  assert.deepEqual(early.preconditions, [
    `${EVIL_DIR} is a directory owned by root and writable by no one else`,
    `${EVIL_LOG} is a regular file, not a symbolic link`,
  ]);
  const t = await h.inject(WEB, asEvil(`mv ${EVIL_LOG} ${EVIL_DIR}/old.log && ln -s ${SECRET} ${EVIL_LOG}`));
  const seen = await h.firstPollAfter(WEB, t, c);
  const f = findingOf(seen, 'file-replaced', EVIL_LOG);
  assert.equal(f.severity, 'critical');
  assert.equal(f.summary, `${EVIL_LOG} was replaced by a symlink to ${SECRET}`);
  assert.ok(f.evidence.includes(`the link is owned by ${EVIL}:${EVIL}`), f.evidence.join(' | '));
  assert.deepEqual(f.repairs, []);
  assert.deepEqual(seen.findings.flatMap((x) => x.repairs.map((r) => r.action)).filter((a) => /restore/.test(a)), [], 'no restore offered anywhere');
  const now = c.intents.plan({ machineId: WEB, action: 'perms.restore', params: { path: EVIL_LOG } });
  assert.match('refused' in now ? now.refused : '', /is a symbolic link to \/root\/remlite-secret: remlite never writes through one/);

  const r = await run(c, early);
  assert.equal(r.state, 'failed');
  assert.equal(r.result?.exitCode, 3, r.result?.outputTail);
  assert.match(r.result?.outputTail ?? '', new RegExp(`precondition failed: ${EVIL_DIR} is a directory owned by root and writable by no one else`));
  assert.equal(await secretState(), secretBefore, 'the root-only file kept its mode, owner and content');
  assert.equal((await h.sh(WEB, `stat -c '%F %U' ${EVIL_LOG}`)).trim(), `symbolic link ${EVIL}`);
  await h.sh(WEB, `rm -f ${EVIL_LOG} && mv ${EVIL_DIR}/old.log ${EVIL_LOG}`);
});

test('a racer swapping the restore\'s temp files for symlinks (a loop as the unprivileged user) never changes the target: data.restore in the directory they own refuses (exit 3), and in a root-only directory it succeeds while they race', { skip }, async () => {
  const t = await h.inject(WEB, `dd if=/dev/urandom of=${EVIL_DATA} bs=1024 count=2 conv=notrunc status=none`);
  const f = findingOf(await h.firstPollAfter(WEB, t, c), 'data-corrupt', EVIL_DATA);
  const plan = planOf(c, f.repairs[0]!.action, EVIL_DATA);
  assert.equal(plan.intent.action, 'data.restore');
  // Bounded: it stops at the stop file or after 60 s, whichever comes first.
  const racer = (dir: string) =>
    asEvil(
      `end=$(( $(date +%s) + 60 )); while [ ! -e ${STOP} ] && [ $(date +%s) -lt $end ]; do for x in ${dir}/.*.remlite.*; do [ -e "$x" ] || continue; rm -f "$x" 2>/dev/null && ln -s ${SECRET} "$x"; done; done`,
    ) + ' >/dev/null 2>&1 </dev/null &';
  await h.sh(WEB, `rm -f ${STOP}; ${racer(EVIL_DIR)} ${racer('/srv/data/faults')}`);
  try {
    await waitFor('both racers to run as the unprivileged user', async () => (await labExec(WEB, `[ $(pgrep -c -u ${EVIL}) -ge 2 ]`)).code === 0);
    const refused = await run(c, plan);
    assert.equal(refused.state, 'failed');
    assert.equal(refused.result?.exitCode, 3, refused.result?.outputTail);
    assert.match(refused.result?.outputTail ?? '', /precondition failed: \/srv\/evil is a directory owned by root and writable by no one else/);
    assert.equal(await secretState(), secretBefore);
    assert.equal((await h.sh(WEB, `ls -A ${EVIL_DIR}`)).trim().split('\n').sort().join(' '), 'app.db app.log', 'no temp file was left');

    // The harness's data file lives in a root-owned 0755 directory: the racer cannot touch the temp file.
    const good = h.core.baselines.load(WEB).baseline!.files[DATA_FILE]!;
    const t2 = await h.inject(WEB, `dd if=/dev/urandom of=${DATA_FILE} bs=4096 count=1 conv=notrunc status=none`);
    const g = findingOf(await h.firstPollAfter(WEB, t2), 'data-corrupt', DATA_FILE);
    const fixed = await h.repairWith(g);
    assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'data-corrupt');
    assert.equal((await h.sh(WEB, `sha256sum < ${DATA_FILE}`)).slice(0, 64), good.sha256);
    assert.equal((await h.sh(WEB, `stat -c '%F %a %U' ${DATA_FILE}`)).trim(), 'regular file 640 root');
  } finally {
    await h.sh(WEB, `touch ${STOP}`);
  }
  await waitFor('the racers to stop', async () => (await labExec(WEB, `pgrep -u ${EVIL} >/dev/null`)).code !== 0);
  assert.equal(await secretState(), secretBefore, 'the root-only file kept its mode, owner and content');
});

test('unreadable, a REAL EIO (the loop device under a mounted ext4 shrunk below the data file\'s blocks): the first poll says unreadable with the errno, not missing; no data.restore is offered and the planner refuses it; errors_count stays 0', { skip: skip || loopSkip() }, async () => {
  const imageDir = mkdtempSync(join(tmpdir(), 'remlite-eio-'));
  const image = join(imageDir, 'eio.img');
  let loop = '';
  try {
    execFileSync('truncate', ['-s', '8M', image]);
    execFileSync('mkfs.ext4', ['-q', '-F', '-b', '1024', image]);
    loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
    const [major, minor] = execFileSync('stat', ['-c', '%t %T', loop], { encoding: 'utf8' }).trim().split(' ').map((x) => parseInt(x, 16));
    await h.sh(
      WEB,
      `mknod ${EIO_NODE} b ${major} ${minor} && mkdir -p ${EIO_MOUNT} && mount ${EIO_NODE} ${EIO_MOUNT} &&
       head -c 1048576 /dev/urandom > ${EIO_MOUNT}/filler && head -c 204800 /dev/urandom > ${EIO_FILE} && chmod 0640 ${EIO_FILE} && sync`,
    );
    const con = await consoleFor(machineWith({ dataPaths: [EIO_FILE] }));
    // The file's first block on the device: the device is cut just below it.
    const block = Number(/\d+/.exec(execFileSync('debugfs', ['-R', `bmap /victim.db 0`, loop], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))?.[0]);
    assert.ok(block > 2048, `the file lies past the metadata (block ${block})`);
    await h.sh(WEB, `umount ${EIO_MOUNT} && mount -o ro,noatime ${EIO_NODE} ${EIO_MOUNT}`);
    execFileSync('truncate', ['-s', String(block * 1024), image]);
    execFileSync('losetup', ['-c', loop]);
    // The console polls meanwhile: a probe that read the file after the remount left its pages in
    // the host's cache, and `cat` would be answered from them. Dropped: every read now goes to the device.
    await h.sh(WEB, `dd if=${EIO_FILE} iflag=nocache count=0 status=none`);
    const read = await labExec(WEB, `cat ${EIO_FILE} > /dev/null`);
    assert.match(read.stderr, /Input\/output error/, 'the kernel really answers EIO');
    const t = Date.now();

    const seen = await h.firstPollAfter(WEB, t, con);
    const stat = seen.poll.probe?.files?.find((x) => x.path === EIO_FILE);
    assert.deepEqual([stat?.exists, stat?.kind, stat?.unreadable], [true, 'file', 'EIO (Input/output error)']);
    const f = findingOf(seen, 'data-corrupt', EIO_FILE);
    assert.equal(f.severity, 'critical');
    assert.equal(f.summary, `data file ${EIO_FILE} is unreadable (EIO (Input/output error))`);
    assert.ok(f.evidence.some((e) => /check the volume first \(fsck \/ remount\)/.test(e)), f.evidence.join(' | '));
    assert.deepEqual(f.repairs, [], 'no write repair onto a failing volume');
    const p = con.intents.plan({ machineId: WEB, action: 'data.restore', params: { path: EIO_FILE } });
    assert.match('refused' in p ? p.refused : '', /is unreadable \(EIO \(Input\/output error\)\): check the volume first/);
    const dev = loop.split('/').pop();
    assert.equal((await h.sh(WEB, `cat /sys/fs/ext4/${dev}/errors_count`)).trim(), '0', 'no ext4 error recorded: other hosts see nothing');
  } finally {
    // A probe of the console (still polling) may hold the file open: then detached lazily, so the
    // next test's host has no read-only mount left.
    await labExec(WEB, `if mountpoint -q ${EIO_MOUNT}; then umount ${EIO_MOUNT} 2>/dev/null || umount -l ${EIO_MOUNT}; fi; rm -f ${EIO_NODE}; rmdir ${EIO_MOUNT} 2>/dev/null; true`);
    if (loop) execFileSync('losetup', ['-d', loop]);
    rmSync(imageDir, { recursive: true, force: true });
  }
});
