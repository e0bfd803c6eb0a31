import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVector } from '../../providers/prometheus/http-query.js';
import { indexSeries, numberIn, samplesOf, scanVector, type SeriesLabels } from '../../providers/prometheus/vector-scan.js';

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
    const all = labels.all();
    // source() is the label set's JSON: read back, the same labels in the same order.
    const back = JSON.parse(labels.source()) as Record<string, string>;
    assert.deepEqual(Object.entries(back), Object.entries(all), `source() of ${labels.source().slice(0, 80)}`);
    out.push({ got, all, value });
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

test('numberIn reads a value as Number() does, for the decimals Prometheus writes and for anything else', () => {
  const fixed = ['0.42', '8589934592', '1764750000.123', '-0', '-0.5', '.5', '1.', '00012', '', '-', '.', 'NaN', '+Inf', '-Inf', '1e5', '1E-7', ' 1', '0x10', '1.2.3', '--1', '123456789012345', '1234567890123456', '0.1', '0.3', '9007199254740993', '4.35', '1.005', '123.456789012345'];
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const random = Array.from({ length: 20000 }, () => {
    const alphabet = rand(10) === 0 ? '0123456789.-e+ aN' : '0123456789';
    let s = rand(4) === 0 ? '-' : '';
    const len = 1 + rand(18);
    for (let i = 0; i < len; i++) s += alphabet[rand(alphabet.length)];
    if (rand(2)) s = `${s.slice(0, 1 + rand(s.length))}.${s.slice(1 + rand(s.length))}`;
    return s;
  });
  for (const v of [...fixed, ...random]) {
    const text = `"x":"${v}"]`;
    assert.ok(Object.is(numberIn(text, 5, 5 + v.length), Number(v)), `${JSON.stringify(v)}: ${numberIn(text, 5, 5 + v.length)} against ${Number(v)}`);
  }
});

test('indexSeries sizes its arrays to the series the answer holds', () => {
  const body = answer(Array.from({ length: 3000 }, (_, i) => ({ metric: { instance: `h${i}:9100` }, value: [1, String(i / 7)] })));
  const index = indexSeries(body)!;
  assert.equal(index.count, 3000);
  assert.equal(index.values.length, 3000);
  assert.equal(index.bounds.length, 6000);
  assert.deepEqual([...index.values.slice(0, 3)], [0, 1 / 7, 2 / 7].map((v) => Number(String(v))));
});
