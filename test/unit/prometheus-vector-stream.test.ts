import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVector } from '../../providers/prometheus/http-query.js';
import { compactSource, StringTable, type CompactSamples } from '../../providers/prometheus/compact-samples.js';
import { numberIn, samplesOf, type SeriesLabels } from '../../providers/prometheus/series-labels.js';
import { MAX_SERIES_CHARS, valueEnd, VectorStream } from '../../providers/prometheus/vector-stream.js';

/** An answer as Prometheus writes it (Go's encoder and JSON.stringify write the same bytes for these). */
const answer = (result: unknown[]) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
const series = (metric: Record<string, unknown>, v: string, ts = 1796250530.018) => ({ metric, value: [ts, v] });

/** The answer read as it arrives in pieces, cut at `cuts` (ascending). */
function streamed(body: string, cuts: number[] = [], strings = new StringTable()): CompactSamples {
  const stream = new VectorStream(strings);
  let at = 0;
  for (const cut of [...cuts, body.length]) {
    stream.write(body.slice(at, cut));
    at = cut;
  }
  return stream.end();
}

/** Ways an answer may arrive: whole, cut once anywhere (every place for a short answer), in 1 to 3 character pieces, and cut at random. */
function chunkings(body: string, rand: (n: number) => number): number[][] {
  const out: number[][] = [[]];
  const step = Math.max(1, Math.floor(body.length / 150));
  for (let i = 0; i <= body.length; i += step) out.push([i]);
  const small: number[] = [];
  for (let i = 1 + rand(3); i < body.length; i += 1 + rand(3)) small.push(i);
  out.push(small);
  for (let k = 0; k < 5; k++) out.push(Array.from({ length: 1 + rand(6) }, () => rand(body.length + 1)).sort((a, b) => a - b));
  return out;
}

