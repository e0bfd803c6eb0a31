import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { layoutColumns, Table, windowStart, type Column } from '../../views/Table.js';
import { findLine, lineSeverity, logWindow, splitMatches } from '../../views/log-window.js';
import { pickTheme, NO_COLOR_THEME, HIGH_CONTRAST_THEME, DEFAULT_THEME } from '../../views/theme.js';
import { chunk, fit, truncate } from '../../views/text.js';
import { startTui } from '../../views/terminal/start-tui.js';
import { fakeTty } from '../support/fake-terminal.js';
import { LEAVE_ALT_SCREEN } from '../../views/terminal/frame-writer.js';
import { MOUSE_OFF, MOUSE_ON, translateMouse, wheelOf } from '../../views/terminal/mouse.js';
import { fleetStore, RecordingIntents } from './views-fixtures.js';

afterEach(() => cleanup());

test('truncate / fit / chunk', () => {
  assert.equal(truncate('abcdef', 4), 'abc…');
  assert.equal(truncate('abc', 4), 'abc');
  assert.equal(fit('ab', 4, 'right'), '  ab');
  assert.equal(fit('abcdef', 4), 'abc…');
  assert.deepEqual(chunk('abcdefg', 3), ['abc', 'def', 'g']);
});

test('layoutColumns drops columns by dropOrder and shares the rest with flex columns', () => {
  const cols: Column<object>[] = [
    { key: 'name', header: 'N', width: 'flex', minWidth: 10 },
    { key: 'a', header: 'A', width: 20, dropOrder: 2 },
    { key: 'b', header: 'B', width: 20, dropOrder: 1 },
    { key: 'c', header: 'C', width: 10 },
  ];
  const wide = layoutColumns(cols, 100);
  assert.deepEqual(wide.map((l) => [l.column.key, l.width]), [['name', 47], ['a', 20], ['b', 20], ['c', 10]]);
  const narrow = layoutColumns(cols, 45);
  assert.deepEqual(narrow.map((l) => l.column.key), ['name', 'a', 'c']);
  const tiny = layoutColumns(cols, 15);
  assert.ok(tiny.reduce((n, l) => n + l.width, 0) + tiny.length - 1 <= 15);
});

test('windowStart keeps the selection visible', () => {
  assert.equal(windowStart(5, 4, 10), 0);
  assert.equal(windowStart(100, 0, 10), 0);
  assert.equal(windowStart(100, 50, 10), 45);
  assert.equal(windowStart(100, 99, 10), 90);
});

test('Table renders only the visible window, with a header, truncated to its width', async () => {
  const data = Array.from({ length: 1000 }, (_, i) => ({ name: `host-${i}-with-a-very-long-name`, n: i }));
  const { lastFrame } = render(
    <Table data={data} columns={[{ key: 'name', header: 'NAME', width: 12 }, { key: 'n', header: 'N', width: 4, align: 'right' }]} selectedIndex={500} height={5} width={17} />,
  );
  const lines = (lastFrame() ?? '').split('\n');
  assert.equal(lines.length, 6);
  assert.equal(lines[0]?.trimEnd(), 'NAME            N');
  assert.deepEqual(lines.slice(1).map((l) => l.trim().split(/\s+/)[1]), ['498', '499', '500', '501', '502']);
  assert.equal(lines[1], 'host-498-wi…  498');
});

test('log window: follow shows the newest lines, paused shows from top, wrap splits rows', () => {
  const lines = ['one', 'two', 'three', 'four-is-long'];
  assert.deepEqual(logWindow(lines, { height: 2, width: 20, wrap: false, follow: true, top: 0 }).map((r) => r.text), ['three', 'four-is-long']);
  assert.deepEqual(logWindow(lines, { height: 2, width: 20, wrap: false, follow: false, top: 1 }).map((r) => r.text), ['two', 'three']);
  assert.deepEqual(logWindow(lines, { height: 2, width: 5, wrap: false, follow: true, top: 0 }).map((r) => r.text), ['three', 'four…']);
  assert.deepEqual(logWindow(lines, { height: 3, width: 5, wrap: true, follow: true, top: 0 }).map((r) => r.text), ['four-', 'is-lo', 'ng']);
  assert.equal(findLine(lines, 'TW', 3, -1), 1);
  assert.equal(findLine(lines, 'o', 2, -1), 1);
  assert.equal(findLine(lines, 'zzz', 0, 1), -1);
  assert.deepEqual(splitMatches('Disk disk', 'disk'), [{ text: 'Disk', match: true }, { text: ' ', match: false }, { text: 'disk', match: true }]);
  assert.equal(lineSeverity('sshd: Failed password'), 'error');
  assert.equal(lineSeverity('kernel: WARNING: cpu'), 'warning');
  assert.equal(lineSeverity('all good'), undefined);
});

