// disk.cleanup on a real lab host (lab-web2, /srv/data a tmpfs): only files older than the stated
// age go (7 days by default), symlinks are never followed, nothing outside the declared path is
// touched, the preview lists exactly what the run deletes, and a path reached through a symlink is
// refused on the host before anything is deleted. Without declared paths, the default cleanup
// (rotated logs under /var/log, the journal) is offered and works the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionPlan, Machine } from '../../src/model/index.js';
import type { RemliteConsole } from '../../src/app/console.js';
import { CLEANUP_DIR, matrixSkip, startMatrixHarness, WEB, type MatrixHarness } from '../support/matrix-harness.js';

const skip = matrixSkip();
let h: MatrixHarness;
const OUTSIDE = '/srv/data/outside';
const OLD = "touch -h -d '10 days ago'";

before(async () => {
  if (!skip) h = await startMatrixHarness();
});

after(async () => {
  if (skip || !h) return;
  await h.sh(WEB, `rm -rf ${CLEANUP_DIR}/* ${OUTSIDE} /srv/data/linked /srv/data/via /var/log/remlite-t.* /var/log/remlite-new.* /var/log/remlite-link.* /etc/remlite-victim.1`);
  await h.close();
});

/** Regular files and symlinks under the directories, one path per line, sorted. */
async function entries(dirs: string[]): Promise<string[]> {
  const out = await h.sh(WEB, `find -P ${dirs.join(' ')} -xdev '(' -type f -o -type l ')' | sort`);
  return out.split('\n').filter(Boolean);
}

/** The paths the preview summary lists ("  SIZE  PATH" lines). */
function previewPaths(text: string): string[] {
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s{2,}/)[1])
    .filter((p): p is string => !!p && p.startsWith('/'))
    .sort();
}

function planOn(c: RemliteConsole, mount: string): ActionPlan {
  const r = c.intents.plan({ machineId: WEB, action: 'disk.cleanup', params: { mount } });
  assert.ok('plan' in r, 'refused' in r ? r.refused : '');
  return r.plan;
}

async function runPlan(c: RemliteConsole, plan: ActionPlan) {
  await c.intents.run(plan);
  const run = c.store.getState().actions.find((a) => a.plan === plan);
  assert.ok(run?.result, 'the run finished');
  return run;
}

test('disk.cleanup on a declared path deletes only the files older than 7 days; newer files, symlinks and their targets outside the path stay; the preview listed exactly what went', { skip }, async () => {
  await h.sh(
    WEB,
    [
      `mkdir -p ${CLEANUP_DIR}/sub ${OUTSIDE}/dir`,
      `head -c 3000 /dev/zero > ${CLEANUP_DIR}/old-a.bin`,
      `head -c 500 /dev/zero > ${CLEANUP_DIR}/sub/old-b.log`,
      `head -c 700 /dev/zero > ${CLEANUP_DIR}/new.bin`,
      `echo keep > ${OUTSIDE}/victim.bin`,
      `echo keep > ${OUTSIDE}/dir/deep.bin`,
      `ln -s ${OUTSIDE}/victim.bin ${CLEANUP_DIR}/link.bin`,
      `ln -s ${OUTSIDE}/dir ${CLEANUP_DIR}/dirlink`,
      `${OLD} ${CLEANUP_DIR}/old-a.bin ${CLEANUP_DIR}/sub/old-b.log ${OUTSIDE}/victim.bin ${OUTSIDE}/dir/deep.bin ${CLEANUP_DIR}/link.bin ${CLEANUP_DIR}/dirlink`,
    ].join(' && '),
  );
  const before = await entries([CLEANUP_DIR, OUTSIDE]);
  const plan = planOn(h.core, '/srv/data');
  assert.ok(plan.preconditions?.includes(`${CLEANUP_DIR} is absent, or a directory reached through no symlink`), plan.preconditions?.join(' | '));
  const preview = await h.core.intents.preview(plan);
  assert.match(preview, /^would free .* \(3500 bytes\) in 2 files/);
  const listed = previewPaths(preview);
  assert.deepEqual(listed, [`${CLEANUP_DIR}/old-a.bin`, `${CLEANUP_DIR}/sub/old-b.log`]);
  assert.deepEqual(await entries([CLEANUP_DIR, OUTSIDE]), before, 'the preview deleted nothing');

  const run = await runPlan(h.core, plan);
  assert.equal(run.state, 'succeeded', `${run.result?.error ?? ''}\n${run.result?.outputTail ?? ''}`);
  const afterRun = await entries([CLEANUP_DIR, OUTSIDE]);
  assert.deepEqual(before.filter((p) => !afterRun.includes(p)).sort(), listed, 'exactly the previewed files went');
  assert.ok(afterRun.includes(`${CLEANUP_DIR}/new.bin`) && afterRun.includes(`${CLEANUP_DIR}/link.bin`) && afterRun.includes(`${CLEANUP_DIR}/dirlink`));
  assert.equal((await h.sh(WEB, `cat ${OUTSIDE}/victim.bin ${OUTSIDE}/dir/deep.bin`)).trim(), 'keep\nkeep', 'link targets outside the path are untouched');
});

