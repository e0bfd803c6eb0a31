import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseUserActions } from '../../src/actions/user/parse-actions.js';
import { loadUserActions } from '../../src/actions/user/load-actions.js';
import { RESERVED_KEYS } from '../../src/actions/user/reserved-keys.js';
import { userCatalogue } from '../../src/actions/user/user-catalogue.js';
import { planAction } from '../../src/actions/planner.js';
import { buildRegistry, type KeyHint, type KeySection } from '../../src/registry/index.js';
import { fleetStore } from './views-fixtures.js';

const FILE = '/home/ops/.config/remlite-nodejs/actions.yaml';

const GOOD = `# my actions
actions:
  - name: reload
    key: L
    scope: service
    description: reload the unit's configuration
    expect: the unit re-reads its config; the next probe shows it active
    command: systemctl reload -- {service}
  - name: uptime
    key: U
    scope: host
    command: |
      logger "checked by remlite" && uptime
  - name: drain
    key: D
    scope: pool
    command: /usr/local/bin/drain --pool {pool} --host {host}
`;

test('a good file gives its actions with their origin', () => {
  const r = parseUserActions(GOOD, FILE);
  assert.deepEqual(r.issues, []);
  assert.deepEqual(
    r.actions.map((a) => [a.name, a.key, a.scope, a.origin]),
    [
      ['reload', 'L', 'service', `${FILE}:3`],
      ['uptime', 'U', 'host', `${FILE}:9`],
      ['drain', 'D', 'pool', `${FILE}:14`],
    ],
  );
  assert.equal(r.actions[1]?.command, 'logger "checked by remlite" && uptime', 'block scalar, trailing newline dropped');
  assert.equal(r.actions[0]?.expect, 'the unit re-reads its config; the next probe shows it active');
});

/** One entry with these lines, the others good; returns the issues' text. */
function problems(entry: string, extra = ''): string[] {
  const r = parseUserActions(`actions:\n${entry}${extra}`, FILE);
  return r.issues.map((i) => `${i.line}: ${i.reason} — ${i.hint}`);
}

test('every mistake is reported with its line and what to do; only the bad entry is left out', () => {
  const bad = (fields: string) => `  - ${fields.split('\n').join('\n    ')}\n`;
  assert.match(problems(bad('name: a\nkey: L\nscope: service\ncommand: echo {hots}'))[0]!, /^5: action "a": unknown placeholder \{hots\}/);
  assert.match(problems(bad('name: a\nkey: r\nscope: service\ncommand: echo'))[0]!, /^3: action "a": key "r" is already a built-in key where service actions are read — pick a free key/);
  assert.match(problems(bad('name: a\nkey: A\nscope: pool\ncommand: echo'))[0]!, /key "A" is already a built-in key/);
  assert.match(problems(bad('name: a\nkey: P\nscope: host\ncommand: echo'))[0]!, /key "P" is already a built-in key/, 'host actions work in every tab, Findings included');
  assert.match(problems(bad('name: a\nkey: L\nscope: cluster\ncommand: echo'))[0]!, /^4: action "a": scope "cluster" is not host, service or pool/);
  assert.match(problems(bad("name: a\nkey: L\nscope: host\ncommand: ''"))[0]!, /^5: action "a": the command is empty/);
  assert.match(problems(bad('name: a\nkey: L\nscope: host\ncommand: echo {service}'))[0]!, /\{service\} is only known to service actions/);
  assert.match(problems(bad('name: a\nkey: LL\nscope: host\ncommand: echo'))[0]!, /not one printable character/);
  assert.match(problems(bad('name: a\nkey: L\nscope: host\ncommand: echo\nconfirm: false'))[0]!, /"confirm" is not supported: every user action asks/);
  assert.match(problems(bad('name: a\nkey: L\nscope: host\ncomand: echo'))[0]!, /unknown field "comand" — did you mean "command"\?/);
  assert.match(problems(bad('name: A B\nkey: L\nscope: host\ncommand: echo'))[0]!, /name "A B" is not usable/);
  assert.match(problems(bad('name: a\nkey: L\nscope: host'))[0]!, /^2: action "a" has no command/);
  assert.match(problems('  - name: a\n    key: L\n    scope: host\n    command: echo\n', bad('name: b\nkey: L\nscope: service\ncommand: echo'))[0]!, /^6: key "L" of "b" is already bound to "a" \(host/);
  assert.match(problems('  - name: a\n    key: [x\n')[0]!, /not valid YAML/);
  assert.match(parseUserActions('- name: a\n', FILE).issues[0]!.reason, /mapping with one key, "actions"/);
  const mixed = parseUserActions(`actions:\n${bad('name: ok\nkey: L\nscope: host\ncommand: uptime')}${bad('name: broken\nkey: r\nscope: service\ncommand: x')}`, FILE);
  assert.deepEqual(mixed.actions.map((a) => a.name), ['ok']);
  assert.equal(mixed.issues.length, 1);
});

test('the file is optional; a broken one is reported as file:line:column warnings, never a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-ua-'));
  assert.deepEqual(loadUserActions(join(dir, 'actions.yaml')), { actions: [], warnings: [] });
  const file = join(dir, 'actions.yaml');
  writeFileSync(file, 'actions:\n  - name: x\n    key: j\n    scope: pool\n    command: echo\n');
  const r = loadUserActions(file);
  assert.deepEqual(r.actions, []);
  assert.match(r.warnings[0]!, new RegExp(`^${file.replace(/[.]/g, '\\.')}:3:10: action "x": key "j" is already a built-in key.* — pick a free key .*\\(action left out\\)$`));
});

