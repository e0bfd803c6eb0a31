// The log pane sanitizes the rows it draws, not its whole scrollback on every batch of lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logWindow } from '../../views/log-window.js';
import { sanitizeLine } from '../../src/util/sanitize.js';

const scrollback = Array.from({ length: 5000 }, (_, i) => `line ${i} \u001b[31mred\u001b[0m \u202eevil`);

test('following: only the lines shown pass through the sanitizer, and they come out clean', () => {
  const seen: string[] = [];
  const clean = (l: string) => (seen.push(l), sanitizeLine(l));
  const rows = logWindow(scrollback, { height: 10, width: 200, wrap: false, follow: true, top: 0, clean });
  assert.equal(rows.length, 10);
  assert.equal(seen.length, 10);
  assert.equal(rows[9]!.line, 4999);
  assert.equal(rows[9]!.text, 'line 4999 red <U+202E>evil');
  for (const r of rows) assert.doesNotMatch(r.text, /[\u001b\u202e]/);
});

test('paused and wrapped: lines are cleaned before they are cut to width (escapes take no columns)', () => {
  const seen: number[] = [];
  const rows = logWindow(scrollback, { height: 4, width: 10, wrap: true, follow: false, top: 100, clean: (l) => (seen.push(1), sanitizeLine(l)) });
  assert.deepEqual(
    rows.map((r) => r.text),
    ['line 100 r', 'ed <U+202E', '>evil', 'line 101 r'],
  );
  assert.ok(seen.length <= 4, `cleaned ${seen.length} lines for 4 rows`);
});
