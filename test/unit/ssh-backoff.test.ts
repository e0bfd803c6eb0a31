import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../src/ssh/backoff.js';

const opts = { baseMs: 1000, maxMs: 30_000 };

test('backoff doubles per failure, within [half, full] of the step', () => {
  assert.equal(backoffDelay(0, opts), 0);
  assert.equal(backoffDelay(1, opts, () => 0), 500);
  assert.equal(backoffDelay(1, opts, () => 0.999999), 1000);
  assert.equal(backoffDelay(3, opts, () => 0), 2000);
  assert.equal(backoffDelay(3, opts, () => 0.5), 3000);
});

test('backoff is capped at maxMs even after many failures', () => {
  assert.equal(backoffDelay(50, opts, () => 0.999999), 30_000);
  assert.equal(backoffDelay(1000, opts, () => 0), 15_000);
});