/** Single-character keys a hint list names ("j/k ↑/↓" → j k; "1-4" → 1 2 3 4; "Space" → " "). */
function hintKeys(hints: readonly KeyHint[]): string[] {
  const out: string[] = [];
  for (const h of hints) {
    for (const token of h.keys.split(' ')) {
      for (const part of token === '/' ? ['/'] : token.split('/')) {
        const range = /^(\d)-(\d)$/.exec(part);
        if (range) for (let d = Number(range[1]); d <= Number(range[2]); d++) out.push(String(d));
        else if (part === 'Space') out.push(' ');
        else if (part.length === 1 && part.charCodeAt(0) < 128) out.push(part);
      }
    }
  }
  return out;
}

test('the reserved keys cover every built-in key the registry binds on the screens user actions live on', () => {
  const registry = buildRegistry({ readOnly: false });
  const keys = (...sections: KeySection[]) => registry.hints(sections, 'builtin');
  const hostView: KeySection[] = ['host', 'host-key', 'ec2'];
  const screens = {
    pool: keys('grid'),
    service: keys(...hostView, 'services'),
    host: keys(...hostView, 'services', 'volumes', 'log-sources', 'log-view', 'findings'),
  } as const;
  for (const [scope, hints] of Object.entries(screens)) {
    const missing = hintKeys(hints).filter((key) => !RESERVED_KEYS[scope as keyof typeof screens].includes(key));
    assert.deepEqual(missing, [], `${scope}: keys used by the screen but not reserved`);
  }
});

test('the planner plans a user action like a built-in one: quoted values, sudo for non-root, refusals', () => {
  const { actions } = parseUserActions(GOOD, FILE);
  const userEntries = userCatalogue(actions);
  const store = fleetStore();
  const web1 = store.getState().hosts['web1'];
  const r = planAction({ action: 'user:reload', machineId: 'web1', params: { service: 'php-fpm' } }, web1, false, { userEntries });
  assert.ok('plan' in r);
  // The fixture's ssh user is "ops": the same sudo -n wrapper as the built-in repairs.
  assert.equal(r.plan.command, "sudo -n -- sh -c 'systemctl reload -- php-fpm'");
  assert.equal(r.plan.title, 'reload php-fpm');
  const quoted = planAction({ action: 'user:reload', machineId: 'web1', params: { service: "php'fpm" } }, web1, false, { userEntries });
  assert.ok('refused' in quoted && /is not a valid service name/.test(quoted.refused), 'a service name is a name');
  assert.equal(r.plan.expected, 'the unit re-reads its config; the next probe shows it active');
  assert.equal(r.plan.transport, 'ssh');
  const pool = planAction({ action: 'user:drain', machineId: 'web1', params: {} }, web1, false, { userEntries });
  assert.ok('plan' in pool);
  assert.match(pool.plan.command, /drain --pool web --host web1/);
  assert.deepEqual(planAction({ action: 'user:reload', machineId: 'web1', params: { service: 'x' } }, web1, true, { userEntries }), { refused: 'read-only mode: actions are disabled' });
  assert.deepEqual(planAction({ action: 'user:reload', machineId: 'web1', params: { service: 'x' } }, web1, false), { refused: 'unknown action "user:reload"' });
  assert.match(JSON.stringify(planAction({ action: 'user:reload', machineId: 'web1', params: {} }, web1, false, { userEntries })), /no service given/);
  const busy = { ...web1!, busyAction: 'a1' };
  assert.match(JSON.stringify(planAction({ action: 'user:uptime', machineId: 'web1', params: {} }, busy, false, { userEntries })), /busy with another action/);
});
