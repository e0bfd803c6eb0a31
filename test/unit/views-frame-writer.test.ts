// The screen writer: only changed rows reach the terminal, each placed absolutely; a resize repaints all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { diffRows, ENTER_ALT_SCREEN, FrameWriter, LEAVE_ALT_SCREEN } from '../../views/frame-writer.js';

class Term extends EventEmitter {
  columns = 80;
  rows = 6;
  written: string[] = [];
  write(data: string): boolean {
    this.written.push(data);
    return true;
  }
}

/** A tiny terminal model: cursor placement (CSI row;1H), text overwriting, erase to end of line, clear screen. */
function screen(writes: string[], rows: number): string[] {
  let grid: string[] = Array.from({ length: rows }, () => '');
  let row = 0;
  let col = 0;
  const all = writes.join('');
  const re = /\u001b\[(\d+);1H|\u001b\[2J|\u001b\[K|\u001b\[[0-9;?]*[A-Za-z]|([^\u001b]+)/g;
  for (const m of all.matchAll(re)) {
    if (m[1]) {
      row = Number(m[1]) - 1;
      col = 0;
    } else if (m[0] === '\u001b[2J') grid = grid.map(() => '');
    else if (m[0] === '\u001b[K') grid[row] = grid[row]!.slice(0, col);
    else if (m[2] !== undefined) {
      const line = grid[row]!.padEnd(col);
      grid[row] = line.slice(0, col) + m[2] + line.slice(col + m[2].length);
      col += m[2].length;
    }
  }
  return grid;
}

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
