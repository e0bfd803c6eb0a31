// The fsstate section's kept reads (src/util/fsstate-script.ts) on a real lab host: lab-web2 mounts a
// real ext4 (a 16 MiB image on a loop device of this machine, its node made inside the host), and the
// real probe runs there again and again with a heavy interval of an hour, so nothing is read again
// for age. A poll that keeps the superblock and kernel log reads reports the very fsstate a fresh
// read does; what the cadence must not miss is seen at the next poll: an ext4 error (the kernel's
// own, through /sys/fs/ext4/DEV/trigger_fs_error), a new kernel log record naming the device, random
// data over the superblock, and, for a user dmesg refuses, a write to the journal. A symlink planted
// in the private directory is never followed, and a kept file someone else owns is not trusted.
// Everything is undone afterwards (unmount, node, loop device, image, the kept files).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_CHECKS, type FsDeviceState } from '../../src/model/index.js';
import { parseProbeOutput } from '../../src/probe/parse.js';
import { buildProbeScript } from '../../src/probe/script.js';
import { parseFsState, type FsStateRead } from '../../src/util/fsstate-parse.js';
import { isLabSkip, labExec, labInfo } from '../support/lab.js';
import { waitFor } from '../support/wait-for.js';

const HOST = 'lab-web2';
const MOUNT = '/srv/fscache';
const NODE = '/dev/remlite-fscache';
/** The lab runs as root: the private directory the probe keeps its reads in. */
const HD = '/tmp/.remlite-heavy-0';
const CANARY = '/root/remlite-fscache-canary';
/** A new accept for this run: nothing kept by an earlier run is reused. */
const ACCEPTED = new Date().toISOString();
/** Most probe runs spent waiting for the machine's kernel log (or the host's journal) to stay quiet across two of them. */
const QUIET_RUNS = 30;

function skipReason(): string | false {
  const lab = labInfo();
  if (isLabSkip(lab)) return lab.skip;
  if (!lab.hosts.some((h) => h.name === HOST)) return `${HOST} is not in the lab`;
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    execFileSync('mkfs.ext4', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'losetup or mkfs.ext4 is missing on this machine';
  }
  return false;
}

const skip = skipReason();
let imageDir = '';
let image = '';
let loop = '';
let kname = '';

async function sh(cmd: string): Promise<string> {
  const r = await labExec(HOST, cmd);
  assert.equal(r.code, 0, `${cmd}\nexit ${r.code}\n${r.stderr}`);
  return r.stdout;
}

interface Polled {
  /** The fsstate section as printed. */
  lines: string[];
  device: FsDeviceState;
  all: FsDeviceState[];
  sb: FsStateRead;
  klog: FsStateRead;
}

/**
 * One run of the real probe on the host, as a poll runs it (interval 3600 s unless given). With
 * `noSyslog` it runs without CAP_SYSLOG, as a user dmesg refuses: the kernel log comes from journalctl.
 */
async function poll(opts: { intervalSec?: number; noSyslog?: boolean } = {}): Promise<Polled> {
  const script = buildProbeScript(['ssh'], NO_CHECKS, undefined, { intervalSec: opts.intervalSec ?? 3600, acceptedAt: ACCEPTED });
  const cmd = opts.noSyslog ? `setpriv --inh-caps=-syslog --bounding-set=-syslog sh -s <<'REMLITE_PROBE_EOF'\n${script}\nREMLITE_PROBE_EOF` : script;
  const r = await labExec(HOST, cmd);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'the probe writes nothing to stderr');
  const parsed = parseProbeOutput(r.stdout);
  if (!parsed.ok) assert.fail(parsed.error);
  const out = r.stdout.split('\n');
  const from = out.indexOf('@@remlite fsstate');
  const lines = out.slice(from + 1, out.findIndex((l, i) => i > from && l.startsWith('@@remlite ')));
  const warnings: string[] = [];
  const reads = parseFsState(lines, (w) => warnings.push(w)).reads;
  assert.deepEqual(warnings, [], 'every fsstate line is one the parser expects');
  const all = parsed.probe.fsState ?? [];
  const device = all.find((d) => d.device === kname);
  assert.ok(device, `the probe reports ${kname}: ${lines.join(' | ')}`);
  const sb = reads.find((x) => x.of === kname);
  const klog = reads.find((x) => x.of === 'klog');
  if (opts.intervalSec === 0) assert.deepEqual(reads, [], 'interval 0: read every poll, nothing kept');
  else assert.ok(sb && klog, `fsread lines for ${kname} and the kernel log: ${lines.join(' | ')}`);
  return { lines, device, all, sb: sb ?? { of: kname, fresh: true }, klog: klog ?? { of: 'klog', fresh: true } };
}

/** A device's state as the detector sees it, but for the kernel log lines' dates: the host's boot time is worked out anew each poll (uptime against its clock). */
const same = (d: FsDeviceState) => ({ ...d, kernelErrors: d.kernelErrors.map((l) => l.text) });

