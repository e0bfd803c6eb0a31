import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BACKOFF_FACTOR, partDelayMs } from '../../src/poller/part-delay.js';

const at = { intervalMs: 60_000, fastIntervalMs: 2_000, fastUntil: 0, now: 1_000 };

test('a part that answered waits the interval, or the fast one during a burst', () => {
  assert.equal(partDelayMs({ ...at, failures: 0 }), 60_000);
  assert.equal(partDelayMs({ ...at, fastUntil: 5_000, failures: 0 }), 2_000);
  assert.equal(partDelayMs({ ...at, fastUntil: 1_000, failures: 0 }), 60_000, 'the burst is over at fastUntil');
});

test('a failing part backs off, doubling per failure in a row, capped', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 50].map((failures) => partDelayMs({ ...at, failures })),
    [120_000, 240_000, 480_000, 60_000 * MAX_BACKOFF_FACTOR, 60_000 * MAX_BACKOFF_FACTOR],
  );
  assert.equal(partDelayMs({ ...at, fastUntil: 5_000, failures: 1 }), 4_000, 'a burst still backs off a failing part');
  assert.equal(partDelayMs({ ...at, failures: -1 }), 60_000);
});
