import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVector } from '../../providers/prometheus/http-query.js';
import { indexSeries, samplesOf, scanVector, type SeriesLabels } from '../../providers/prometheus/vector-scan.js';

/** An answer as Prometheus writes it (Go's encoder and JSON.stringify write the same bytes for these). */
const answer = (result: unknown[]) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
const series = (metric: Record<string, unknown>, v: string, ts = 1796250530.018) => ({ metric, value: [ts, v] });

/** What the mapping would read: each series' labels by name, all of them, and its value. */
function visited(body: string, names: string[]) {
  const out: { got: (string | undefined)[]; all: Record<string, string>; value: number }[] = [];
  scanVector(body)((labels: SeriesLabels, value) => {
    const got = names.map((n) => labels.get(n));
    // is() agrees with get(): the whole value, not a start or a longer one.
    names.forEach((n, i) => {
      const v = got[i];
      if (v === undefined) return assert.equal(labels.is(n, ''), false, `no ${n}: is('') is false`);
      assert.equal(labels.is(n, v), true, `is(${n}, ${v})`);
      assert.equal(labels.is(n, `${v}x`), false);
      if (v) assert.equal(labels.is(n, v.slice(0, -1)), false);
    });
    out.push({ got, all: labels.all(), value });
  });
  return out;
}

/** The scanner's answer is parseVector's: the same samples, labels in the same order, and each label read by name. */
function assertSameAsParse(body: string, names: string[]) {
  const parsed = parseVector(body);
  const scanned = samplesOf(scanVector(body));
  assert.deepEqual(scanned, parsed);
  assert.deepEqual(scanned.map((s) => Object.keys(s.metric)), parsed.map((s) => Object.keys(s.metric)), 'label order');
  const byName = visited(body, names);
  parsed.forEach((s, i) => assert.deepEqual(byName[i]!.got, names.map((n) => (Object.hasOwn(s.metric, n) ? s.metric[n] : undefined)), `series ${i} read by name`));
}

test("an answer written the usual way is read from its text, with parseVector's samples", () => {
  const body = answer([
    series({ device: '/dev/vda1', fstype: 'ext4', instance: 'web1:9100', mountpoint: '/' }, '107374182400'),
    series({ instance: 'web2:9100' }, '0.5'),
    series({}, '-3'),
    series({ instance: 'web3:9100', odd: '},:[]{,value' }, '1e-9'),
    series({ instance: 'wéb4:9100', note: 'ünïcode ✓' }, '7', 0),
    series({ instance: 'web5:9100' }, 'NaN'),
    series({ instance: 'web6:9100' }, '+Inf'),
    series({ instance: 'web7:9100' }, '-Inf'),
    series({ instance: 'web8:9100' }, ''),
  ]);
  assert.equal(indexSeries(body)?.count, 9, 'read from the text, every series found');
  assertSameAsParse(body, ['instance', 'mountpoint', 'device', 'fstype', 'odd', 'value', 'note', 'missing']);
  assert.deepEqual(samplesOf(scanVector(body)).map((s) => s.value), [107374182400, 0.5, -3, 1e-9, 7, 0], 'NaN and infinities left out, as parseVector does');
  assert.equal(indexSeries(answer([]))?.count, 0, 'no series');
  assert.deepEqual(samplesOf(scanVector(answer([]))), []);
});

test('a label is read from its own series only, and a value that looks like a name is not a name', () => {
  const body = answer([series({ instance: 'a:9100', name: 'x.service' }, '1'), series({ other: 'b' }, '2'), series({ a: 'name', b: 'instance' }, '3')]);
  assert.ok(indexSeries(body));
  const got = visited(body, ['instance', 'name']);
  assert.deepEqual(got.map((g) => g.got), [['a:9100', 'x.service'], [undefined, undefined], [undefined, undefined]]);
});

test('a repeated label name keeps its last value, and "__proto__" stays a label, as JSON.parse has them', () => {
  const body = '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a:1","instance":"b:2","__proto__":"x"},"value":[1,"2"]}]}}';
  assert.ok(indexSeries(body));
  const [one] = visited(body, ['instance', '__proto__']);
  assert.deepEqual(one!.got, ['b:2', 'x']);
  assert.equal(Object.getPrototypeOf(one!.all), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(one!.all, '__proto__')?.value, 'x');
  assert.deepEqual(Object.keys(one!.all), ['instance', '__proto__']);
  assertSameAsParse(body, ['instance', '__proto__']);
});

test('answers written any other way are parsed by JSON.parse, with the same samples and the same errors', () => {
  const others = [
    // escapes: a quote, a backslash, Go's \u003c for <, a control character
    answer([series({ instance: 'a"b:9100' }, '1'), series({ instance: 'c:9100' }, '2')]),
    answer([series({ path: 'C:\\x' }, '1')]),
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"\\u003cb\\u003e"},"value":[1,"1"]}]}}',
    answer([series({ instance: 'a\u0007' }, '1')]),
    // warnings after the data, spaces, fields in another order
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1,"1"]}]},"warnings":["slow"]}',
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"}, "value":[1,"1"]}]}}',
    '{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1"],"metric":{"instance":"a"}}]}}',
    // a hostile server: a label value that is not a string, a label set that is not an object, an odd timestamp
    answer([series({ instance: 'b', n: 5 }, '1'), { metric: ['x'], value: [1, '1'] }, { metric: null, value: [1, '1'] }]),
    answer([series({ instance: 'b' }, '1', 1e21), { metric: { instance: 'c' }, value: ['1', '2'] }, { metric: { instance: 'd' }, value: [1, 2] }]),
  ];
  for (const body of others) {
    assert.equal(indexSeries(body), undefined, `parsed, not read from the text: ${body.slice(60, 140)}`);
    assertSameAsParse(body, ['instance', 'path', 'n']);
  }
  const broken = [
    '<html>',
    answer([series({ instance: 'a' }, '1')]) + 'x',
    answer([series({ instance: 'a' }, '1')]).slice(0, -1),
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1,"1"]},]}}',
    JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error\u001b[2J' }),
    JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
  ];
  for (const body of broken) {
    let expected: Error | undefined;
    try {
      parseVector(body);
    } catch (err) {
      expected = err as Error;
    }
    assert.ok(expected, `parseVector refuses ${body.slice(0, 80)}`);
    assert.throws(() => scanVector(body), (e: Error) => e.message === expected!.message);
  }
});

test('random label sets (quotes, backslashes, braces, commas, colons, non-ASCII): always what JSON.parse reads', () => {
  // A fixed seed: the same cases every run.
  let seed = 0x2545f491;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const alphabet = ['a', 'b', ':', ',', '{', '}', '[', ']', '"', '\\', 'é', '✓', ' ', '9', '<', '&', '\u007f', '"value":['];
  const word = () => Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join('');
  const names = ['a', 'b', 'instance', 'name', 'value', 'metric', ':', 'a"b'];
  let plain = 0;
  for (let round = 0; round < 300; round++) {
    const result = Array.from({ length: rand(5) }, () => {
      const metric: Record<string, string> = {};
      for (let k = rand(4); k > 0; k--) metric[rand(3) === 0 ? word() : names[rand(names.length)]!] = word();
      return series(metric, String(rand(1000) / 8));
    });
    const body = answer(result);
    if (indexSeries(body)) plain++;
    assertSameAsParse(body, names);
  }
  assert.ok(plain > 30, `both ways are exercised (${plain} of 300 read from the text)`);
});
