import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RepeatingRun } from '../../src/poller/repeating-run.js';

function deferredTask() {
  const releases: (() => void)[] = [];
  const task = () => new Promise<void>((res) => releases.push(res));
  return { task, releases };
}

test('a run asked for during a run joins it, then exactly one more run follows it', async () => {
  const { task, releases } = deferredTask();
  let delays = 0;
  const run = new RepeatingRun(task, () => (delays++, 1e9));
  const first = run.now();
  const joined = run.now();
  const joinedAgain = run.now();
  assert.equal(releases.length, 1, 'no second run while one is in flight');
  assert.equal(joined, first);
  assert.equal(joinedAgain, first);
  releases[0]!();
  await first;
  await new Promise((res) => setImmediate(res));
  assert.equal(releases.length, 2, 'the runs asked for meanwhile became one run, at once');
  assert.equal(delays, 0, 'no timer while a run was owed');
  releases[1]!();
  await new Promise((res) => setImmediate(res));
  assert.equal(delays, 1, 'after a run with nothing owed, the next one is scheduled');
  run.stop();
});

test('stopped, a run in flight ends and nothing more is scheduled', async () => {
  const { task, releases } = deferredTask();
  let delays = 0;
  const run = new RepeatingRun(task, () => (delays++, 0));
  const first = run.now();
  run.now();
  run.stop();
  assert.equal(run.stopped, true);
  releases[0]!();
  await first;
  await new Promise((res) => setImmediate(res));
  assert.equal(releases.length, 1, 'the owed run was dropped');
  assert.equal(delays, 0, 'no next run scheduled');
});

test('later() runs after the delay rather than now; an undefined delay schedules nothing', async () => {
  const { task, releases } = deferredTask();
  let owed: number | undefined = 0;
  const run = new RepeatingRun(task, () => owed);
  run.later();
  assert.equal(releases.length, 0, 'nothing runs at once');
  await new Promise((res) => setTimeout(res, 0));
  assert.equal(releases.length, 1, 'the run came after the (zero) delay');
  run.later();
  owed = undefined;
  releases[0]!();
  await new Promise((res) => setTimeout(res, 5));
  assert.equal(releases.length, 1, 'later() during a run adds nothing, and no delay means no next run');
  void run.now();
  assert.equal(releases.length, 2, 'now() still runs');
  run.stop();
  releases[1]!();
});