/** Polls until one keeps both reads: the machine's kernel log (shared by every lab) must stay quiet across two runs. */
async function pollUntilKept(opts: { noSyslog?: boolean } = {}): Promise<Polled> {
  for (let i = 0; i < QUIET_RUNS; i++) {
    const p = await poll(opts);
    if (!p.sb.fresh && !p.klog.fresh) return p;
  }
  assert.fail(`no poll in ${QUIET_RUNS} kept both reads: the kernel log (or journal) never stayed quiet across two runs`);
}

/** The lines a cached poll must print as a fresh one did: all but the fsread lines, which say how old they are. */
const stateLines = (p: Polled): string[] => p.lines.filter((l) => !l.startsWith('fsread '));

before(async () => {
  if (skip) return;
  imageDir = mkdtempSync(join(tmpdir(), 'remlite-fscache-'));
  image = join(imageDir, 'fscache.img');
  execFileSync('truncate', ['-s', '16M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', image]);
  loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  kname = loop.replace(/^\/dev\//, '');
  const [major, minor] = execFileSync('stat', ['-c', '%t %T', loop], { encoding: 'utf8' }).trim().split(' ').map((x) => parseInt(x, 16));
  await sh(`mknod ${NODE} b ${major} ${minor} && mkdir -p ${MOUNT} && mount -o errors=continue ${NODE} ${MOUNT} && echo hello > ${MOUNT}/file && sync`);
});

after(async () => {
  if (skip) return;
  await labExec(HOST, `if mountpoint -q ${MOUNT}; then umount ${MOUNT}; fi; rm -f ${NODE} ${CANARY} ${HD}/fs-${kname} ${HD}/fs-${kname}.sb; rmdir ${MOUNT} 2>/dev/null; true`);
  if (loop) execFileSync('losetup', ['-d', loop]);
  if (imageDir) rmSync(imageDir, { recursive: true, force: true });
});

test('fsstate kept reads: a poll that keeps the superblock and kernel log reads reports the very fsstate a fresh read does', { skip }, async () => {
  const first = await poll();
  assert.deepEqual([first.sb.fresh, first.klog.fresh], [true, true], 'nothing kept yet for this accept');
  assert.deepEqual([first.device.state, first.device.errorsCount, first.device.superblockError], ['clean', 0, undefined]);

  const kept = await pollUntilKept();
  assert.equal(kept.sb.atSec, first.sb.atSec, 'the superblock lines are the ones the first poll read');
  const fresh = await poll({ intervalSec: 0 });
  assert.deepEqual(stateLines(kept), fresh.lines, 'the kept lines are the lines a fresh read prints');
  assert.deepEqual(kept.all.map(same), fresh.all.map(same), 'so every device parses the same');
  assert.deepEqual(stateLines(first), fresh.lines);
});

test('fsstate kept reads: an ext4 error (the kernel\'s own, trigger_fs_error) is seen at the next poll: error count, superblock and the kernel log line', { skip }, async () => {
  await pollUntilKept();
  writeFileSync(`/sys/fs/ext4/${kname}/trigger_fs_error`, 'remlite fscache test');
  // The kernel writes the error into the superblock from a worker: the count moves once it did.
  await waitFor('the error count of the device to move', () => execFileSync('cat', [`/sys/fs/ext4/${kname}/errors_count`], { encoding: 'utf8' }).trim() === '1');
  const p = await poll();
  assert.deepEqual([p.sb.fresh, p.klog.fresh], [true, true], 'both read again at the next poll');
  assert.equal(p.device.errorsCount, 1);
  assert.equal(p.device.sbErrorCount, 1, 'dumpe2fs read the superblock the kernel rewrote');
  assert.match(p.device.state ?? '', /with errors/);
  assert.ok(p.device.kernelErrors.some((l) => l.text.includes(`EXT4-fs error (device ${kname})`) && l.text.includes('remlite fscache test')), p.lines.join(' | '));
  const again = await pollUntilKept();
  assert.deepEqual(same(again.device), same(p.device), 'kept afterwards, the same');
});

test('fsstate kept reads: a new kernel log record naming the device is read at the next poll while the superblock read is kept', { skip }, async () => {
  const kept = await pollUntilKept();
  // A larger loop device: the kernel logs the capacity change, the filesystem is not touched.
  execFileSync('truncate', ['-s', '17M', image]);
  execFileSync('losetup', ['-c', loop]);
  const p = await poll();
  assert.equal(p.sb.fresh, false, 'the superblock did not change');
  assert.equal(p.sb.atSec, kept.sb.atSec);
  assert.equal(p.klog.fresh, true);
  assert.ok(p.lines.some((l) => l.startsWith('fsk ') && l.includes(`${kname}: detected capacity change`)), p.lines.join(' | '));
});

test('fsstate kept reads: a superblock overwritten is read at the next poll, even when no counter of the device moved; then kept without a flicker', { skip }, async () => {
  const kept = await pollUntilKept();
  // Only the magic number (offset 56 of the superblock): /sys/fs/ext4 reads nothing from there, so the
  // superblock compare alone can tell.
  await sh(`printf 'RL' | dd of=${NODE} bs=1 seek=${1024 + 56} conv=notrunc,fsync status=none`);
  const p = await poll();
  assert.equal(p.sb.fresh, true);
  assert.deepEqual(p.lines.filter((l) => l.startsWith('fscnt ')), kept.lines.filter((l) => l.startsWith('fscnt ')), 'the counters did not move');
  assert.match(p.device.superblockError ?? '', /magic/i, p.lines.join(' | '));
  assert.equal(p.device.state, undefined);
  const again = await pollUntilKept();
  assert.deepEqual([again.device.superblockError, again.device.state], [p.device.superblockError, undefined], 'the kept lines say the same');

  // Random data over the superblock and the group descriptors, as the failure matrix injects it.
  await sh(`dd if=/dev/urandom of=${NODE} bs=1024 seek=1 count=3 conv=notrunc,fsync status=none`);
  const r = await poll();
  assert.equal(r.sb.fresh, true);
  assert.match(r.device.superblockError ?? '', /magic|superblock|super-block|checksum/i, r.lines.join(' | '));
});

test('fsstate kept reads: without CAP_SYSLOG (journalctl) the kept kernel log is read again once the journal was written', { skip }, async () => {
  const journal = `/var/log/journal/$(cat /etc/machine-id)/system.journal`;
  // A superblock read also makes the kernel log be read again, which would prove nothing here. The
  // tests before leave the kernel a superblock to write back (random data over it, an ext4 error)
  // whenever it commits, so a poll that read the superblock again is the kernel's doing: start over.
  for (let attempt = 1; ; attempt++) {
    const kept = await pollUntilKept({ noSyslog: true });
    assert.ok(kept.lines.includes('fsklogsrc journalctl'), kept.lines.join(' | '));
    await sh(`logger remlite-fscache-journal-mark-${attempt}`);
    // journald stamps the file's mtime a moment after the write: wait for that, not for a time.
    await waitForAsync('the journal to be newer than the kept read', async () => (await labExec(HOST, `[ ${HD}/fsklog.ref -nt ${journal} ]`)).code !== 0);
    const p = await poll({ noSyslog: true });
    if (p.sb.fresh && attempt < QUIET_RUNS) continue;
    assert.deepEqual([p.klog.fresh, p.sb.fresh], [true, false], `attempt ${attempt}: ${p.lines.join(' | ')}`);
    assert.ok(p.lines.includes('fsklogsrc journalctl'));
    return;
  }
});

test('fsstate kept reads: a symlink planted in the private directory is never followed; a kept file someone else owns is not trusted', { skip }, async () => {
  const kept = await pollUntilKept();
  // The kept superblock lines, given away: the same bytes, no longer ours.
  await sh(`chown 65534:65534 ${HD}/fs-${kname}`);
  const disowned = await poll();
  assert.equal(disowned.sb.fresh, true, 'a file another user owns is read again, not reused');
  assert.deepEqual(same(disowned.device), same(kept.device));

  await sh(`printf 'canary\\n' > ${CANARY} && chmod 0600 ${CANARY} && rm -f ${HD}/fs-${kname} ${HD}/fsklog.ref && ln -s ${CANARY} ${HD}/fs-${kname} && ln -s ${CANARY} ${HD}/fsklog.ref`);
  for (let i = 0; i < 2; i++) {
    const p = await poll();
    assert.deepEqual([p.sb.fresh, p.klog.fresh], [true, true], 'with a symlink in place nothing is kept or reused');
    assert.deepEqual(same(p.device), same(kept.device));
  }
  assert.equal(await sh(`cat ${CANARY}`), 'canary\n', 'nothing written through the symlinks');
  assert.equal((await sh(`stat -c '%F' ${HD}/fs-${kname} ${HD}/fsklog.ref`)).trim(), 'symbolic link\nsymbolic link');
  await sh(`rm -f ${HD}/fs-${kname} ${HD}/fsklog.ref`);
  const back = await poll();
  assert.deepEqual([back.sb.fresh, back.klog.fresh], [true, true]);
  // Once the links are gone, reads are kept again; the machine's kernel log (another lab's loop
  // devices and mounts) may move meanwhile and make a poll read afresh, so this waits for a quiet pair.
  const again = await pollUntilKept();
  assert.deepEqual(same(again.device), same(kept.device), 'kept again, the same state');
});

async function waitForAsync(what: string, check: () => Promise<boolean>, limit = 200): Promise<void> {
  for (let i = 0; i < limit; i++) if (await check()) return;
  throw new Error(`gave up waiting for ${what} after ${limit} checks`);
}
