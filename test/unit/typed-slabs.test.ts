import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypedSlabs } from '../../src/util/typed-slabs.js';

test('TypedSlabs: arrays share slabs without overlapping, each zeroed, of the length asked', () => {
  const s = new TypedSlabs(1024);
  const a = s.float64(16);
  const b = s.float64(16);
  const c = s.float32(100);
  const d = s.float32(200);
  assert.deepEqual([a.length, b.length, c.length, d.length], [16, 16, 100, 200]);
  assert.equal(a.buffer, b.buffer, 'one slab');
  a.fill(1);
  c.fill(2);
  assert.ok(b.every((x) => x === 0) && d.every((x) => x === 0), 'writing one array touches no other');
  const big = s.float32(1000);
  assert.equal(big.length, 1000, 'more than a slab: a slab of its own size');
  assert.notEqual(s.float32(100).buffer, c.buffer, 'a slab without room is not written past');
});

test('TypedSlabs: an array given back is reused, zeroed, for the same kind and length only; given twice it is still handed out once', () => {
  const s = new TypedSlabs(4096);
  const a = s.float32(120).fill(7);
  s.give(a);
  s.give(a);
  assert.equal(s.spare, 1);
  assert.notEqual(s.float64(60), a, 'another kind of the same bytes is not it');
  assert.notEqual(s.float32(60), a, 'another length is not it');
  const again = s.float32(120);
  assert.equal(again, a);
  assert.ok(again.every((x) => x === 0));
  assert.notEqual(s.float32(120), a, 'handed out once');
  assert.equal(s.spare, 0);
});
