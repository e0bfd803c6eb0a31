// Failure matrix, fs-errors from the per-device filesystem state, on a real lab host that declares
// no volume: lab-web2 gets a real ext4 (a 16 MiB image on a loop device of this machine, its
// device node made inside the host under its own name, mounted at /srv/fsstate with
// errors=continue), and the host is accepted again so the baseline learns it clean. The fault is
// random data written over the mounted volume's superblock and group descriptors through that
// node: nothing reads the filesystem's metadata afterwards, yet the first poll reports it, naming
// the device and the mount. No repair runs: fsck needs the filesystem unmounted, the finding says
// how. Everything is undone afterwards (unmount, node, loop device, image).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCleared, findingOf, matrixSkip, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';

const MOUNT = '/srv/fsstate';
const NODE = '/dev/remlite-fsstate';

function loopSkip(): string | false {
  try {
    execFileSync('losetup', ['--version'], { stdio: 'ignore' });
    execFileSync('mkfs.ext4', ['-V'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'losetup or mkfs.ext4 is missing on this machine: no ext4 loop filesystem for the volume-state test';
  }
}

const skip = matrixSkip() || loopSkip();
let h: MatrixHarness;
let imageDir = '';
let loop = '';
/** The kernel's name of the loop device ("loop4"): what /sys/fs/ext4 and the kernel log say. */
let kname = '';

before(async () => {
  if (skip) return;
  h = await startMatrixHarness();
  imageDir = mkdtempSync(join(tmpdir(), 'remlite-fsstate-'));
  const image = join(imageDir, 'fsstate.img');
  execFileSync('truncate', ['-s', '16M', image]);
  execFileSync('mkfs.ext4', ['-q', '-F', image]);
  loop = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
  kname = loop.replace(/^\/dev\//, '');
  const [major, minor] = execFileSync('stat', ['-c', '%t %T', loop], { encoding: 'utf8' }).trim().split(' ').map((x) => parseInt(x, 16));
  await h.sh(WEB, `mknod ${NODE} b ${major} ${minor} && mkdir -p ${MOUNT} && mount -o errors=continue ${NODE} ${MOUNT} && echo hello > ${MOUNT}/file && sync`);
  // Accepted with the volume mounted: the baseline knows it clean.
  await h.core.intents.acceptBaseline({ machineId: WEB });
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

test('fs-errors, volume state: random data over a mounted ext4 nobody declared is critical in the first poll, naming the device and the mount; the finding gives the offline fsck commands', { skip }, async () => {
  const learned = h.core.baselines.load(WEB).baseline?.learned?.volumes?.find((v) => v.device === kname);
  assert.deepEqual(learned && [learned.mount, learned.state, learned.errorsCount], [MOUNT, 'clean', 0], 'the accept learned the volume clean');

  const ready = await h.firstPollAfter(WEB, Date.now());
  const state = ready.poll.probe?.fsState?.find((d) => d.mount === MOUNT);
  assert.deepEqual(state && [state.device, state.source, state.fstype, state.state, state.errorsCount], [kname, NODE, 'ext4', 'clean', 0], 'the real probe reads the volume by its kernel name');
  assertCleared(ready, 'fs-errors');

  // Bytes 1024..4095: the superblock and the group descriptors. Nothing reads the filesystem after.
  const t = await h.inject(WEB, `dd if=/dev/urandom of=${NODE} bs=1024 seek=1 count=3 conv=notrunc,fsync status=none`);
  const seen = await h.firstPollAfter(WEB, t);
  const f = findingOf(seen, 'fs-errors', kname);
  assert.equal(f.severity, 'critical');
  assert.equal(f.summary, `superblock of ${kname} (${MOUNT}) unreadable`);
  assert.equal(f.evidence[0], `device ${NODE} (kernel ${kname}, ext4) mounted at ${MOUNT}`);
  assert.ok(f.evidence.some((e) => e.startsWith(`dumpe2fs -h ${NODE}: `) && /magic|superblock|super-block|checksum/i.test(e)), f.evidence.join(' | '));
  assert.ok(f.evidence.includes(`on the host: umount ${MOUNT} && e2fsck -f ${NODE} && mount ${MOUNT}`), f.evidence.join(' | '));
  assert.deepEqual(f.repairs, [], 'fsck needs the filesystem unmounted: no automatic repair');
  // Only this host mounts the device: the other lab host polled by the same console says nothing of it.
  const other = h.core.store.getState().hosts['lab-db1']?.findings ?? [];
  assert.deepEqual(other.filter((x) => x.class === 'fs-errors').map((x) => x.summary), []);
});
