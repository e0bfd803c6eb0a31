// The first paint (drawn before Ink is loaded) must show what the console's first Ink frame shows,
// or the screen would visibly change under the operator a second after start.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { firstPaintFrame } from '../../views/terminal/first-paint.js';
import { styled, colorCode } from '../../views/terminal/ansi-style.js';
import { DEFAULT_THEME, NO_COLOR_THEME } from '../../views/theme.js';
import { fleetStore, RecordingIntents } from './views-fixtures.js';
import { hostRowsOf } from '../../src/store/selectors.js';
import { firstFrameRows } from '../../src/store/screen-rows.js';

afterEach(() => cleanup());

const ANSI = /\u001b\[[0-9;]*m/g;
// Ages tick every second: compare them as shapes, not values.
const plain = (frame: string) =>
  frame
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.replace(/\b\d+(ms|s|m|h|d)\b/g, '#$1').trimEnd());

for (const readOnly of [false, true]) {
  test(`the first paint has the same rows as Ink's first grid frame${readOnly ? ' (read-only)' : ''}`, () => {
    const store = fleetStore({ readOnly });
    const r = render(<App store={store} intents={new RecordingIntents(store)} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
    const ink = plain(r.lastFrame() ?? '');
    const early = plain(firstPaintFrame({ data: store.getState(), screen: firstFrameRows(hostRowsOf(store.getState(), Date.now())), theme: NO_COLOR_THEME, columns: 100, rows: 24, now: Date.now() }));
    // Ink's frame is always rows - 1 high (App pads it); the first paint stops after the footer.
    assert.deepEqual(ink.slice(0, early.length), early);
    assert.ok(ink.slice(early.length).every((l) => l === ''), 'nothing below the footer');
    assert.ok(early.some((l) => l.includes('web2')) && early.some((l) => /\/5 sort:name/.test(l)), early.join('\n'));
    if (readOnly) assert.match(early[0]!, /READ-ONLY/);
  });
}

test('the first paint colours cells as the theme says: a failed host red, the selected row inverse', () => {
  const store = fleetStore();
  const frame = firstPaintFrame({ data: store.getState(), screen: firstFrameRows(hostRowsOf(store.getState(), Date.now())), theme: DEFAULT_THEME, columns: 100, rows: 24, now: Date.now() });
  const web2 = frame.split('\n').find((l) => l.includes('web2'))!;
  assert.ok(web2.includes(styled('critical'.padEnd(12), { color: 'red' })), JSON.stringify(web2)); // state column (and its gap) in the health colour: a critical host reads "critical", never a red "ok"
  const selected = frame.split('\n').find((l) => l.includes('\u001b[7'))!;
  assert.ok(selected.replace(ANSI, '').startsWith('cache1'), 'the first host by name is selected');
});

test('colour names and #rrggbb map to SGR for 16, 256 and 24-bit terminals', () => {
  assert.equal(colorCode('red', 8), '31');
  assert.equal(colorCode('greenBright', 8), '92');
  assert.equal(colorCode('#ff0000', 24), '38;2;255;0;0');
  assert.equal(colorCode('#ff0000', 8), '38;5;196');
  assert.equal(colorCode('nonsense', 24), undefined);
  assert.equal(styled('x', {}), 'x');
  assert.equal(styled('x', { bold: true, inverse: true, color: 'cyan' }), '\u001b[1;7;36mx\u001b[0m');
});

test('styled writes one SGR sequence per cell: bold, inverse, then the colour; nothing around empty or plain text', () => {
  assert.equal(styled('x', {}), 'x');
  assert.equal(styled('', { bold: true, color: 'red' }), '');
  assert.equal(styled('x', { bold: true }), '\u001b[1mx\u001b[0m');
  assert.equal(styled('x', { inverse: true }), '\u001b[7mx\u001b[0m');
  assert.equal(styled('x', { bold: true, inverse: true, color: 'red' }), '\u001b[1;7;31mx\u001b[0m');
  assert.equal(styled('x', { inverse: true, color: '#ff8000' }), '\u001b[7;38;2;255;128;0mx\u001b[0m');
  assert.equal(styled('x', { color: '#ff8000' }, 8), '\u001b[38;5;214mx\u001b[0m');
  assert.equal(styled('x', { color: 'no-such-colour' }), 'x');
});
