import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeLine, sanitizeText } from '../../src/util/sanitize.js';

const ESC = '\u001b';
const BEL = '\u0007';

test('colour and cursor sequences are removed, text kept', () => {
  assert.equal(sanitizeLine(`${ESC}[31mred${ESC}[0m and ${ESC}[2J${ESC}[H plain`), 'red and  plain');
});

test('OSC title change and clipboard write are removed whole, with BEL or ST terminators', () => {
  assert.equal(sanitizeLine(`a${ESC}]0;pwned${BEL}b`), 'ab');
  assert.equal(sanitizeLine(`a${ESC}]52;c;ZXZpbA==${ESC}\\b`), 'ab');
  assert.equal(sanitizeLine(`x${ESC}]8;;http://evil${ESC}\\link${ESC}]8;;${ESC}\\y`), 'xlinky');
});

test('DCS, APC, PM and 8-bit C1 introducers are removed', () => {
  assert.equal(sanitizeLine(`a${ESC}P1$r0m${ESC}\\b`), 'ab');
  assert.equal(sanitizeLine(`a${ESC}_payload${ESC}\\b`), 'ab');
  assert.equal(sanitizeLine('a\u009b31mb'), 'ab');
  assert.equal(sanitizeLine('a\u009d0;t\u0007b'), 'ab');
});

test('unterminated OSC swallows the rest of the line rather than leaking', () => {
  assert.equal(sanitizeLine(`ok ${ESC}]0;never ends`), 'ok ');
});

test('C0 controls, DEL and carriage returns are dropped; tabs become spaces', () => {
  assert.equal(sanitizeLine('a\u0000b\u0008c\rd\u007fe\tf'), 'abcde    f');
});

test('the result never contains ESC or C1 bytes, whatever the input', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const len = Math.floor(rand() * 40);
    for (let j = 0; j < len; j++) s += String.fromCharCode(rand() < 0.3 ? Math.floor(rand() * 0xa0) : 0x20 + Math.floor(rand() * 0x5f));
    const out = sanitizeLine(s);
    assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(out), JSON.stringify(s) + ' -> ' + JSON.stringify(out));
  }
});

test('sanitizeText keeps line structure', () => {
  assert.equal(sanitizeText(`one${ESC}[1m\r\ntwo\nthree`), 'one\ntwo\nthree');
});
