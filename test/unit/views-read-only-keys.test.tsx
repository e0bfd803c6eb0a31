// --read-only through the action registry: read-only mode registers no dangerous entry, so every
// list derived from the registry (footers, help, the command table, completion) lacks them and no
// key dispatched through it can plan. Iterating the registry is the proof: every dangerous entry
// (built-in, cloud, actions.yaml) has none of its keys or commands in the read-only registry, and
// pressing each of its keys on the screen that reads it (then `y`, to accept whatever it may have
// asked) never plans, runs, trusts, accepts a baseline nor starts a pool repair. The planner (the
// core's gate) refuses every catalogue action in read-only mode as well.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import type { FleetStore } from '../../src/store/index.js';
import { CATALOGUE } from '../../src/actions/catalogue/index.js';
import { planAction } from '../../src/actions/planner.js';
import { parseUserActions } from '../../src/actions/user/parse-actions.js';
import { buildRegistry, type KeySection } from '../../src/registry/index.js';
import { commandContext, completions, parseCommand } from '../../src/commands/index.js';
import type { Ec2Info } from '../../src/model/index.js';
import { fleetStore, machine, NOW, probe, RecordingIntents, typeKeys } from './views-fixtures.js';

afterEach(() => cleanup());

const USER_ACTIONS = parseUserActions(
  `actions:
  - { name: reload, key: L, scope: service, command: "systemctl reload -- {service}" }
  - { name: uptime, key: U, scope: host, command: uptime }
  - { name: drain, key: D, scope: pool, command: "/usr/local/bin/drain {host}" }
`,
  'actions.yaml',
).actions;
/** What a view may still ask for in read-only mode: looking, never changing. */
const ALLOWED = new Set(['openLog', 'closeLog', 'refresh']);

const cloud: Ec2Info = {
  instanceId: 'i-0ro0000000000001', region: 'eu-west-1', account: 'prod', profile: 'prod', state: 'running', stateReason: '',
  instanceType: 't3.small', az: 'eu-west-1a', privateIp: '10.0.0.9', tags: {}, volumes: [],
};

function readOnlyStore(): FleetStore {
  const store = fleetStore({ readOnly: true, userActions: USER_ACTIONS });
  const s = store.getState();
  s.setMachines([
    ...s.order.map((id) => s.hosts[id]!.machine),
    machine('app1', 'web', { provider: 'ec2', site: 'eu-west-1', cloud, services: [], logs: [] }),
    machine('key1', 'cache'),
  ]);
  store.getState().applyPolls([
    { result: { machineId: 'app1', at: NOW, reach: 'ok', latencyMs: 30, probe: probe('app1') }, findings: [] },
    {
      result: {
        machineId: 'key1', at: NOW, reach: 'untrusted', error: 'host key not in known_hosts',
        hostKey: { type: 'ssh-ed25519', base64: 'AAAA', fingerprint: 'SHA256:abcDEF123', status: 'unknown', knownHostsName: '[127.0.0.1]:2222' },
      },
      findings: [],
    },
  ]);
  return store;
}

const host = (name: string, ...rest: string[]) => ['/', ...name, '\r', '\r', ...rest];
/** Where each registry section is read, and what shows it is open. */
const SCREENS: Record<KeySection, { path: string[]; shows: RegExp } | undefined> = {
  grid: { path: [], shows: /Enter open/ },
  host: { path: host('web2'), shows: /php-fpm\s+failed/ },
  services: { path: host('web2'), shows: /php-fpm\s+failed/ },
  volumes: { path: host('web2', '2'), shows: /MOUNT\s+DEVICE/ },
  'log-sources': { path: host('web2', '3'), shows: /choose a log source/ },
  'log-view': { path: host('web2', '3', '\r'), shows: /nginx · .*following/ },
  findings: { path: host('web2', '4'), shows: /php-fpm is failed/ },
  'host-key': { path: host('key1'), shows: /SHA256:abcDEF123/ },
  ec2: { path: host('app1'), shows: /app1\s+ec2\/eu-west-1/ },
  events: { path: [':', ...'events', '\r'], shows: /events │ \/ filter/ },
  // The prompt's own keys: no dangerous entry is read there (open() fails if one ever is).
  'command-bar': undefined,
  // The pool log's own keys (q): likewise only looking.
  'pool-log': undefined,
};

