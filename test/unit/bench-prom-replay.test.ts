import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutAtValues, shiftValues } from '../../bench/prom-replay.js';

const answer = (series: { metric: Record<string, string>; value: string }[]) =>
  JSON.stringify({ status: 'success', data: { resultType: 'vector', result: series.map((s) => ({ metric: s.metric, value: [1796415305.5, s.value] })) } });

test('the replay moves each sample value of a timed answer on and leaves the rest of the text as it was', () => {
  const body = answer([
    { metric: { instance: '127.80.0.1:9100' }, value: '1796415305.536' },
    // A label value that looks like a value's start, escaped as Prometheus writes it: not a value.
    { metric: { instance: '127.80.0.2:9100', note: 'x,"12"]}' }, value: '1796415301.000' },
  ]);
  const parts = cutAtValues(body);
  assert.deepEqual(parts.filter((_, i) => i % 2), ['1796415305.536', '1796415301.000']);
  assert.equal(shiftValues(parts, 0), body);
  const moved = JSON.parse(shiftValues(parts, 40)) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.deepEqual(
    moved.data.result.map((r) => r.value[1]),
    ['1796415345.536', '1796415341.000'],
  );
  assert.deepEqual(moved.data.result[1]!.metric, { instance: '127.80.0.2:9100', note: 'x,"12"]}' });
  assert.equal(moved.data.result[0]!.value[0], 1796415305.5, 'the evaluation time is not a sample value');
});
