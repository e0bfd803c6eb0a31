import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialQueue } from '../../src/util/serial-queue.js';

test('tasks run one at a time in the order queued; a failure rejects only its own task', async () => {
  const q = new SerialQueue();
  const log: string[] = [];
  let running = 0;
  const task = (name: string, fail = false) => async () => {
    running++;
    assert.equal(running, 1, `${name} started while another task ran`);
    log.push(`start ${name}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
    log.push(`end ${name}`);
    running--;
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  const a = q.run(task('a'));
  const b = q.run(task('b', true));
  const c = q.run(task('c'));
  assert.equal(await a, 'a');
  await assert.rejects(b, /b failed/);
  assert.equal(await c, 'c');
  await q.idle();
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});