/** A fixed seed: the same cases every run. */
function xorshift(start: number) {
  let seed = start;
  return (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
}

/** What the mapping would read: each series' labels by name, all of them, and its value. */
function visited(samples: CompactSamples, names: string[]) {
  const out: { got: (string | undefined)[]; all: Record<string, string>; value: number }[] = [];
  compactSource(samples)((labels: SeriesLabels, value) => {
    const got = names.map((n) => labels.get(n));
    names.forEach((n, i) => {
      const v = got[i];
      if (v === undefined) return assert.equal(labels.is(n, ''), false, `no ${n}: is('') is false`);
      assert.equal(labels.is(n, v), true, `is(${n}, ${v})`);
      assert.equal(labels.is(n, `${v}x`), false);
    });
    const all = labels.all();
    // source() is the label set's JSON: read back, the same labels in the same order.
    const back = JSON.parse(labels.source()) as Record<string, string>;
    assert.deepEqual(Object.entries(back), Object.entries(all), `source() of ${labels.source().slice(0, 80)}`);
    out.push({ got, all, value });
  });
  return out;
}

/** However it arrives, the answer read is parseVector's: the same samples, labels in the same order, and each label read by name. */
function assertSameAsParse(body: string, names: string[], rand = xorshift(99)) {
  const parsed = parseVector(body);
  for (const cuts of chunkings(body, rand)) {
    const samples = streamed(body, cuts);
    const read = samplesOf(compactSource(samples));
    assert.deepEqual(read, parsed, `cut at ${cuts.join(',')}: ${body.slice(0, 100)}`);
    assert.deepEqual(read.map((s) => Object.keys(s.metric)), parsed.map((s) => Object.keys(s.metric)), 'label order');
  }
  const byName = visited(streamed(body), names);
  parsed.forEach((s, i) => assert.deepEqual(byName[i]!.got, names.map((n) => (Object.hasOwn(s.metric, n) ? s.metric[n] : undefined)), `series ${i} read by name`));
}

/** The error parseVector gives for `body`, which every way of reading it as it arrives gives too. */
function assertSameError(body: string, rand = xorshift(7)) {
  let expected: Error | undefined;
  try {
    parseVector(body);
  } catch (err) {
    expected = err as Error;
  }
  assert.ok(expected, `parseVector refuses ${body.slice(0, 80)}`);
  for (const cuts of chunkings(body, rand)) assert.throws(() => streamed(body, cuts), (e: Error) => e.message === expected!.message, `cut at ${cuts.join(',')}: ${body.slice(0, 80)}`);
}

test("an answer written the usual way is read as it arrives, with parseVector's samples, however it is cut", () => {
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
  assertSameAsParse(body, ['instance', 'mountpoint', 'device', 'fstype', 'odd', 'value', 'note', 'missing']);
  assert.deepEqual([...streamed(body).values], [107374182400, 0.5, -3, 1e-9, 7, 0], 'NaN and infinities left out, as parseVector does');
  assert.deepEqual(samplesOf(compactSource(streamed(answer([])))), [], 'no series');
});

test('a label is read from its own series only, and a value that looks like a name is not a name', () => {
  const body = answer([series({ instance: 'a:9100', name: 'x.service' }, '1'), series({ other: 'b' }, '2'), series({ a: 'name', b: 'instance' }, '3')]);
  const got = visited(streamed(body), ['instance', 'name']);
  assert.deepEqual(got.map((g) => g.got), [['a:9100', 'x.service'], [undefined, undefined], [undefined, undefined]]);
});

test('a repeated label name keeps its last value, and "__proto__" stays a label, as JSON.parse has them', () => {
  const body = '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a:1","instance":"b:2","__proto__":"x"},"value":[1,"2"]}]}}';
  const [one] = visited(streamed(body), ['instance', '__proto__']);
  assert.deepEqual(one!.got, ['b:2', 'x']);
  assert.equal(Object.getPrototypeOf(one!.all), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(one!.all, '__proto__')?.value, 'x');
  assert.deepEqual(Object.keys(one!.all), ['instance', '__proto__']);
  assertSameAsParse(body, ['instance', '__proto__']);
});

test('series and answers written any other way are read by JSON.parse, with the same samples and the same errors', () => {
  const others = [
    // escapes: a quote, a backslash, Go's \u003c for <, a control character
    answer([series({ instance: 'a"b:9100' }, '1'), series({ instance: 'c:9100' }, '2')]),
    answer([series({ path: 'C:\\x' }, '1')]),
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"\\u003cb\\u003e"},"value":[1,"1"]}]}}',
    answer([series({ instance: 'a\u0007' }, '1')]),
    // warnings after the data, spaces, fields in another order
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1,"1"]}]},"warnings":["slow"]}',
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"}, "value":[1,"1"]}]}}',
    '{"status":"success","data":{"resultType":"vector","result":[ {"metric":{"instance":"a"},"value":[1,"1"]} ,\n{"metric":{},"value":[1,"2"]} ] }}',
    '{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1"],"metric":{"instance":"a"}}]}}',
    '{"data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1,"1"]}]},"status":"success"}',
    // a result written twice: JSON.parse keeps the last
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1,"1"]}],"result":[{"metric":{"instance":"b"},"value":[1,"2"]}]}}',
    // a hostile server: a label value that is not a string, a label set that is not an object, an odd timestamp, entries that are no series
    answer([series({ instance: 'b', n: 5 }, '1'), { metric: ['x'], value: [1, '1'] }, { metric: null, value: [1, '1'] }]),
    answer([series({ instance: 'b' }, '1', 1e21), { metric: { instance: 'c' }, value: ['1', '2'] }, { metric: { instance: 'd' }, value: [1, 2] }]),
    answer([1, 'x', null, true, [series({ instance: 'e' }, '1')], series({ instance: 'f' }, '2')]),
  ];
  for (const body of others) assertSameAsParse(body, ['instance', 'path', 'n']);
  const broken = [
    '',
    '<html>',
    '{"status":"succ',
    answer([series({ instance: 'a' }, '1')]) + 'x',
    answer([series({ instance: 'a' }, '1')]).slice(0, -1),
    answer([series({ instance: 'a' }, '1')]).slice(0, -10),
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1,"1"]},]}}',
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"},"value":[1,"1"]}{"metric":{},"value":[1,"1"]}]}}',
    '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"a"]},"value":[1,"1"]}]}}',
    '{"status":"success","data":{"resultType":"vector","result":[tru]}}',
    '{"status":"success","data":{"resultType":"vector","result":[]},"status":"error","error":"late"}',
    JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error\u001b[2J' }),
    JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
  ];
  for (const body of broken) assertSameError(body);
});

