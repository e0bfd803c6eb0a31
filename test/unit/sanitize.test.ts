import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sanitizeJson, sanitizeLine, sanitizeText } from '../../src/util/sanitize.js';

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

test('printable ASCII comes back as it is; one character outside it anywhere takes the whole line through the filters', () => {
  const ascii = Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i)).join('');
  assert.equal(sanitizeLine(ascii), ascii);
  for (const [bad, shown] of [['\u001b[31m', ''], ['\u0007', ''], ['\u007f', ''], ['\u009b', ''], ['\t', '    '], ['\u202e', '<U+202E>'], ['\u200b', '<U+200B>']] as const) {
    for (const at of [0, 10, ascii.length]) assert.equal(sanitizeLine(ascii.slice(0, at) + bad + ascii.slice(at)), ascii.slice(0, at) + shown + ascii.slice(at), JSON.stringify(bad));
  }
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

test('bidi controls and invisible characters are made visible, so one name cannot pass for another', () => {
  assert.equal(sanitizeLine('web1\u202e2bew'), 'web1<U+202E>2bew');
  assert.equal(sanitizeLine('\u2066db\u2069 \u200bweb1\ufeff'), '<U+2066>db<U+2069> <U+200B>web1<U+FEFF>');
  assert.equal(sanitizeLine('a\u2028b\u2029c\u200fd\u00ade'), 'a<U+2028>b<U+2029>c<U+200F>d<U+00AD>e');
  assert.equal(sanitizeLine('tag\udb40\udc41'), 'tag<U+E0041>');
  assert.notEqual(sanitizeLine('web\u200b1'), sanitizeLine('web1'));
  assert.equal(sanitizeLine('ordinary ünïcödé — ok €'), 'ordinary ünïcödé — ok €');
});

test('the result never holds a bidi or invisible character, whatever the input', () => {
  const pool = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\ufeff', '\u2028', '\u2029', '\u001b', '\u009b', 'a', ' ', '[', '2', 'J'];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 2000; i++) {
    const s = Array.from({ length: Math.floor(rand() * 30) }, () => pool[Math.floor(rand() * pool.length)]).join('');
    const out = sanitizeLine(s);
    assert.ok(!/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/.test(out), JSON.stringify(s) + ' -> ' + JSON.stringify(out));
  }
});

test('sanitizeJson cleans every string and key of a value, keeping its shape and other types', () => {
  const dirty = { name: 'web\u202e1', nested: [{ ['k\u009b2J']: 'x\u001b]0;t\u0007y', n: 3, b: true, z: null }], multi: 'a\u001b[31m\nb', u: undefined };
  const clean = sanitizeJson(dirty);
  assert.deepEqual(clean, { name: 'web<U+202E>1', nested: [{ k: 'xy', n: 3, b: true, z: null }], multi: 'a\nb', u: undefined });
  const json = JSON.stringify(clean);
  assert.ok(!/[\u0080-\u009f\u202a-\u202e]/.test(json), json);
});
