import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { hostsMatching } from '../../src/store/selectors.js';
import type { PoolRepairRequest } from '../../src/store/index.js';
import { markedRequest } from '../../views/marks.js';
import { fleetStore, machine, RecordingIntents, typeKeys } from './views-fixtures.js';
import { waitFor } from '../support/wait-for.js';

afterEach(() => cleanup());

test('mark state: toggle, mark by ids, unmark some or all; unknown ids are not marked; a vanished host leaves the set', () => {
  const store = fleetStore();
  const s = () => store.getState();
  s().toggleMark('web1');
  s().toggleMark('nope');
  assert.deepEqual([...s().marked], ['web1']);
  s().toggleMark('web1');
  assert.equal(s().marked.size, 0);
  s().mark(['web1', 'web2', 'db1', 'ghost']);
  assert.deepEqual([...s().marked].sort(), ['db1', 'web1', 'web2']);
  s().unmark(['web2']);
  assert.deepEqual([...s().marked].sort(), ['db1', 'web1']);
  // The fleet is re-listed without db1: it is no longer marked.
  s().setMachines([machine('web1', 'web'), machine('web2', 'web')]);
  assert.deepEqual([...s().marked], ['web1']);
  s().unmark();
  assert.equal(s().marked.size, 0);
});

test(':mark uses the / filter language: hostsMatching by pool, service and severity', () => {
  const st = fleetStore().getState();
  assert.deepEqual(hostsMatching(st, 'pool:web', Date.now()), ['web1', 'web2']);
  assert.deepEqual(hostsMatching(st, 'svc:postgresql', Date.now()), ['db1']);
  assert.deepEqual(hostsMatching(st, 'sev:critical', Date.now()).sort(), ['cache1', 'web2']);
});

test('the bulk plan: the fired host is the canary when marked, else the first marked; every marked host in fleet order', () => {
  const store = fleetStore();
  const intents = new RecordingIntents(store);
  const intent = { action: 'service.restart', machineId: 'web2', params: { service: 'nginx' } };
  assert.equal(markedRequest(store, intents, intent), undefined, 'nothing marked: the action is for its own host');
  store.getState().mark(['db1', 'web1', 'web2']);
  const onMarked = markedRequest(store, intents, intent);
  assert.ok(onMarked && !('refused' in onMarked));
  assert.deepEqual(onMarked.hosts, ['web2', 'web1', 'db1']);
  assert.deepEqual(onMarked.request.hosts, ['web2', 'web1', 'db1']);
  assert.equal(onMarked.plan.intent.machineId, 'web2');
  const fromUnmarked = markedRequest(store, intents, { ...intent, machineId: 'cache1' });
  assert.ok(fromUnmarked && !('refused' in fromUnmarked));
  assert.deepEqual(fromUnmarked.hosts, ['web1', 'web2', 'db1']);
  intents.refuse = 'host busy';
  assert.deepEqual(markedRequest(store, intents, intent), { refused: 'web2: host busy' });
});

async function renderApp(readOnly = false) {
  const store = fleetStore({ readOnly });
  const intents = new RecordingIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await typeKeys(r, '');
  return { store, intents, frame: () => r.lastFrame() ?? '', press: (...k: string[]) => typeKeys(r, ...k) };
}

test('Space marks the host under the cursor (shown in its row and the status); :mark and :unmark by filter', async () => {
  const app = await renderApp();
  await app.press(' ');
  await waitFor('cache1 marked in its row and the status', () => /^\* cache1 /m.test(app.frame()) && /1 marked/.test(app.frame()));
  await app.press(' ');
  // The row is redrawn from the store's change, which may land a frame after the key's own.
  await waitFor('cache1 unmarked in its row', () => !/^\* cache1/m.test(app.frame()));
  assert.doesNotMatch(app.frame(), /marked/);
  await app.press(':', ...'mark pool:web', '\r');
  await waitFor('the web pool marked', () => /^\* web1 /m.test(app.frame()) && /^\* web2 /m.test(app.frame()) && /marked 2 hosts; 2 marked/.test(app.frame()));
  await app.press(':', ...'unmark', '\r');
  assert.equal(app.store.getState().marked.size, 0);
});

test('a service restart with hosts marked asks with every marked host listed, and y rolls it out over them', async () => {
  const app = await renderApp();
  await app.press(':', ...'mark pool:web', '\r', ':', ...'mark db1', '\r');
  await app.press('/', 'w', 'e', 'b', '2', '\r', '\r'); // web2's Services tab, nginx selected
  await app.press('r');
  const f = app.frame();
  assert.match(f, /On 3 marked hosts: restart nginx/);
  assert.match(f, /canary\s+web2/);
  assert.match(f, /then\s+web1, db1/);
  await app.press('y');
  const req = app.intents.called('repairPool')[0]?.args[0] as PoolRepairRequest;
  assert.deepEqual(req.hosts, ['web2', 'web1', 'db1']);
  assert.equal(req.action, 'service.restart');
  assert.deepEqual(req.params, { service: 'nginx' });
});

test('read-only: marking still works, the restart key is still refused (nothing planned over the marks)', async () => {
  const app = await renderApp(true);
  await app.press(':', ...'mark pool:web', '\r');
  assert.equal(app.store.getState().marked.size, 2);
  await app.press('/', 'w', 'e', 'b', '2', '\r', '\r', 'r');
  assert.match(app.frame(), /read-only/);
  assert.equal(app.intents.called('repairPool').length, 0);
  assert.equal(app.intents.called('plan').length, 0);
});
