// Keys typed ahead — in one write, or in several writes faster than frames — each reach the screen
// they were meant for, in order: the key dispatcher hands a key out only after the commit carrying
// the previous key's changes. No test here waits between keys.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type React from 'react';
import { useEffect } from 'react';
import { render, cleanup } from 'ink-testing-library';
import { Text, useInput, type Key } from 'ink';
import { App } from '../../views/App.js';
import { startTui } from '../../views/terminal/start-tui.js';
import { fakeTty, screenOf } from '../support/fake-terminal.js';
import { escapeKey, plainKey } from '../../views/terminal/plain-key.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { fleetStore, RecordingIntents } from './views-fixtures.js';
import { waitFor } from '../support/wait-for.js';

afterEach(() => cleanup());

function renderApp() {
  const store = fleetStore();
  const intents = new RecordingIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  const frame = () => r.lastFrame() ?? '';
  return { ...r, store, intents, frame };
}

/** The grid is drawn and its keys are read (Ink subscribes the app's reader after the first commit). */
async function ready(app: ReturnType<typeof renderApp>): Promise<void> {
  await waitFor('the grid', () => /web2/.test(app.frame()));
  await new Promise((r) => setImmediate(r));
}

const plans = (app: ReturnType<typeof renderApp>) => app.intents.called('plan').map((c) => c.args[0]);
const hostLines = (f: string) => f.split('\n').filter((l) => /^(web|db|cache|new)\d/.test(l.trim()));

test('Enter r in one write: the host opens and r restarts the service selected there', async () => {
  const app = renderApp();
  await ready(app);
  app.stdin.write('\rr'); // cache1 is the first row; its one service is redis
  await waitFor('a planned action', () => plans(app).length > 0, 10_000);
  assert.deepEqual(plans(app), [{ action: 'service.restart', machineId: 'cache1', params: { service: 'redis' } }]);
  await waitFor('the confirmation', () => /Confirm: restart redis/.test(app.frame()), 10_000);
  assert.match(app.frame(), /cache1 › Services › confirm/);
});

test('/web Enter in one write filters on exactly "web"', async () => {
  const app = renderApp();
  await ready(app);
  app.stdin.write('/web\r');
  await waitFor('the filtered grid', () => hostLines(app.frame()).length === 2, 10_000);
  assert.deepEqual(hostLines(app.frame()).map((l) => l.trim().split(/\s+/)[0]), ['web1', 'web2']);
  assert.match(app.frame(), /^fleet › web$/m);
  assert.doesNotMatch(app.frame(), /█/, 'the filter prompt is closed');
});

test('j j j j Enter j r in one write: the fifth host opens, its second service is restarted', async () => {
  const app = renderApp();
  await ready(app);
  app.stdin.write('jjjj\rjr');
  await waitFor('a planned action', () => plans(app).length > 0, 10_000);
  assert.deepEqual(plans(app), [{ action: 'service.restart', machineId: 'web2', params: { service: 'php-fpm' } }]);
  await waitFor('the confirmation', () => /Confirm: restart php-fpm/.test(app.frame()), 10_000);
});

test('separate writes without waiting: filter, open, move, restart', async () => {
  const app = renderApp();
  await ready(app);
  for (const k of ['/', 'w', 'e', 'b', '2', '\r', '\r', 'j', 'r']) app.stdin.write(k);
  await waitFor('a planned action', () => plans(app).length > 0, 10_000);
  assert.deepEqual(plans(app), [{ action: 'service.restart', machineId: 'web2', params: { service: 'php-fpm' } }]);
  await waitFor('the confirmation', () => /Confirm: restart php-fpm/.test(app.frame()), 10_000);
});

test('into a host and back out, then another host, all typed ahead', async () => {
  const app = renderApp();
  await ready(app);
  app.stdin.write('\rqG');
  app.stdin.write('\r');
  await waitFor('the host view of web2', () => /^fleet › web2 › Services$/m.test(app.frame()), 10_000);
  assert.match(app.frame(), /1 Services/);
});

test('the command bar typed ahead acts on the service selected by the key before it', async () => {
  const app = renderApp();
  await ready(app);
  app.stdin.write('/web2\r\rj:restart\r');
  await waitFor('a planned action', () => plans(app).length > 0, 10_000);
  assert.deepEqual(plans(app), [{ action: 'service.restart', machineId: 'web2', params: { service: 'php-fpm' } }]);
  await waitFor('the confirmation', () => /Confirm: restart php-fpm/.test(app.frame()), 10_000);
});

test('a key typed ahead is read as Ink reads that key alone (every ASCII character but Escape)', async () => {
  const seen: { input: string; key: Key }[] = [];
  let subscribed = false;
  // biome-ignore lint/correctness/noComponentHookFactories: a fresh recorder per test, closing over this test's arrays
  function Recorder(): React.JSX.Element {
    useInput((input, key) => void seen.push({ input, key }));
    useEffect(() => {
      subscribed = true; // runs after useInput's own subscription effect
    }, []);
    return <Text>keys</Text>;
  }
  const r = render(<Recorder />);
  await waitFor('the recorder to listen', () => subscribed);
  const chars = [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).filter((c) => c !== '\u001b'), 'é', '漢'];
  for (const ch of chars) r.stdin.write(ch);
  assert.equal(seen.length, chars.length);
  chars.forEach((ch, i) => assert.deepEqual(plainKey(ch), seen[i], JSON.stringify(ch)));
  r.stdin.write('\u001b'); // Ink lets a lone ESC go once nothing followed it
  await waitFor('the lone Escape', () => seen.length === chars.length + 1);
  assert.deepEqual(escapeKey(), seen[chars.length]);
});

test('? Escape q in one read: the help opens, Escape closes it, q quits (ESC and a key read together are two keys)', async () => {
  let quits = 0;
  const store = fleetStore();
  const r = render(<App store={store} intents={new RecordingIntents(store)} theme={NO_COLOR_THEME} onQuit={() => quits++} />);
  await waitFor('the grid', () => /web2/.test(r.lastFrame() ?? ''));
  await new Promise((res) => setImmediate(res));
  r.stdin.write('?\u001bq');
  await waitFor('the quit', () => quits > 0, 10_000);
  assert.equal(quits, 1);
  assert.doesNotMatch(r.lastFrame() ?? '', /› help/);
});

test('in a terminal, Escape read by itself and q read right after it are two keys: the help closes and the console quits', async () => {
  const tty = fakeTty(100, 24);
  const store = fleetStore();
  const ui = startTui({ store, intents: new RecordingIntents(store), stdin: tty.stdin, stdout: tty.stdout, theme: NO_COLOR_THEME });
  let exited = false;
  const done = ui.waitUntilExit().then(() => (exited = true));
  try {
    await waitFor('the grid', () => /web2/.test(screenOf(tty.written(), 24).join('\n')));
    tty.stdin.write('?');
    await waitFor('the help', () => /help/.test(screenOf(tty.written(), 24).join('\n')) && /quit/.test(screenOf(tty.written(), 24).join('\n')));
    // q is read as soon as Escape was: before Ink would have let a lone ESC go as Escape by itself.
    tty.stdin.once('data', () => tty.stdin.write('q'));
    tty.stdin.write('\u001b');
    await waitFor('the console to quit', () => exited, 10_000);
  } finally {
    ui.unmount();
    await done;
  }
});
