// The screen writer: only changed rows reach the terminal, each placed absolutely; a resize repaints all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import { render } from 'ink-testing-library';
import { fakeTty, screenOf } from '../support/fake-terminal.js';
import { waitFor } from '../support/wait-for.js';
import { startTui } from '../../views/terminal/start-tui.js';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { fleetStore, RecordingIntents } from './views-fixtures.js';
import { diffRows, ENTER_ALT_SCREEN, FrameWriter, LEAVE_ALT_SCREEN } from '../../views/terminal/frame-writer.js';

class Term extends EventEmitter {
  columns = 80;
  rows = 6;
  written: string[] = [];
  write(data: string): boolean {
    this.written.push(data);
    return true;
  }
}

const screen = (writes: string[], rows: number) => screenOf(writes.join(''), rows);

/** Manual clock and timers: paints are driven by the test, never by wall time. */
function clock() {
  let now = 0;
  const due: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    schedule: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn, live: true };
      due.push(t);
      return { cancel: () => (t.live = false) };
    },
    advance(ms: number) {
      now += ms;
      for (const t of due.splice(0)) if (t.live && t.at <= now) t.fn();
      else if (t.live) due.push(t);
    },
  };
}

test('diffRows places only the rows that differ and erases rows that went away', () => {
  assert.equal(diffRows(['a', 'b', 'c'], ['a', 'b', 'c']), '');
  const d = diffRows(['a', 'b', 'c'], ['a', 'B', 'c']);
  assert.equal(d, '\u001b[2;1HB\u001b[0m\u001b[K');
  const shorter = diffRows(['a', 'b', 'c'], ['a']);
  assert.ok(shorter.includes('\u001b[2;1H\u001b[0m\u001b[K') && shorter.includes('\u001b[3;1H\u001b[0m\u001b[K'));
});

test('the first frame takes the alternate screen and paints every row; later frames send only changes', () => {
  const term = new Term();
  const c = clock();
  const w = new FrameWriter(term, { now: c.now, schedule: c.schedule });
  w.frame('status 1\nrow a\nrow b\nfooter 1/3');
  assert.ok(term.written[0]!.startsWith(ENTER_ALT_SCREEN));
  assert.deepEqual(screen(term.written, term.rows).slice(0, 4), ['status 1', 'row a', 'row b', 'footer 1/3']);
  const before = term.written.length;
  c.advance(100);
  w.frame('status 1\nrow a\nrow b\nfooter 2/3');
  const sent = term.written.slice(before).join('');
  assert.ok(sent.includes('footer 2/3'));
  assert.ok(!sent.includes('row a') && !sent.includes('status 1'), `unchanged rows are not sent: ${JSON.stringify(sent)}`);
  assert.deepEqual(screen(term.written, term.rows).slice(0, 4), ['status 1', 'row a', 'row b', 'footer 2/3']);
  c.advance(100);
  w.frame('status 1\nrow a\nrow b\nfooter 2/3');
  assert.equal(term.written.length, before + 1, 'an identical frame writes nothing');
});

test('a shorter frame leaves no stale rows behind', () => {
  const term = new Term();
  const c = clock();
  const w = new FrameWriter(term, { now: c.now, schedule: c.schedule });
  w.frame('one\ntwo\nthree\nfour');
  c.advance(50);
  w.frame('one\nTWO');
  assert.deepEqual(screen(term.written, term.rows), ['one', 'TWO', '', '', '', '']);
});

test('frames arriving faster than the interval are coalesced: the latest one is painted', () => {
  const term = new Term();
  const c = clock();
  const w = new FrameWriter(term, { now: c.now, schedule: c.schedule, minIntervalMs: 16 });
  w.frame('n=1');
  const afterFirst = term.written.length;
  c.advance(5);
  w.frame('n=2');
  w.frame('n=3');
  assert.equal(term.written.length, afterFirst, 'nothing painted inside the interval');
  c.advance(11);
  assert.equal(term.written.length, afterFirst + 1);
  assert.deepEqual(screen(term.written, term.rows)[0], 'n=3');
  assert.ok(!term.written.join('').includes('n=2'), 'the superseded frame is never sent');
});

