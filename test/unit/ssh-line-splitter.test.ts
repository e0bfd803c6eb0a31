import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, CappedBuffer } from '../../src/ssh/line-splitter.js';

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

test('line splitter cuts overlong lines', () => {
  const s = new LineSplitter(4);
  assert.deepEqual(s.push(Buffer.from('abcdefghij')), ['abcd', 'efgh']);
  assert.deepEqual(s.flush(), ['ij']);
});

test('capped buffer keeps the first bytes and flags truncation', () => {
  const b = new CappedBuffer(5);
  b.push(Buffer.from('abc'));
  b.push(Buffer.from('defg'));
  b.push(Buffer.from('h'));
  assert.equal(b.text(), 'abcde');
  assert.equal(b.truncated, true);
});
