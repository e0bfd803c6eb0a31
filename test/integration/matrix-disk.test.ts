// Failure matrix, disk-full and inodes-full, on a real lab host: /srv/data (a 16 MiB tmpfs) filled
// with rotated-looking files in its declared cleanup path, and a tiny tmpfs (64 inodes) mounted in
// the host and filled with empty files. Seen in the first poll after the fault; disk.cleanup's
// preview states what it will free, and running it clears the finding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleared, CLEANUP_DIR, findingOf, matrixSkip, startMatrixHarness, TINY_MOUNT, WEB, type MatrixHarness } from '../support/matrix-harness.js';

const skip = matrixSkip();
let h: MatrixHarness;

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (skip || !h) return;
  await h.sh(WEB, `rm -rf ${CLEANUP_DIR}/*; if mountpoint -q ${TINY_MOUNT}; then umount ${TINY_MOUNT}; fi; rmdir ${TINY_MOUNT} 2>/dev/null; true`);
  await h.close();
});

async function filesIn(dir: string): Promise<{ count: number; bytes: number }> {
  const out = (await h.sh(WEB, `find ${dir} -xdev -type f -printf '%s\\n' | awk '{n++; s+=$1} END {print n+0, s+0}'`)).trim();
  const [count, bytes] = out.split(' ').map(Number);
  return { count: count ?? 0, bytes: bytes ?? 0 };
}

test('disk-full: /srv/data filled to the last block (15 MiB app.log.1 + app.old) is critical in the first poll; disk.cleanup previews the exact bytes of those 10-day-old files and clears it', { skip }, async () => {
  try {
    const t = await h.inject(
      WEB,
      `head -c 15M /dev/zero > ${CLEANUP_DIR}/app.log.1 && { head -c 2M /dev/zero > ${CLEANUP_DIR}/app.old 2>/dev/null; true; } && ` +
        `touch -c -d '10 days ago' ${CLEANUP_DIR}/app.log.1 ${CLEANUP_DIR}/app.old && [ "$(df -P /srv/data | awk 'NR==2 {print $4}')" -lt 64 ]`,
    );
    const seen = await h.firstPollAfter(WEB, t);
    const f = findingOf(seen, 'disk-full', '/srv/data');
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, /\/srv\/data is (9[5-9]|100)% full/);
    assert.deepEqual(f.repairs.map((r) => [r.action, r.params]), [['disk.cleanup', { mount: '/srv/data' }]]);

    const planned = h.core.intents.plan({ machineId: WEB, action: f.repairs[0]!.action, params: f.repairs[0]!.params });
    assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
    assert.match(planned.plan.command, new RegExp(`\\|\\| find -P ${CLEANUP_DIR} -xdev -type f -mmin \\+10080 -printf '%s\\\\t%p\\\\n' -delete; }$`));
    const expected = await filesIn(CLEANUP_DIR);
    assert.equal(expected.count, 2);
    assert.ok(expected.bytes > 15 * 1024 * 1024);
    const preview = await h.core.intents.preview(planned.plan);
    assert.match(preview, new RegExp(`would free .* \\(${expected.bytes} bytes\\) in 2 files`));
    assert.match(preview, /app\.log\.1/);
    assert.deepEqual(await filesIn(CLEANUP_DIR), expected, 'the preview deleted nothing');

    const fixed = await h.repairWith(f);
    assert.equal(fixed.plan.command, planned.plan.command);
    const after = await h.firstPollAfter(WEB, fixed.doneAt);
    assertCleared(after, 'disk-full', '/srv/data');
    assert.equal((await filesIn(CLEANUP_DIR)).count, 0);
    const vol = after.poll.probe?.volumes.find((v) => v.mount === '/srv/data');
    assert.ok(vol && vol.availBytes > 15 * 1024 * 1024, 'the space is free again');
  } finally {
    await h.sh(WEB, `rm -f ${CLEANUP_DIR}/*`);
  }
});

test('inodes-full: a tmpfs with nr_inodes=64 mounted in the host and filled with 10-day-old empty files is critical in the first poll; disk.cleanup (preview: 0 bytes, 63 files) clears it', { skip }, async () => {
  try {
    const t = await h.inject(
      WEB,
      `mkdir -p ${TINY_MOUNT} && mount -t tmpfs -o size=1M,nr_inodes=64 tmpfs ${TINY_MOUNT} && i=0; while touch -d '10 days ago' ${TINY_MOUNT}/f$i.old 2>/dev/null; do i=$((i+1)); done; [ "$i" -gt 0 ]`,
    );
    const seen = await h.firstPollAfter(WEB, t);
    const f = findingOf(seen, 'inodes-full', TINY_MOUNT);
    assert.equal(f.severity, 'critical');
    assert.match(f.summary, new RegExp(`${TINY_MOUNT} has used 100% of its inodes`));
    assertCleared(seen, 'disk-full', TINY_MOUNT);
    assert.deepEqual(f.repairs.map((r) => r.action), ['disk.cleanup']);

    const files = await filesIn(TINY_MOUNT);
    const planned = h.core.intents.plan({ machineId: WEB, action: 'disk.cleanup', params: f.repairs[0]!.params });
    assert.ok('plan' in planned, 'refused' in planned ? planned.refused : '');
    assert.match(await h.core.intents.preview(planned.plan), new RegExp(`would free 0 B \\(0 bytes\\) in ${files.count} files`));

    const fixed = await h.repairWith(f);
    const after = await h.firstPollAfter(WEB, fixed.doneAt);
    assertCleared(after, 'inodes-full', TINY_MOUNT);
    const vol = after.poll.probe?.volumes.find((v) => v.mount === TINY_MOUNT);
    assert.equal(vol?.inodesUsed, 1, 'only the root directory is left');
  } finally {
    await h.sh(WEB, `if mountpoint -q ${TINY_MOUNT}; then umount ${TINY_MOUNT}; fi; rmdir ${TINY_MOUNT} 2>/dev/null; true`);
  }
});
