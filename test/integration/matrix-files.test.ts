// Failure matrix, declared files, on a real lab host: a watched log chmod 000 + chown nobody
// (file-perms) and random bytes written over a declared data file (data-corrupt). Seen in the
// first poll after the fault; the finding's repair puts mode/owner, or the kept copy, back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertCleared, DATA_FILE, findingOf, matrixSkip, PERM_LOG, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';

const skip = matrixSkip();
let h: MatrixHarness;

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (!skip && h) await h.close();
});

test('file-perms: chmod 000 + chown nobody of the watched log is critical in the first poll (owner lost write); perms.restore puts 0640 root:adm back', { skip }, async () => {
  const t = await h.inject(WEB, `chmod 000 ${PERM_LOG} && chown nobody:nogroup ${PERM_LOG}`);
  const seen = await h.firstPollAfter(WEB, t);
  const f = findingOf(seen, 'file-perms', PERM_LOG);
  assert.equal(f.severity, 'critical');
  assert.match(f.summary, /mode 0640 → 0000, owner root → nobody/);
  assert.deepEqual(f.evidence.slice(0, 3), ['mode 0640 → 0000', 'owner root → nobody', 'group adm → nogroup']);
  assert.ok(f.evidence.includes('the owner can no longer write it'));

  const fixed = await h.repairWith(f);
  assert.ok(fixed.plan.command.startsWith('{ { cd -P -- /var/log; }'), fixed.plan.command);
  assert.ok(fixed.plan.command.endsWith(' && chown -h -- root:adm ./remlite-faults.log && chmod -- 0640 ./remlite-faults.log'), fixed.plan.command);
  assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'file-perms');
  assert.equal((await h.sh(WEB, `stat -c '%a %U %G' ${PERM_LOG}`)).trim(), '640 root adm');
});

test('data-corrupt: dd if=/dev/urandom over the declared data file is critical in the first poll; data.restore writes the kept copy back (sha256 = baseline)', { skip }, async () => {
  const good = h.core.baselines.load(WEB).baseline!.files[DATA_FILE]!;
  const t = await h.inject(WEB, `dd if=/dev/urandom of=${DATA_FILE} bs=4096 count=4 conv=notrunc status=none`);
  const seen = await h.firstPollAfter(WEB, t);
  const f = findingOf(seen, 'data-corrupt', DATA_FILE);
  assert.equal(f.severity, 'critical');
  assert.equal(f.summary, `data file ${DATA_FILE} differs from the baseline`);
  assert.equal(seen.poll.probe?.files?.find((x) => x.path === DATA_FILE)?.size, good.size, 'same size, other bytes');

  const fixed = await h.repairWith(f);
  assert.equal(fixed.plan.intent.action, 'data.restore');
  assert.equal(fixed.plan.input?.sha256, good.sha256);
  assertCleared(await h.firstPollAfter(WEB, fixed.doneAt), 'data-corrupt');
  assert.equal((await h.sh(WEB, `sha256sum < ${DATA_FILE}`)).slice(0, 64), good.sha256);
  assert.equal((await h.sh(WEB, `stat -c %a ${DATA_FILE}`)).trim(), '640');
});
