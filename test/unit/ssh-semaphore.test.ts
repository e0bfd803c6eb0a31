import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore } from '../../src/ssh/semaphore.js';

test('semaphore bounds holders and hands permits over in order', async () => {
  const sem = new Semaphore(2);
  const r1 = await sem.acquire();
  const r2 = await sem.acquire();
  const order: number[] = [];
  const p3 = sem.acquire().then((r) => (order.push(3), r));
  const p4 = sem.acquire().then((r) => (order.push(4), r));
  await Promise.resolve();
  assert.equal(sem.inUse, 2);
  assert.equal(sem.waiting, 2);
  r1();
  r1(); // double release must not free a second permit
  const r3 = await p3;
  assert.equal(sem.waiting, 1);
  r2();
  const r4 = await p4;
  assert.deepEqual(order, [3, 4]);
  r3();
  r4();
  assert.equal(sem.inUse, 0);
});
