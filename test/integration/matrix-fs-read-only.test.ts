// Failure matrix, fs-read-only, on a real lab host. /srv/data is a tmpfs, which the detector
// leaves alone on purpose (tmpfs and image filesystems are often read-only by design), so the
// test gives lab-web2 a real ext4: an 8 MiB image on a loop device of this machine, its device
// node made inside the host and mounted at /srv/rofs. `mount -o remount,ro` is the fault; the
// finding's fs.remount-rw repair makes it writable again. Everything is undone afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCleared, findingOf, matrixSkip, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';

const MOUNT = '/srv/rofs';
const NODE = '/dev/remlite-rofs';

function loopSkip(): string | false {
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    execFileSync('mkfs.ext4', ['-V'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'losetup or mkfs.ext4 is missing on this machine: no ext4 loop filesystem for the read-only test';
  }
}

const skip = matrixSkip() || loopSkip();
let h: MatrixHarness;
let imageDir = '';
let loop = '';

before(async () => {
  if (skip) return;
  h = await startMatrixHarness();
  imageDir = mkdtempSync(join(tmpdir(), 'remlite-rofs-'));
  const image = join(imageDir, 'rofs.img');
  execFileSync('truncate', ['-s', '8M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', image]);
  loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  const [major, minor] = execFileSync('stat', ['-c', '%t %T', loop], { encoding: 'utf8' }).trim().split(' ').map((x) => parseInt(x, 16));
  await h.sh(WEB, `mknod ${NODE} b ${major} ${minor} && mkdir -p ${MOUNT} && mount ${NODE} ${MOUNT}`);
});

after(async () => {
  if (skip) return;
  if (h) {
    await h.sh(WEB, `if mountpoint -q ${MOUNT}; then umount ${MOUNT}; fi; rm -f ${NODE}; rmdir ${MOUNT} 2>/dev/null; true`);
    await h.close();
  }
  if (loop) execFileSync('losetup', ['-d', loop]);
  if (imageDir) rmSync(imageDir, { recursive: true, force: true });
});

test('fs-read-only: mount -o remount,ro of an ext4 in the host is a warning in the first poll; its fs.remount-rw repair makes it writable again', { skip }, async () => {
  const ready = await h.firstPollAfter(WEB, Date.now());
  const vol = ready.poll.probe?.volumes.find((v) => v.mount === MOUNT);
  assert.deepEqual(vol && [vol.fstype, vol.readOnly], ['ext4', false], 'the console sees the ext4 mount, writable');
  assertCleared(ready, 'fs-read-only');

  const t = await h.inject(WEB, `mount -o remount,ro ${MOUNT} && ! touch ${MOUNT}/probe-write 2>/dev/null`);
  const seen = await h.firstPollAfter(WEB, t);
  const f = findingOf(seen, 'fs-read-only', MOUNT);
  assert.equal(f.severity, 'warning');
  assert.equal(f.summary, `${MOUNT} is mounted read-only`);
  // /sys/fs/ext4 is the kernel's: another suite on this machine may have a damaged ext4 mounted
  // elsewhere, which the probe lists and the detector leaves aside. This host's device has none.
  const kname = loop.replace(/^\/dev\//, '');
  assert.deepEqual(seen.poll.probe?.fsState?.find((d) => d.mount === MOUNT)?.device, kname, 'the probe knows the mount by its kernel name');
  assert.deepEqual(seen.poll.probe?.fsErrors?.filter((e) => e.device === kname), [], 'no filesystem errors on it: the remount is offered');
  assert.deepEqual(f.repairs.map((r) => [r.action, r.params]), [['fs.remount-rw', { mount: MOUNT }]]);

  const fixed = await h.repairWith(f);
  assert.ok(fixed.plan.command.startsWith(`{ { mountpoint -q -- ${MOUNT}; }`), fixed.plan.command);
  assert.ok(fixed.plan.command.endsWith(` && mount -o remount,rw -- ${MOUNT}`), fixed.plan.command);
  const after = await h.firstPollAfter(WEB, fixed.doneAt);
  assertCleared(after, 'fs-read-only');
  assert.equal(after.poll.probe?.volumes.find((v) => v.mount === MOUNT)?.readOnly, false);
  await h.sh(WEB, `touch ${MOUNT}/written && rm ${MOUNT}/written`);
});
