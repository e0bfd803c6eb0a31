// The operator's own actions in the console: bound keys plan through the real planner, the same
// confirmation shows the exact command, y runs it; help and footers list them; read-only hides them.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import type { ActionIntent, ActionPlan } from '../../src/model/index.js';
import type { FleetStore, PoolRepairRequest } from '../../src/store/index.js';
import { planAction } from '../../src/actions/planner.js';
import { parseUserActions } from '../../src/actions/user/parse-actions.js';
import { userCatalogue } from '../../src/actions/user/user-catalogue.js';
import { fleetStore, RecordingIntents, typeKeys } from './views-fixtures.js';

const ACTIONS = parseUserActions(
  `actions:
  - { name: reload, key: L, scope: service, description: reload the unit, command: "systemctl reload -- {service}" }
  - { name: uptime, key: U, scope: host, command: uptime }
  - { name: drain, key: D, scope: pool, command: "/usr/local/bin/drain {host}" }
`,
  'actions.yaml',
).actions;

/** Recording intents whose plans come from the real planner with the user catalogue. */
class PlannerIntents extends RecordingIntents {
  private readonly entries = userCatalogue(ACTIONS);
  constructor(private readonly s: FleetStore) {
    super(s);
  }
  override plan(intent: ActionIntent): { plan: ActionPlan } | { refused: string } {
    this.calls.push({ name: 'plan', args: [intent] });
    const st = this.s.getState();
    return planAction(intent, st.hosts[intent.machineId], st.readOnly, { userEntries: this.entries });
  }
}

afterEach(() => cleanup());

async function renderApp(readOnly = false) {
  const store = fleetStore({ readOnly, userActions: ACTIONS });
  const intents = new PlannerIntents(store);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await typeKeys(r, '');
  return { r, store, intents, frame: () => r.lastFrame() ?? '', press: (...k: string[]) => typeKeys(r, ...k) };
}

test('a service action: key → confirmation with the exact command → y runs that plan', async () => {
  const app = await renderApp();
  await app.press('/', 'w', 'e', 'b', '1', '\r', '\r');
  assert.match(app.frame(), /L reload/, 'the footer lists the action');
  await app.press('L');
  const f = app.frame();
  assert.match(f, /Confirm: /);
  assert.match(f, /reload nginx/);
  assert.match(f.replace(/\n\s+/g, ' '), /sudo -n -- sh -c 'systemctl reload -- nginx'/);
  await app.press('y');
  const runs = app.intents.called('run');
  assert.equal(runs.length, 1);
  const plan = runs[0]!.args[0] as ActionPlan;
  assert.deepEqual(plan.intent, { action: 'user:reload', machineId: 'web1', params: { service: 'nginx' } });
  assert.equal(plan.command, "sudo -n -- sh -c 'systemctl reload -- nginx'");
});

test('help lists the user actions of the screen; a host action works from another tab', async () => {
  const app = await renderApp();
  await app.press('/', 'w', 'e', 'b', '1', '\r', '\r', '?');
  assert.match(app.frame(), /Your actions \(actions\.yaml\)/);
  assert.match(app.frame(), /L\s+reload the unit \(on the selected service, asks first\)/);
  assert.match(app.frame(), /U\s+uptime \(on this host, asks first\)/);
  await app.press('x', '2', 'U');
  assert.match(app.frame(), /Confirm: /);
  assert.match(app.frame(), /sudo -n -- sh -c uptime/);
  await app.press('n');
  assert.equal(app.intents.called('run').length, 0, 'any other key cancels');
});

test('a pool action on a pool header: the pool confirmation, canary first; y starts the rollout', async () => {
  const app = await renderApp();
  await app.press('p', 'g');
  assert.match(app.frame(), /D drain/);
  await app.press('D');
  const f = app.frame();
  assert.match(f, /Pool repair: drain/);
  assert.match(f, /canary\s+cache1/);
  assert.match(f, /then\s+new1/);
  assert.match(f, /\/usr\/local\/bin\/drain cache1/);
  await app.press('y');
  const req = app.intents.called('repairPool')[0]?.args[0] as PoolRepairRequest;
  assert.deepEqual({ ...req, batchSize: undefined }, { machineId: 'cache1', action: 'user:drain', params: {}, batchSize: undefined });
});

test('read-only: user action keys are hidden and refused without planning', async () => {
  const app = await renderApp(true);
  await app.press('D');
  assert.equal(app.intents.called('plan').length, 0);
  assert.match(app.frame(), /read-only mode: actions are disabled/);
  assert.doesNotMatch(app.frame(), /D drain/, 'not in the footer');
  await app.press('/', 'w', 'e', 'b', '1', '\r', '\r', 'L');
  assert.equal(app.intents.called('plan').length, 0);
  assert.match(app.frame(), /read-only mode: actions are disabled/);
  await app.press('?');
  assert.doesNotMatch(app.frame(), /Your actions/);
});
