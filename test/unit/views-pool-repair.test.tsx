import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import { fleetStore, RecordingIntents, PHP_DOWN, typeKeys } from './views-fixtures.js';
import type { PoolRepairRequest } from '../../src/store/index.js';

const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));

afterEach(() => cleanup());

async function openWeb2Findings(readOnly = false) {
  const store = fleetStore({ readOnly });
  // web1 has the same finding, so the pool repair covers both web hosts.
  store.getState().applyPolls([{ result: { ...store.getState().hosts['web1']!.last!, at: Date.now() }, findings: [{ ...PHP_DOWN, machineId: 'web1' }] }]);
  const intents = new RecordingIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await tick();
  await typeKeys(r, '/', 'w', 'e', 'b', '2', '\r', '\r', '4');
  return { r, store, intents, frame: () => r.lastFrame() ?? '' };
}

test('P on a finding shows the pool repair: canary, the other hosts, the command; + and y start it', async () => {
  const { r, intents, frame } = await openWeb2Findings();
  await typeKeys(r, 'P');
  const f = frame();
  assert.match(f, /Pool repair/);
  assert.match(f, /canary\s+web2/);
  assert.match(f, /then\s+web1/);
  assert.match(f, /systemctl restart -- 'php-fpm\.service'|systemctl restart/);
  await typeKeys(r, '+');
  assert.match(frame(), /batch\s+2 at a time/);
  await typeKeys(r, 'y');
  const calls = intents.called('repairPool');
  assert.equal(calls.length, 1);
  const req = calls[0]!.args[0] as PoolRepairRequest;
  assert.equal(req.machineId, 'web2');
  assert.equal(req.batchSize, 2);
  assert.deepEqual(req.clears, { class: PHP_DOWN.class, subject: PHP_DOWN.subject });
  assert.equal(req.action, PHP_DOWN.repairs[0]!.action);
});

test('any other key cancels the pool repair', async () => {
  const { r, intents, frame } = await openWeb2Findings();
  await typeKeys(r, 'P');
  await typeKeys(r, 'n');
  assert.equal(intents.called('repairPool').length, 0);
  assert.doesNotMatch(frame(), /Pool repair/);
});

test('read-only: P is refused and never plans', async () => {
  const { r, intents, frame } = await openWeb2Findings(true);
  await typeKeys(r, 'P');
  assert.equal(intents.called('plan').length, 0);
  assert.match(frame(), /read-only/);
});

test('the rollout panel shows each step live and why it stopped', async () => {
  const { r, store, frame } = await openWeb2Findings();
  await typeKeys(r, 'P');
  await typeKeys(r, 'y');
  store.getState().setRollout({
    id: 'r1',
    title: 'service.restart php-fpm on 2 hosts',
    state: 'running',
    steps: [
      { machineId: 'web2', state: 'ok', detail: 'healthy again' },
      { machineId: 'web1', state: 'running', detail: 'systemctl restart' },
    ],
  });
  await tick();
  assert.match(frame(), /✓ canary web2\s+ok/);
  assert.match(frame(), /▶\s+web1\s+running/);
  store.getState().updateRolloutStep('web1', { state: 'failed', detail: 'exit 1' });
  store.getState().finishRollout('stopped', 'web1: exit 1');
  await tick();
  assert.match(frame(), /stopped: web1: exit 1/);
  assert.match(frame(), /✗\s+web1\s+failed/);
});
