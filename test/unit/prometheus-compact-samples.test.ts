import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactSamples, compactSource, StringTable, type CompactSamples } from '../../providers/prometheus/compact-samples.js';
import { samplesOf } from '../../providers/prometheus/series-labels.js';
import { parseVector } from '../../providers/prometheus/http-query.js';

const expandSamples = (c: CompactSamples) => samplesOf(compactSource(c));
const answer = (result: unknown[]) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });

test('compact samples expand to what parseVector gave: the same labels in the same order, the same values, none, one or many labels', () => {
  const parsed = parseVector(
    answer([
      { metric: { instance: 'web1:9100', mountpoint: '/', device: '/dev/vda1', fstype: 'ext4' }, value: [1, '107374182400'] },
      { metric: { instance: 'web2:9100' }, value: [1, '0.5'] },
      { metric: {}, value: [1, '-3'] },
      { metric: { device: '/dev/vdb1', instance: 'web1:9100', mountpoint: '/data' }, value: [1, '1e-9'] },
    ]),
  );
  const c = compactSamples(parsed, new StringTable());
  const back = expandSamples(c);
  assert.deepEqual(back, parsed);
  assert.deepEqual(back.map((s) => Object.keys(s.metric)), parsed.map((s) => Object.keys(s.metric)), 'label order kept');
  assert.deepEqual(expandSamples(compactSamples([], new StringTable())), []);
});

test('compact samples hold each distinct string once across the answers kept together', () => {
  const strings = new StringTable();
  const a = compactSamples(parseVector(answer([{ metric: { instance: 'web1:9100', nodename: 'web1' }, value: [1, '1'] }])), strings);
  const b = compactSamples(parseVector(answer([{ metric: { instance: 'web1:9100' }, value: [1, '4'] }, { metric: { instance: 'web1:9100' }, value: [1, '8'] }])), strings);
  assert.deepEqual([...strings.list].sort(), ['instance', 'nodename', 'web1', 'web1:9100']);
  assert.deepEqual([...b.labels].map((id) => strings.list[id]), ['instance', 'web1:9100', 'instance', 'web1:9100']);
  assert.deepEqual([...a.values, ...b.values], [1, 4, 8]);
});

test('a "__proto__" label from a hostile server stays a label: the expanded object keeps its prototype and the label as its own property', () => {
  const parsed = parseVector('{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__proto__":"x","instance":"h:9100"},"value":[1,"2"]}]}}');
  assert.equal(Object.hasOwn(parsed[0]!.metric, '__proto__'), true);
  const back = expandSamples(compactSamples(parsed, new StringTable()))[0]!;
  assert.equal(Object.getPrototypeOf(back.metric), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(back.metric, '__proto__')?.value, 'x');
  assert.equal(back.metric['instance'], 'h:9100');
  assert.deepEqual(Object.keys(back.metric), ['__proto__', 'instance']);
});

test('the string table numbers each distinct string once, found by the text it is in, however many it holds', () => {
  const table = new StringTable();
  const words = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `h${i}` : `host-${i}.example.org:9100`));
  const ids = words.map((w) => table.id(w));
  assert.deepEqual(ids, words.map((_, i) => i), 'new strings numbered in order');
  assert.deepEqual(words.map((w) => table.id(w)), ids, 'the same numbers again, past the table growing');
  const text = `{"instance":"${words[4321]}","x":""}`;
  const from = text.indexOf(words[4321]!);
  assert.equal(table.idIn(text, from, from + words[4321]!.length), 4321, 'found inside a longer text');
  assert.equal(table.idIn(text, from, from + 4), table.list.length - 1, 'a start of it is another string');
  assert.equal(table.list.at(-1), 'host');
  assert.equal(table.idIn(text, text.length - 2, text.length - 2), table.id(''), 'the empty string too');
  assert.equal(new Set(table.list).size, table.list.length);
});