const full = buildRegistry({ readOnly: false, userActions: USER_ACTIONS });
const readOnly = buildRegistry({ readOnly: true, userActions: USER_ACTIONS });
const DANGEROUS = full.entries.filter((e) => e.dangerous);

test('the registry has dangerous entries of every source: built-in repairs, service verbs, cloud actions, actions.yaml', () => {
  const ids = DANGEROUS.map((e) => e.id);
  for (const id of ['service.restart', 'service.start', 'service.stop', 'ec2.reboot', 'ec2.stop', 'ec2.start', 'baseline.accept', 'host-key.trust', 'repair.first', 'repair.number', 'repair.pool', 'user:reload', 'user:uptime', 'user:drain']) {
    assert.ok(ids.includes(id), id);
  }
});

test('read-only registers no dangerous entry: not in any footer or help list, no key triggers one, no command offers one', () => {
  assert.deepEqual(readOnly.entries.filter((e) => e.dangerous).map((e) => e.id), []);
  for (const section of Object.keys(SCREENS) as KeySection[]) assert.deepEqual(readOnly.hints(section).filter((h) => h.dangerous), [], section);
  assert.deepEqual(readOnly.commands().filter((c) => c.dangerous), []);
  const ctxs = [commandContext(readOnlyStore().getState()), commandContext(readOnlyStore().getState(), { machineId: 'web2', selectedService: 'php-fpm' })];
  for (const entry of DANGEROUS) {
    assert.equal(readOnly.get(entry.id), undefined, entry.id);
    for (const k of entry.keys) {
      for (const input of k.input ?? []) {
        assert.equal(readOnly.keyEntry(k.section, input), undefined, `${entry.id}: ${input} in ${k.section}`);
        assert.equal(readOnly.withheld(k.section, input), true, `${entry.id}: ${input} in ${k.section} is refused as read-only`);
      }
    }
    if (entry.command) {
      for (const ctx of ctxs) {
        assert.ok(!completions(':', ctx).candidates.includes(entry.command.name), `${entry.command.name} completed on ${ctx.screen}`);
        const r = parseCommand(`:${entry.command.name} php-fpm`, ctx);
        assert.ok(!r.ok && r.reason === 'read-only', `:${entry.command.name} on ${ctx.screen}`);
      }
    }
  }
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function open(section: KeySection, store: FleetStore, intents: RecordingIntents) {
  const screen = SCREENS[section];
  assert.ok(screen, `a dangerous entry is read in ${section}: give the section a screen to open`);
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await pause(30);
  await typeKeys(r, ...screen.path);
  assert.match(r.lastFrame() ?? '', screen.shows, `${section} is showing`);
  return r;
}

/** The keys to press for a binding: its characters, or what its display names (Enter). */
const pressesOf = (k: { keys: string; input?: readonly string[] }) => (k.input?.length ? [...k.input] : k.keys === 'Enter' ? ['\r'] : []);

for (const entry of DANGEROUS) {
  for (const binding of entry.keys) {
    test(`read-only, ${entry.id} (${binding.keys} in ${binding.section}): refused, never plans, runs, trusts or accepts`, async () => {
      const presses = pressesOf(binding);
      assert.ok(presses.length > 0, `${entry.id}: a key to press`);
      for (const key of presses.slice(0, 1)) {
        const store = readOnlyStore();
        const intents = new RecordingIntents(store);
        const r = await open(binding.section, store, intents);
        await typeKeys(r, key);
        assert.match(r.lastFrame() ?? '', /read-only/, `${JSON.stringify(key)} says read-only`);
        await typeKeys(r, 'y'); // accept whatever the key may have asked
        const forbidden = intents.calls.filter((c) => !ALLOWED.has(c.name));
        assert.deepEqual(forbidden.map((c) => c.name), [], `after ${JSON.stringify(key)} in ${binding.section}`);
        assert.deepEqual(store.getState().actions, [], 'no action ever started');
        r.unmount();
      }
    });
  }
}

test('read-only: the planner refuses every catalogue action, whatever the host', () => {
  const store = readOnlyStore();
  const s = store.getState();
  for (const action of Object.keys(CATALOGUE)) {
    for (const id of ['web2', 'app1', 'key1']) {
      const out = planAction({ action, machineId: id, params: { service: 'php-fpm' } }, s.hosts[id], true);
      assert.ok('refused' in out && /read-only/.test(out.refused), `${action} on ${id}: ${JSON.stringify(out)}`);
    }
  }
});
