import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { fleetStore, RecordingIntents, typeKeys } from './views-fixtures.js';

afterEach(() => cleanup());

// The App draws rows - 1 lines (one spare row against Ink's full-screen flicker) on a 24-row terminal.
const LAST = 22;

test('footers sit on the bottom row in every screen, however short its list', async () => {
  const store = fleetStore();
  const r = render(<App store={store} intents={new RecordingIntents(store)} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  const bottom = (screen: string, footer: RegExp) => {
    const lines = (r.lastFrame() ?? '').split('\n');
    assert.equal(lines.length, LAST + 1, screen);
    assert.match(lines[LAST] ?? '', footer, `${screen}: the footer is on the bottom row\n${lines.join('\n')}`);
  };
  await typeKeys(r, 'j');
  bottom('grid', /sort:name.*q quit/);
  await typeKeys(r, ...':filter zzz\r');
  bottom('grid, nothing matches', /filter:zzz.*q quit/);
  await typeKeys(r, '/');
  bottom('grid, filter prompt', /^\/zzz/);
  await typeKeys(r, '\u001B', 'p');
  bottom('grid grouped', /by pool.*q quit/);
  await typeKeys(r, ...':host web2\r');
  bottom('host', /r restart.*\? help/);
  await typeKeys(r, '4');
  bottom('findings', /Enter repair.*\? help/);
  await typeKeys(r, '\r');
  bottom('confirmation', /^y run it · any other key cancels/);
  await typeKeys(r, 'n');
  await typeKeys(r, ...':events\r');
  bottom('events', /0 events │ \/ filter/);
});
