// The action registry: one entry per key- or command-bound action; the lists the console shows are derived from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUE } from '../../src/actions/catalogue/index.js';
import { parseUserActions } from '../../src/actions/user/parse-actions.js';
import { userCatalogue } from '../../src/actions/user/user-catalogue.js';
import { availableCommands, COMMANDS } from '../../src/commands/index.js';
import { BUILTIN_ENTRIES, buildRegistry } from '../../src/registry/index.js';

const ACTIONS = parseUserActions(
  `actions:
  - { name: reload, key: L, scope: service, description: reload the unit, command: "systemctl reload -- {service}" }
  - { name: drain, key: D, scope: pool, command: "/usr/local/bin/drain {host}" }
`,
  'actions.yaml',
).actions;

test('every entry that plans names an action the planner knows (built-in catalogue or actions.yaml)', () => {
  const users = userCatalogue(ACTIONS);
  for (const e of buildRegistry({ readOnly: false, userActions: ACTIONS }).entries) {
    if (e.intent.kind !== 'plan') continue;
    assert.ok(CATALOGUE[e.intent.action] ?? users[e.intent.action], `${e.id} plans ${e.intent.action}`);
    assert.equal(e.dangerous, true, `${e.id} changes a host`);
  }
});

test('ids are unique and no two entries bind one key in one section', () => {
  const entries = buildRegistry({ readOnly: false, userActions: ACTIONS }).entries;
  assert.equal(new Set(entries.map((e) => e.id)).size, entries.length);
  const seen = new Map<string, string>();
  for (const e of entries) {
    for (const k of e.keys) {
      for (const input of k.input ?? []) {
        const at = `${k.section}:${input}`;
        assert.equal(seen.get(at), undefined, `${at} bound by ${seen.get(at)} and ${e.id}`);
        seen.set(at, e.id);
      }
    }
  }
});

test('the command table is the commands of the registry, in order; host commands only on a host', () => {
  assert.deepEqual(
    COMMANDS.map((c) => c.name),
    ['hosts', 'host', 'pool', 'svc', 'logs', 'plogs', 'findings', 'restart', 'start', 'stop', 'ssh', 'mark', 'unmark', 'filter', 'sort', 'events', 'help', 'quit'],
  );
  assert.deepEqual(COMMANDS.map((c) => c.entryId), BUILTIN_ENTRIES.filter((e) => e.command).map((e) => e.id));
  const grid = availableCommands({ screen: 'grid', readOnly: false }).map((c) => c.name);
  assert.ok(!grid.includes('logs') && !grid.includes('restart'), grid.join(' '));
  assert.ok(availableCommands({ screen: 'host', readOnly: false }).some((c) => c.name === 'restart'));
});

test('a key-bound action is one entry: it shows in the footer and help of its section, and its key finds it', () => {
  const registry = buildRegistry({ readOnly: false, userActions: ACTIONS });
  assert.deepEqual(
    registry.hints('services').map((h) => h.keys),
    ['j/k ↑/↓', 'r', 's', 'x', 'L'],
  );
  assert.equal(registry.keyEntry('services', 'r')?.id, 'service.restart');
  assert.equal(registry.keyEntry('services', 'L')?.id, 'user:reload');
  assert.equal(registry.keyEntry('grid', 'D')?.id, 'user:drain');
  assert.equal(registry.keyEntry('grid', 'L')?.id, 'grid.pool-logs', 'a service action is not read on the grid (L there is the built-in pool logs)');
  assert.deepEqual(registry.hints('grid', 'user').map((h) => h.short), ['drain']);
  assert.equal(registry.withheld('services', 'r'), false);
});

test('the registry is built once per mode and actions file', () => {
  assert.equal(buildRegistry({ readOnly: true, userActions: ACTIONS }), buildRegistry({ readOnly: true, userActions: ACTIONS }));
  assert.notEqual(buildRegistry({ readOnly: true, userActions: ACTIONS }), buildRegistry({ readOnly: false, userActions: ACTIONS }));
});