test('random label sets (quotes, backslashes, braces, commas, colons, non-ASCII), cut anywhere: always what JSON.parse reads', () => {
  const rand = xorshift(0x2545f491);
  const alphabet = ['a', 'b', ':', ',', '{', '}', '[', ']', '"', '\\', 'é', '✓', ' ', '9', '<', '&', '\u007f', '"value":[', '"]}'];
  const word = () => Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join('');
  const names = ['a', 'b', 'instance', 'name', 'value', 'metric', ':', 'a"b'];
  for (let round = 0; round < 150; round++) {
    const result = Array.from({ length: rand(5) }, () => {
      const metric: Record<string, string> = {};
      for (let k = rand(4); k > 0; k--) metric[rand(3) === 0 ? word() : names[rand(names.length)]!] = word();
      return series(metric, String(rand(1000) / 8));
    });
    assertSameAsParse(answer(result), names, rand);
  }
});

test('each distinct string is held once across the answers read together, and a series is read whatever pieces it spans', () => {
  const strings = new StringTable();
  const hosts = Array.from({ length: 300 }, (_, i) => `host-with-a-long-name-${i}.example:9100`);
  const a = answer(hosts.map((h) => series({ instance: h, mountpoint: '/' }, '1')));
  const b = answer(hosts.map((h, i) => series({ instance: h }, String(i))));
  const read = [streamed(a, [17, 4000, 4001, 9000], strings), streamed(b, [], strings)];
  assert.equal(strings.list.length, 2 + 300 + 1, 'the two names, each host once, the mountpoint');
  assert.deepEqual(samplesOf(compactSource(read[1]!)), parseVector(b));
  assert.deepEqual(samplesOf(compactSource(read[0]!)), parseVector(a));
});

test('a series longer than MAX_SERIES_CHARS that has not ended is refused while it arrives, not held', () => {
  const stream = new VectorStream(new StringTable());
  stream.write('{"status":"success","data":{"resultType":"vector","result":[{"metric":{"instance":"');
  const piece = 'x'.repeat(64 * 1024);
  assert.throws(() => {
    for (let sent = 0; sent <= MAX_SERIES_CHARS + piece.length; sent += piece.length) stream.write(piece);
  }, /a series longer than 1048576 characters/);
  // Written whole in one piece, a long plain series is read.
  const long = answer([series({ instance: 'y'.repeat(MAX_SERIES_CHARS) }, '1')]);
  assert.equal(samplesOf(compactSource(streamed(long)))[0]!.metric['instance']!.length, MAX_SERIES_CHARS);
});

test('valueEnd finds where a JSON value ends, or says the text ended first', () => {
  const cases: [string, number][] = [
    ['{"a":"}"} tail', 9],
    ['{"a":{"b":[1,{"c":"\\""}]}},', 26],
    ['[1,[2],"]"],', 11],
    ['"a\\"b",', 6],
    ['123,', 3],
    ['null]', 4],
    ['{"a":"}', -1],
    ['"abc', -1],
    ['12', -1],
  ];
  for (const [text, end] of cases) assert.equal(valueEnd(text, 0), end, text);
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