test('NO_COLOR wins over the theme variant', () => {
  assert.equal(pickTheme('high-contrast', { NO_COLOR: '1' }), NO_COLOR_THEME);
  assert.equal(pickTheme('high-contrast', {}), HIGH_CONTRAST_THEME);
  assert.equal(pickTheme('default', { NO_COLOR: '' }), DEFAULT_THEME);
  assert.equal(NO_COLOR_THEME.critical, undefined);
});

test('startTui: q ends the UI and hands the terminal back (raw mode off, cursor shown)', async () => {
  const tty = fakeTty();
  const store = fleetStore();
  const ui = startTui({ store, intents: new RecordingIntents(store), stdin: tty.stdin, stdout: tty.stdout });
  await new Promise((r) => setTimeout(r, 50));
  assert.match(tty.written(), /web1/);
  assert.equal(tty.stdin.rawModes[0], true);
  tty.stdin.write('q');
  await ui.waitUntilExit();
  assert.equal(tty.stdin.rawModes.at(-1), false);
  assert.ok(tty.written().endsWith('\u001b[?25h'), 'cursor shown last');
});

test('startTui: SIGTERM unmounts and restores the terminal', async () => {
  const tty = fakeTty();
  const store = fleetStore();
  const ui = startTui({ store, intents: new RecordingIntents(store), stdin: tty.stdin, stdout: tty.stdout });
  await new Promise((r) => setTimeout(r, 50));
  const before = process.exitCode;
  process.emit('SIGTERM', 'SIGTERM');
  await ui.waitUntilExit();
  assert.equal(process.exitCode, 143);
  process.exitCode = before;
  assert.equal(tty.stdin.rawModes.at(-1), false);
  assert.ok(tty.written().endsWith('\u001b[?25h'));
});

test('translateMouse: a wheel turn becomes ↑/↓, clicks and other reports vanish, keys pass through', () => {
  const wheelUp = '\u001b[<64;10;5M';
  const wheelDown = '\u001b[<65;10;5M';
  assert.equal(translateMouse(wheelUp), '\u001b[A');
  assert.equal(translateMouse(wheelDown), '\u001b[B');
  assert.equal(translateMouse('\u001b[<69;1;1M'), '\u001b[B', 'with Shift held');
  assert.equal(translateMouse('\u001b[<0;10;5M\u001b[<0;10;5m'), '', 'a click (press and release)');
  assert.equal(translateMouse('\u001b[<66;10;5M'), '', 'sideways wheel');
  assert.equal(translateMouse('\u001b[M`!!'), '\u001b[A', 'legacy X10 wheel up (button 64 + 32)');
  assert.equal(translateMouse('\u001b[M !!'), '', 'legacy X10 click');
  assert.equal(translateMouse(`j${wheelDown}${wheelDown}k\u001b[A/`), 'j\u001b[B\u001b[Bk\u001b[A/');
  assert.equal(wheelOf(64 + 128), undefined);
  assert.equal(wheelOf(1), undefined);
});

test('startTui --mouse: reporting on at start, the wheel moves the selection, reporting off on exit', async () => {
  const tty = fakeTty();
  const store = fleetStore();
  const ui = startTui({ store, intents: new RecordingIntents(store), stdin: tty.stdin, stdout: tty.stdout, mouse: true });
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(tty.written().startsWith(MOUSE_ON) || tty.written().includes(MOUSE_ON), 'mouse reporting enabled');
  // cache1 is selected first (name order); a click changes nothing, one wheel notch down selects db1.
  tty.stdin.write('\u001b[<0;3;4M\u001b[<0;3;4m');
  await new Promise((r) => setTimeout(r, 50));
  tty.stdin.write('\u001b[<65;3;4M');
  await new Promise((r) => setTimeout(r, 50));
  tty.stdin.write('\r');
  await new Promise((r) => setTimeout(r, 80));
  assert.match(tty.written(), /db1\s+sshconfig\/ams2\s+pool db/);
  tty.stdin.write('q');
  await new Promise((r) => setTimeout(r, 50));
  tty.stdin.write('q');
  await ui.waitUntilExit();
  const out = tty.written();
  assert.ok(out.lastIndexOf(MOUSE_OFF) > out.lastIndexOf(MOUSE_ON), 'reporting off after it was turned on');
  assert.ok(out.lastIndexOf(MOUSE_OFF) > out.lastIndexOf('db1'), 'reporting off after the last frame');
  assert.ok(out.endsWith(LEAVE_ALT_SCREEN + '\u001b[?25h'), 'the shell screen back and the cursor shown, last');
});

test('startTui without --mouse never turns mouse reporting on', async () => {
  const tty = fakeTty();
  const store = fleetStore();
  const ui = startTui({ store, intents: new RecordingIntents(store), stdin: tty.stdin, stdout: tty.stdout });
  await new Promise((r) => setTimeout(r, 50));
  tty.stdin.write('q');
  await ui.waitUntilExit();
  assert.ok(!tty.written().includes('\u001b[?1000h'));
});