test('after a resize the next frame repaints the whole screen', () => {
  const term = new Term();
  const c = clock();
  const w = new FrameWriter(term, { now: c.now, schedule: c.schedule });
  w.frame('a\nb');
  c.advance(50);
  term.rows = 4;
  term.emit('resize');
  const before = term.written.length;
  w.frame('a\nb');
  const sent = term.written.slice(before).join('');
  assert.ok(sent.includes('\u001b[2J') && sent.includes('a') && sent.includes('b'));
});

test('rows beyond the terminal height are never sent', () => {
  const term = new Term();
  term.rows = 2;
  const w = new FrameWriter(term, { now: () => 0, schedule: () => ({ cancel() {} }) });
  w.frame('1\n2\n3\n4');
  assert.ok(!term.written.join('').includes('\u001b[3;1H'));
});

test('close paints what is pending, leaves the alternate screen, shows the cursor, and ignores later frames', () => {
  const term = new Term();
  const c = clock();
  const w = new FrameWriter(term, { now: c.now, schedule: c.schedule });
  w.frame('first');
  c.advance(1);
  w.frame('last');
  w.close();
  const all = term.written.join('');
  assert.ok(all.indexOf('last') < all.indexOf(LEAVE_ALT_SCREEN));
  assert.ok(all.endsWith('\u001b[?25h'));
  const n = term.written.length;
  w.frame('after');
  c.advance(100);
  w.close();
  assert.equal(term.written.length, n);
  assert.equal(term.listenerCount('resize'), 0);
});

test('the real console through Ink: the screen holds Ink\'s frame, and a key sends only the rows it changed', async () => {
  const tty = fakeTty(100, 24);
  const store = fleetStore();
  const ui = startTui({ store, intents: new RecordingIntents(store), stdin: tty.stdin, stdout: tty.stdout, theme: NO_COLOR_THEME });
  const reference = render(<App store={store} intents={new RecordingIntents(store)} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  const mask = (l: string) => l.replace(/\b\d+(ms|s|m|h|d)\b/g, '#').trimEnd();
  const expected = (reference.lastFrame() ?? '').split('\n').map(mask);
  reference.unmount();
  const shown = () => screenOf(tty.written(), 24).map(mask).slice(0, expected.length);
  try {
    await waitFor('the first screen', () => isDeepStrictEqual(shown(), expected)).catch(() => assert.deepEqual(shown(), expected));
    const drawn = shown().filter((l) => l.trim() !== '').length;
    const before = tty.written().length;
    tty.stdin.write('j');
    await waitFor('the moved selection', () => /2\/5 sort/.test(screenOf(tty.written(), 24).join('\n')));
    // Only the rows the key changed (the two selection rows, the status; ages ticking meanwhile may add the host rows).
    const sent = tty.written().slice(before);
    const rewritten = new Set([...sent.matchAll(/\u001b\[(\d+);1H/g)].map((m) => Number(m[1])));
    assert.doesNotMatch(sent, /\u001b\[2J/, 'no full repaint');
    assert.ok(rewritten.size > 0 && rewritten.size < drawn, `a j press rewrote rows ${[...rewritten].join(',')} of the ${drawn} drawn`);
  } finally {
    tty.stdin.write('q');
  }
  await ui.waitUntilExit();
});

test('suspend hands the main screen back and holds frames; resume re-enters the alternate screen and repaints the latest frame whole', () => {
  const term = new Term();
  const w = new FrameWriter(term);
  w.frame('a\nb');
  w.suspend();
  assert.ok(term.written.at(-1)!.startsWith(LEAVE_ALT_SCREEN), 'back on the main screen');
  const before = term.written.length;
  w.frame('a\nc');
  w.frame('a\nd');
  assert.equal(term.written.length, before, 'nothing painted while another program has the terminal');
  w.resume();
  assert.ok(term.written.slice(before).join('').startsWith(ENTER_ALT_SCREEN), 'the alternate screen again');
  assert.deepEqual(screen(term.written.slice(before + 1), 6).slice(0, 2), ['a', 'd'], 'the latest frame, whole');
});