test('disk.cleanup refuses on the host (exit 3, nothing deleted) a declared path that is a symlink or is reached through one', { skip }, async () => {
  await h.sh(WEB, `mkdir -p ${OUTSIDE}/tmp && echo keep > ${OUTSIDE}/tmp/old.bin && ${OLD} ${OUTSIDE}/tmp/old.bin && ln -sfn ${OUTSIDE}/tmp /srv/data/linked && ln -sfn ${OUTSIDE} /srv/data/via`);
  const web = h.machine(WEB);
  for (const path of ['/srv/data/linked', '/srv/data/via/tmp']) {
    const copy: Machine = { ...web, checks: { ...web.checks!, cleanupPaths: [path] } };
    const c = h.extraConsole([copy]);
    await h.firstPollAfter(WEB, Date.now(), c);
    const plan = planOn(c, '/srv/data');
    const run = await runPlan(c, plan);
    assert.equal(run.state, 'failed', path);
    assert.equal(run.result?.exitCode, 3, path);
    assert.match(run.result?.outputTail ?? '', new RegExp(`precondition failed: ${path} is absent, or a directory reached through no symlink`));
    assert.equal((await h.sh(WEB, `cat ${OUTSIDE}/tmp/old.bin`)).trim(), 'keep', `${path}: nothing deleted`);
  }
});

test('without declared cleanup paths, disk.cleanup of / is the default (rotated logs under /var/log older than 7 days, journal vacuum): it runs, old rotated logs go, current logs, new rotated logs and link targets stay', { skip }, async () => {
  await h.sh(
    WEB,
    [
      'head -c 1000 /dev/zero > /var/log/remlite-t.log.1',
      'head -c 200 /dev/zero > /var/log/remlite-t.log.2.gz',
      'echo current > /var/log/remlite-t.log',
      'echo new > /var/log/remlite-new.log.1',
      'echo keep > /etc/remlite-victim.1',
      'ln -sfn /etc/remlite-victim.1 /var/log/remlite-link.1',
      `${OLD} /var/log/remlite-t.log.1 /var/log/remlite-t.log.2.gz /var/log/remlite-t.log /etc/remlite-victim.1 /var/log/remlite-link.1`,
    ].join(' && '),
  );
  const web = h.machine(WEB);
  const copy: Machine = { ...web, checks: { ...web.checks!, cleanupPaths: [] } };
  const c = h.extraConsole([copy]);
  await h.firstPollAfter(WEB, Date.now(), c);
  const plan = planOn(c, '/');
  assert.match(plan.command, /find -P \/var\/log -xdev -type f .* -mmin \+10080 .* -delete; } && journalctl --vacuum-time=7d --vacuum-size=64M$/);
  assert.doesNotMatch(plan.command, new RegExp(CLEANUP_DIR));
  const before = await entries(['/var/log']);
  const preview = await c.intents.preview(plan);
  const listed = previewPaths(preview);
  assert.match(preview, new RegExp(`^would free .* in ${listed.length} files?\\n`), 'every file is listed (none left out of the summary)');
  assert.ok(listed.includes('/var/log/remlite-t.log.1') && listed.includes('/var/log/remlite-t.log.2.gz'), listed.join(' '));
  for (const kept of ['/var/log/remlite-t.log', '/var/log/remlite-new.log.1', '/var/log/remlite-link.1']) assert.ok(!listed.includes(kept), kept);

  const run = await runPlan(c, plan);
  assert.equal(run.state, 'succeeded', `${run.result?.error ?? ''}\n${run.result?.outputTail ?? ''}`);
  const afterRun = await entries(['/var/log']);
  assert.deepEqual(before.filter((p) => !afterRun.includes(p)).sort(), listed, 'exactly the previewed files went');
  for (const kept of ['/var/log/remlite-t.log', '/var/log/remlite-new.log.1', '/var/log/remlite-link.1']) assert.ok(afterRun.includes(kept), kept);
  assert.equal((await h.sh(WEB, 'cat /etc/remlite-victim.1')).trim(), 'keep');
});
