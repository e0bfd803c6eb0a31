// Our width measure must answer exactly as string-width (the one Ink measures with) does: it is
// the same rules, with the expensive parts built on first need (src/util/string-width.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import referenceWidth from 'string-width';
import { graphemes, stringWidth } from '../../src/util/string-width.js';

const DIST = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../..');

function differences(texts: Iterable<string>): string[] {
  const wrong: string[] = [];
  for (const t of texts) {
    const want = referenceWidth(t);
    const got = stringWidth(t);
    if (got !== want && wrong.length < 10) wrong.push(`${JSON.stringify(t)} (${[...t].map((c) => c.codePointAt(0)!.toString(16)).join(' ')}): ${got}, string-width ${want}`);
  }
  return wrong;
}

function* codePoints(from: number, to: number): Generator<string> {
  for (let c = from; c <= to; c++) yield String.fromCodePoint(c);
}

test('every code point of the Basic Multilingual Plane, alone, measures as string-width measures it', () => {
  assert.deepEqual(differences(codePoints(0, 0xffff)), []);
});

test('emoji, CJK extension and tag planes, alone, measure as string-width measures them', () => {
  assert.deepEqual(differences([...codePoints(0x1f000, 0x1faff), ...codePoints(0x20000, 0x200ff), ...codePoints(0xe0000, 0xe007f)]), []);
});

const SEQUENCES = [
  '', 'web01', 'é', 'e\u0301', 'e\u0301\u0301', '日本語', 'ｶﾞ', 'ﾊﾟｰﾃｨｰ', '\u1100\u1161', '\u1100\u1161\u11a8', '\u1100\u1100\u1161', '\u1100가',
  '👍', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇫🇷', '🇫', '1\u20e3', '1\ufe0f\u20e3', '#\u20e3', '❤', '❤\ufe0f', '☺\ufe0f', '⌚', '\u200d', '\u200b',
  'a\u200db', '\u0000', '\t', '\r\n', '\u001b[31mred\u001b[0m', '\u009b31mx', 'ab\u00adcd', '\u2028', '\u202e', '\ud800', '\udc00x', 'क्षि', 'ก่า', '…─│●▲▼◆✓✗',
  '\u0e33', '\u0903', 'x\u0903', '\uff21\uff9e', 'Ａ', '〜', '\u3000', '\ufeff', '\ufe0f', 'a\ufe0e', '\u{1f1e6}\u{1f1e8}\u{1f1e6}',
];

test('sequences (combining marks, ZWJ emoji, flags, keycaps, Hangul jamo, ANSI, controls) measure as string-width measures them', () => {
  assert.deepEqual(differences(SEQUENCES), []);
});

// A small seeded generator: the same strings every run.
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POOL = [
  ...'az09 -._~', '\u00e9', '\u00ad', '\u2026', '\u2500', '\u25cf', '\u25fd', '\u2614', '\u2764', '\u2194', '\u0301', '\u0903', '\u200d', '\u200b', '\ufe0f', '\ufe0e',
  '\u20e3', '\u{1f44d}', '\u{1f3fd}', '\u{1f1eb}', '\u{1f1f7}', '\u1100', '\u1161', '\u11a8', '\uac00', '\u65e5', '\uff76', '\uff9e', '\u0000', '\u001b', '\u0085', '\u3000', '\ud800',
];

test('random mixes of plain and tricky characters measure as string-width measures them, and split into the segmenter\'s graphemes', () => {
  const next = seeded(1302);
  const texts: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    let t = '';
    const n = 1 + Math.floor(next() * 8);
    for (let k = 0; k < n; k++) t += POOL[Math.floor(next() * POOL.length)];
    texts.push(t);
  }
  assert.deepEqual(differences(texts), []);
  const segmenter = new Intl.Segmenter();
  const split = texts.filter((t) => JSON.stringify(graphemes(t)) !== JSON.stringify(Array.from(segmenter.segment(t), (s) => s.segment)));
  assert.deepEqual(split.slice(0, 5), []);
});

test('a first frame of the grid (names, figures, box-drawing and state glyphs) is measured without building the segmenter and Unicode regexes', () => {
  // A fresh node: nothing else has measured anything yet.
  const script = `
    const { cellWidth, truncate, fit } = await import(${JSON.stringify(path.join(DIST, 'src/util/cell-width.js'))});
    const { fullMeasureBuilt } = await import(${JSON.stringify(path.join(DIST, 'src/util/string-width.js'))});
    const widths = ['web0001', '~0.42', '…', '─│┌┐└┘', '●▲▼◆✓✗↑↓', '·', '°C', 'é'].map(cellWidth);
    const cut = [truncate('web0001.example.org', 8), fit('●', 3, 'right')];
    const before = fullMeasureBuilt();
    const emoji = cellWidth('👍🏽');
    console.log(JSON.stringify({ widths, cut, before, after: fullMeasureBuilt(), emoji }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), {
    widths: [7, 5, 1, 6, 8, 1, 2, 1],
    cut: ['web0001…', '  ●'],
    before: false,
    after: true,
    emoji: 2,
  });
});
