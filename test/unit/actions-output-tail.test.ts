import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputTail } from '../../src/actions/output-tail.js';

test('keeps the last lines of stdout then stderr, sanitized', () => {
  const stdout = Array.from({ length: 30 }, (_, i) => `out${i}`).join('\n');
  const tail = outputTail(stdout, 'err\u001b[31m!\u001b]0;title\u0007', 5);
  assert.deepEqual(tail.split('\n'), ['out26', 'out27', 'out28', 'out29', 'err!']);
});

test('is bounded in characters', () => {
  assert.equal(outputTail('x'.repeat(10_000), '', 20, 100).length, 100);
});
