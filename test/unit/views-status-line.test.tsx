import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { fleetStore, RecordingIntents, typeKeys } from './views-fixtures.js';

afterEach(() => cleanup());

function renderApp() {
  const store = fleetStore();
  const r = render(<App store={store} intents={new RecordingIntents(store)} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  return { r, store, frame: () => r.lastFrame() ?? '', press: (...keys: string[]) => typeKeys(r, ...keys) };
}

test('an old error leaves the status line when the screen changes', async () => {
  const app = renderApp();
  await app.press(...':nope\r');
  assert.match(app.frame(), /unknown command :nope/);
  await app.press('\r'); // open the selected host
  assert.match(app.frame(), /› Services/);
  assert.doesNotMatch(app.frame(), /unknown command/);
  assert.equal(app.store.getState().notice, undefined);

  await app.press(...':logs unit:nope\r');
  assert.match(app.frame(), /no log source "unit:nope"/);
  await app.press('4');
  assert.doesNotMatch(app.frame(), /no log source/, 'a tab change is a screen change too');
});

test('a refusal the moving command gives stays: :restart moves to the service, then says why it is refused', async () => {
  const store = fleetStore();
  const intents = new RecordingIntents(store);
  intents.refuse = 'web2 is busy with another action';
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await typeKeys(r, ...':host web2\r', '4');
  await typeKeys(r, ...':restart php-fpm\r');
  assert.match(r.lastFrame() ?? '', /› Services/);
  assert.match(r.lastFrame() ?? '', /refused: web2 is busy with another action/);
});
