import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import type { ActionIntent, ActionPlan, Finding } from '../../src/model/index.js';
import type { FleetStore } from '../../src/store/index.js';
import { fleetStore, NOW, probe, RecordingIntents, service, typeKeys } from './views-fixtures.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const DOWN = '\u001B[B';
const SHA = 'ab12cd34ef56'.padEnd(64, '0');

const DRIFT: Finding = {
  machineId: 'web2',
  class: 'config-drift',
  severity: 'warning',
  summary: '/etc/nginx/nginx.conf differs from the baseline',
  evidence: ['sha256 1234… (baseline ab12…)'],
  subject: '/etc/nginx/nginx.conf',
  repairs: [
    { action: 'config.restore', params: { path: '/etc/nginx/nginx.conf', service: 'nginx' }, label: 'restore nginx.conf' },
    { action: 'disk.cleanup', params: { mount: '/var' }, label: 'free space on /var' },
  ],
};

/** Plans the way the core does for these two repairs: an input for the restore, a preview for the cleanup. */
class RepairIntents extends RecordingIntents {
  override plan(intent: ActionIntent): { plan: ActionPlan } | { refused: string } {
    const r = super.plan(intent);
    if (!('plan' in r)) return r;
    if (intent.action === 'config.restore')
      r.plan.input = { baselineFile: SHA, sha256: SHA, bytes: 1480, description: 'baseline copy of /etc/nginx/nginx.conf accepted 2025-05-01T10:00:00.000Z by ops@desk' };
    if (intent.action === 'disk.cleanup') r.plan.preview = { command: "find /var/log -xdev -type f -printf '%s\\t%p\\n'", description: 'files the cleanup of /var would delete' };
    return r;
  }
}

function storeWithDrift(readOnly = false): FleetStore {
  const store = fleetStore({ readOnly });
  store.getState().applyPolls([
    {
      result: { machineId: 'web2', at: NOW - 1000, reach: 'ok', latencyMs: 40, probe: probe('web2', { services: [service('nginx'), service('php-fpm')] }) },
      findings: [DRIFT],
    },
  ]);
  return store;
}

async function renderApp(store: FleetStore, intents: RecordingIntents) {
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await tick();
  const frame = () => r.lastFrame() ?? '';
  const press = (...keys: string[]) => typeKeys(r, ...keys);
  return { frame, press };
}

afterEach(() => cleanup());

test('confirming a restore shows what is sent on stdin (description, size, checksum)', async () => {
  const store = storeWithDrift();
  const intents = new RepairIntents(store);
  const app = await renderApp(store, intents);
  await app.press('/', 'w', 'e', 'b', '2', '\r', '\r', '4', 'a');
  const f = app.frame().replace(/\n {10}/g, ''); // wrapped rows joined back
  assert.match(f, /Confirm: /);
  assert.match(f, /input\s+baseline copy of \/etc\/nginx\/nginx\.conf accepted 2025-05-01T10:00:00\.000Z by ops@desk \(1480 bytes, sha256 ab12cd34ef56…\) on stdin/);
  assert.equal(intents.called('preview').length, 0, 'no preview for a plan without one');
});

test('confirming a cleanup shows "previewing…" then the preview result, before y', async () => {
  const store = storeWithDrift();
  const intents = new RepairIntents(store);
  intents.holdPreview = true;
  intents.previewText = 'would free 12.4 MiB (13002342 bytes) in 37 files\n  3.0 MiB  /var/log/syslog.1\n\u001b[31mred\u001b[0m';
  const app = await renderApp(store, intents);
  await app.press('/', 'w', 'e', 'b', '2', '\r', '\r', '4', 'b');
  assert.match(app.frame(), /preview\s+files the cleanup of \/var would delete/);
  assert.match(app.frame(), /previewing…/);
  assert.equal(intents.called('preview').length, 1);
  intents.resolvePreview();
  await tick();
  const f = app.frame();
  assert.doesNotMatch(f, /previewing…/);
  assert.match(f, /would free 12\.4 MiB \(13002342 bytes\) in 37 files/);
  assert.match(f, /3\.0 MiB {2}\/var\/log\/syslog\.1/);
  assert.doesNotMatch(f, /\u001b\[31m/, 'remote text is sanitized');
  assert.equal(intents.called('run').length, 0);
  await app.press('y');
  assert.equal(intents.called('run').length, 1);
});

test('A on a host row asks first, y accepts that host; any other key cancels', async () => {
  const store = fleetStore();
  const intents = new RecordingIntents(store);
  const app = await renderApp(store, intents);
  await app.press(DOWN, 'A'); // db1 (sorted by name: cache1, db1, ...)
  assert.match(app.frame(), /Accept the current state of db1 as good \(new baseline\)\? y\/N/);
  await app.press('n');
  assert.doesNotMatch(app.frame(), /Accept the current state/);
  assert.equal(intents.called('acceptBaseline').length, 0);
  await app.press('A', 'y');
  assert.deepEqual(intents.called('acceptBaseline')[0]?.args[0], { machineId: 'db1' });
});

test('A on a pool header row (grouped view) accepts the whole pool', async () => {
  const store = fleetStore();
  const intents = new RecordingIntents(store);
  const app = await renderApp(store, intents);
  await app.press('p', 'g'); // first row: the cache pool header
  await app.press('A');
  assert.match(app.frame(), /Accept the current state of all 2 hosts of pool cache as good/);
  await app.press('y');
  assert.deepEqual(intents.called('acceptBaseline')[0]?.args[0], { pool: 'cache' });
  await app.press(DOWN, DOWN, DOWN, 'A'); // cache1, new1, then the db header
  assert.match(app.frame(), /all 1 host of pool db/);
});

test('read-only: A is refused without asking, and is not in help', async () => {
  const store = fleetStore({ readOnly: true });
  const intents = new RecordingIntents(store);
  const app = await renderApp(store, intents);
  await app.press('A');
  assert.doesNotMatch(app.frame(), /Accept the current state/);
  assert.match(app.frame(), /read-only mode: actions are disabled/);
  await app.press('?');
  assert.doesNotMatch(app.frame(), /accept current state/);
  assert.equal(intents.called('acceptBaseline').length, 0);
});

test('the host header says who accepted the baseline, or that there is none', async () => {
  const store = fleetStore();
  const app = await renderApp(store, new RecordingIntents(store));
  await app.press('/', 'w', 'e', 'b', '2', '\r', '\r');
  assert.match(app.frame(), /no baseline/);
  store.getState().setBaselineInfo('web2', { acceptedAt: '2025-05-01T10:00:00.000Z', acceptedBy: 'ops@desk' });
  await tick();
  assert.match(app.frame(), /baseline: accepted 2025-05-01 10:00:00Z by ops@desk/);
});
