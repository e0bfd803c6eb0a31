// --read-only against every key: on each screen (grid, pool header row, host view tabs, an open
// log, findings, an EC2 host, an untrusted host) every printable key and the special keys are
// pressed (and `y` after any key that changed the screen, to accept whatever it may have asked):
// the views never plan, run, trust, accept a baseline nor start a pool repair. The planner (the
// core's gate) refuses every catalogue action in read-only mode as well.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { render, cleanup } from 'ink-testing-library';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import type { FleetStore } from '../../src/store/index.js';
import { CATALOGUE } from '../../src/actions/catalogue/index.js';
import { planAction } from '../../src/actions/planner.js';
import type { Ec2Info } from '../../src/model/index.js';
import { fleetStore, machine, NOW, probe, RecordingIntents, typeKeys } from './views-fixtures.js';

afterEach(() => cleanup());

const SPECIAL = ['\r', '\u001B', '\t', '\u001B[A', '\u001B[B', '\u001B[C', '\u001B[D', '\u001B[5~', '\u001B[6~', '\u001B[H', '\u001B[F', '\u007F', '\u0003'];
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const KEYS = [...PRINTABLE, ...SPECIAL];
/** What a view may still ask for in read-only mode: looking, never changing. */
const ALLOWED = new Set(['openLog', 'closeLog', 'refresh']);

const cloud: Ec2Info = {
  instanceId: 'i-0ro0000000000001', region: 'eu-west-1', account: 'prod', profile: 'prod', state: 'running', stateReason: '',
  instanceType: 't3.small', az: 'eu-west-1a', privateIp: '10.0.0.9', tags: {}, volumes: [],
};

function readOnlyStore(): FleetStore {
  const store = fleetStore({ readOnly: true });
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

interface Screen {
  name: string;
  /** Keys that lead from a fresh grid to the screen. */
  path: string[];
  /** The screen is showing (checked after navigating). */
  shows: RegExp;
}

const host = (name: string, ...rest: string[]) => ['/', ...name, '\r', '\r', ...rest];
const SCREENS: Screen[] = [
  { name: 'fleet grid', path: [], shows: /Enter open/ },
  { name: 'pool header row (grouped grid)', path: ['p', 'g'], shows: /^0\/\d+ .*by pool/m },
  { name: 'host Services', path: host('web2'), shows: /php-fpm\s+failed/ },
  { name: 'host Volumes', path: host('web2', '2'), shows: /MOUNT\s+DEVICE/ },
  { name: 'host Logs (sources)', path: host('web2', '3'), shows: /choose a log source/ },
  { name: 'an open log', path: host('web2', '3', '\r'), shows: /nginx · .*following/ },
  { name: 'host Findings', path: host('web2', '4'), shows: /php-fpm is failed/ },
  { name: 'EC2 host', path: host('app1'), shows: /app1\s+ec2\/eu-west-1/ },
  { name: 'untrusted host', path: host('key1'), shows: /SHA256:abcDEF123/ },
];

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The frame without ages and clocks, which move on their own. */
const steady = (f: string) => f.replace(/\d+(\.\d+)?(ms|s|m|h|d)\b/g, '#');

async function open(screen: Screen, store: FleetStore, intents: RecordingIntents) {
  const r = render(<App store={store} intents={intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  await pause(30);
  await typeKeys(r, ...screen.path);
  const frame = r.lastFrame() ?? '';
  assert.match(frame, screen.shows, `${screen.name} is showing`);
  return { r, home: steady(frame) };
}

for (const screen of SCREENS) {
  test(`read-only, ${screen.name}: no key plans, runs, trusts or accepts anything`, async () => {
    const store = readOnlyStore();
    const intents = new RecordingIntents(store);
    let { r, home } = await open(screen, store, intents);
    for (const key of KEYS) {
      r.stdin.write(key);
      await pause(25);
      const changed = steady(r.lastFrame() ?? '') !== home;
      if (changed) {
        r.stdin.write('y'); // accept whatever the key may have asked
        await pause(25);
      }
      const forbidden = intents.calls.filter((c) => !ALLOWED.has(c.name));
      assert.deepEqual(forbidden.map((c) => c.name), [], `after ${JSON.stringify(key)} on ${screen.name}`);
      if (changed) {
        // Back to a fresh copy of the screen for the next key.
        r.unmount();
        ({ r, home } = await open(screen, store, intents));
      }
    }
    assert.equal(store.getState().readOnly, true);
    assert.deepEqual(store.getState().actions, [], 'no action ever started');
  });
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
