import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, CappedBuffer, MAX_LINE_CHARS, lineCutMarker } from '../../src/ssh/line-splitter.js';

test('line splitter buffers partial lines and whole UTF-8 sequences', () => {
  const s = new LineSplitter();
  const euro = Buffer.from('€'); // 3 bytes
  assert.deepEqual(s.push(Buffer.from('one\ntw')), ['one']);
  assert.deepEqual(s.push(Buffer.concat([Buffer.from('o '), euro.subarray(0, 1)])), []);
  assert.deepEqual(s.push(Buffer.concat([euro.subarray(1), Buffer.from('\r\nthree')]) ), ['two €']);
  assert.deepEqual(s.flush(), ['three']);
  assert.deepEqual(s.flush(), []);
});

test('line splitter passes ESC sequences raw and survives invalid bytes', () => {
  const s = new LineSplitter();
  const lines = s.push(Buffer.from([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x41, 0xff, 0xfe, 0x0a]));
  assert.deepEqual(lines, ['\x1b[31mA\ufffd\ufffd']);
});

test('an overlong line is cut at the maximum length with a marker, and the rest of it is dropped', () => {
  const s = new LineSplitter(4);
  const marker = lineCutMarker(4);
  assert.deepEqual(s.push(Buffer.from('abcdefghij')), [`abcd${marker}`], 'handed over as soon as it is too long');
  assert.deepEqual(s.push(Buffer.from('klmnop')), [], 'the rest of that line is dropped');
  assert.deepEqual(s.push(Buffer.from('qr\nok\n123456789\nxy')), ['ok', `1234${marker}`]);
  assert.deepEqual(s.flush(), ['xy']);
  const t = new LineSplitter(4);
  t.push(Buffer.from('abcdefg'));
  assert.deepEqual(t.flush(), [], 'a cut line ending with the stream adds nothing more');
});

test('one huge line in many chunks keeps memory bounded: one cut line, then the next lines', () => {
  const s = new LineSplitter();
  const out: string[] = [];
  const chunk = Buffer.alloc(64 * 1024, 'x');
  for (let i = 0; i < 200; i++) out.push(...s.push(chunk)); // 12.5 MiB without a newline
  out.push(...s.push(Buffer.from('\nnext line\n')));
  assert.deepEqual(out.map((l) => l.length), [MAX_LINE_CHARS + lineCutMarker(MAX_LINE_CHARS).length, 'next line'.length]);
  assert.ok(out[0]!.endsWith('[line cut at 16384 characters]'));
  assert.equal(out[1], 'next line');
});

test('capped buffer keeps the first bytes and flags truncation', () => {
  const b = new CappedBuffer(5);
  b.push(Buffer.from('abc'));
  b.push(Buffer.from('defg'));
  b.push(Buffer.from('h'));
  assert.equal(b.text(), 'abcde');
  assert.equal(b.truncated, true);
});
