// The README screenshot converter (tools/ansi-svg.ts): tmux's SGR output to styled runs at the
// right columns, and runs to an SVG that holds only escaped text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ansiToSvg, applySgr, escapeXml, parseAnsi, PLAIN, runsToSvg, xterm256 } from '../../tools/ansi-svg.js';

const E = '\x1b';

test('SGR codes become styled runs; plain text keeps the default style', () => {
  const [row] = parseAnsi(`${E}[1m${E}[36mremlite${E}[0m${E}[39m${E}[49m  3 hosts${E}[32m  3 ok${E}[39m\n`);
  assert.deepEqual(
    row!.map((r) => [r.col, r.text, r.style.fg, r.style.bold]),
    [
      [0, 'remlite', '#00cdcd', true],
      [7, '  3 hosts', undefined, false],
      [16, '  3 ok', '#00cd00', false],
    ],
  );
});

test('the style carries over line ends, as tmux emits only changes', () => {
  const rows = parseAnsi(`${E}[90mfleet\nnext${E}[0m done\n`);
  assert.equal(rows.length, 2);
  assert.equal(rows[1]![0]!.text, 'next');
  assert.equal(rows[1]![0]!.style.fg, '#7f7f7f');
  assert.equal(rows[1]![1]!.style.fg, undefined);
});

test('combined, bright, 256-colour and truecolour parameters', () => {
  let s = applySgr(PLAIN, [0, 7]);
  assert.equal(s.inverse, true);
  s = applySgr(s, [27, 91, 104]);
  assert.deepEqual([s.inverse, s.fg, s.bg], [false, '#ff0000', '#5c5cff']);
  s = applySgr(s, [38, 5, 196, 48, 2, 1, 2, 3, 1]);
  assert.deepEqual([s.fg, s.bg, s.bold], ['#ff0000', '#010203', true]);
  assert.equal(xterm256(16), '#000000');
  assert.equal(xterm256(231), '#ffffff');
  assert.equal(xterm256(244), '#808080');
  const [row] = parseAnsi(`${E}[38:2::10:20:30mx${E}[;4my`);
  assert.equal(row![0]!.style.fg, '#0a141e');
  assert.deepEqual([row![1]!.style.fg, row![1]!.style.underline], [undefined, true]);
});

test('other escape sequences and control characters take no cells', () => {
  const [row] = parseAnsi(`a${E}[2K${E}]0;title\x07b${E}]8;;http://x${E}\\c${E}[?25l\x00\x7fd\te`);
  assert.deepEqual(row!.map((r) => [r.col, r.text]), [[0, 'abcd    e']]);
  assert.equal(row![0]!.width, 9);
});

test('a wide character takes two columns and the next run starts after it', () => {
  const [row] = parseAnsi(`漢${E}[31mx`);
  assert.deepEqual(row!.map((r) => [r.col, r.width]), [[0, 2], [2, 1]]);
});

test('the SVG escapes text, places runs by column, draws backgrounds and cuts at the size', () => {
  const svg = ansiToSvg(`${E}[7m<a & "b">${E}[0m\n${E}[41m  ${E}[0mred\n0123456789ABC\nrow 4\n`, { cols: 10, rows: 3, title: 'a & b' });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="108" height="78"/);
  assert.match(svg, /<title>a &amp; b<\/title>/);
  assert.ok(svg.includes('&lt;a &amp; &quot;b&quot;&gt;'), svg);
  // Inverse: default foreground as background, default background as text colour.
  assert.match(svg, /<rect x="12" y="12" width="75.6" height="18" fill="#e5e5e5"\/>/);
  assert.match(svg, /<tspan x="12" fill="#121212" textLength="75.6">&lt;a &amp; &quot;b&quot;&gt;<\/tspan>/);
  // The red background of two blank cells, then "red" at column 2 (12 + 2 * 8.4).
  assert.match(svg, /<rect x="12" y="30" width="16.8" height="18" fill="#cd0000"\/>/);
  assert.match(svg, /<tspan x="28.8" fill="#e5e5e5" textLength="25.2">red<\/tspan>/);
  assert.ok(svg.includes('>0123456789</tspan>') && !svg.includes('ABC') && !svg.includes('row 4'));
  // Nothing unescaped between tags.
  for (const text of svg.split(/<[^>]*>/)) assert.ok(!/[<>]|&(?!(amp|lt|gt|quot|apos);)/.test(text), text);
  assert.equal(escapeXml(`'`), '&apos;');
});

test('runs past the last column are cut by cells, never through a wide character', () => {
  const svg = runsToSvg(parseAnsi('abc漢字'), { cols: 6, rows: 1 });
  assert.ok(svg.includes('>abc漢</tspan>'), svg);
});
