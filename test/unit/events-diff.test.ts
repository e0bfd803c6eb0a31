// The events diff (src/app/fleet-events.ts): successive store states in, the timeline's events out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetEventDiff } from '../../src/app/fleet-events.js';
import { createFleetStore, type FleetStore } from '../../src/store/index.js';
import type { ActionPlan, Finding, FleetEvent } from '../../src/model/index.js';
import { filterEvents } from '../../src/store/event-filter.js';
import { machine, probe } from './views-fixtures.js';

const finding = (machineId: string, cls: Finding['class'], subject: string, severity: Finding['severity'] = 'critical', summary = `${subject} is down`): Finding => ({
  machineId,
  class: cls,
  severity,
  summary,
  evidence: [],
  subject,
  repairs: [],
});

let clock = 0;
function poll(store: FleetStore, id: string, findings: Finding[], probed = true): void {
  clock += 1000;
  store.getState().applyPolls([{ result: { machineId: id, at: clock, reach: probed ? 'ok' : 'unreachable', ...(probed ? { probe: probe(id) } : {}) }, findings }]);
}

function setup(): { store: FleetStore; diff: FleetEventDiff; events: () => FleetEvent[] } {
  const store = createFleetStore();
  store.getState().setMachines([machine('web1', 'web'), machine('web2', 'web', { name: 'web2\u001b]0;pwned\u0007' })]);
  const diff = new FleetEventDiff('ops@console');
  const seen: FleetEvent[] = [];
  diff.update(store.getState());
  // Both hosts polled once, healthy: what follows are changes seen by this console.
  poll(store, 'web1', []);
  poll(store, 'web2', []);
  diff.update(store.getState());
  store.subscribe((s) => seen.push(...diff.update(s, new Date('2026-12-02T12:00:00Z'))));
  return { store, diff, events: () => seen };
}

test('the first state is the starting point: nothing is reported for what was already there', () => {
  const store = createFleetStore();
  store.getState().setMachines([machine('web1', 'web')]);
  poll(store, 'web1', [finding('web1', 'service-down', 'apache2')]);
  store.getState().setProvider('ec2', { ok: false, message: 'throttled', machines: 0 });
  assert.deepEqual(new FleetEventDiff('ops').update(store.getState()), []);
});

test('a finding raised, then cleared; the first critical one marks the host turning critical, once', () => {
  const { store, events } = setup();
  poll(store, 'web1', [finding('web1', 'service-down', 'apache2')]);
  poll(store, 'web1', [finding('web1', 'service-down', 'apache2')]); // every poll: no new event
  poll(store, 'web1', [finding('web1', 'service-down', 'apache2'), finding('web1', 'service-down', 'cron')]);
  poll(store, 'web1', [finding('web1', 'service-down', 'cron')]);
  poll(store, 'web1', []);
  assert.deepEqual(
    events().map((e) => [e.kind, e.subject, e.severity, e.hostTurnedCritical ?? false]),
    [
      ['finding-raised', 'apache2', 'critical', true],
      ['finding-raised', 'cron', 'critical', false],
      ['finding-cleared', 'apache2', 'critical', false],
      ['finding-cleared', 'cron', 'critical', false],
    ],
  );
  const first = events()[0]!;
  assert.equal(first.host, 'web1');
  assert.equal(first.class, 'service-down');
  assert.equal(first.at, '2026-12-02T12:00:00.000Z');
  // Critical again after being clear: a new transition.
  poll(store, 'web1', [finding('web1', 'disk-full', '/', 'warning'), finding('web1', 'disk-full', '/var')]);
  assert.deepEqual(events().slice(4).map((e) => [e.subject, e.hostTurnedCritical ?? false]), [['/', false], ['/var', true]]);
});

test('the first poll of a host: its warnings and critical findings start the timeline, its info findings do not, and nobody is paged', () => {
  const store = createFleetStore();
  store.getState().setMachines([machine('web1', 'web')]);
  const diff = new FleetEventDiff('ops');
  diff.update(store.getState());
  poll(store, 'web1', [finding('web1', 'not-accepted', 'baseline', 'info'), finding('web1', 'service-down', 'apache2'), finding('web1', 'disk-full', '/', 'warning')]);
  const events = diff.update(store.getState());
  assert.deepEqual(events.map((e) => [e.class, e.severity, e.hostTurnedCritical ?? false]), [
    ['service-down', 'critical', false],
    ['disk-full', 'warning', false],
  ]);
  // The info finding turning into a warning is news; gone then, its going is too.
  poll(store, 'web1', [finding('web1', 'not-accepted', 'baseline', 'info')]);
  assert.deepEqual(diff.update(store.getState()).map((e) => [e.kind, e.class]), [
    ['finding-cleared', 'service-down'],
    ['finding-cleared', 'disk-full'],
  ]);
  poll(store, 'web1', [finding('web1', 'not-accepted', 'baseline', 'warning')]);
  assert.deepEqual(diff.update(store.getState()).map((e) => [e.kind, e.class, e.severity]), [['finding-raised', 'not-accepted', 'warning']]);
  poll(store, 'web1', []);
  assert.deepEqual(diff.update(store.getState()).map((e) => [e.kind, e.class]), [['finding-cleared', 'not-accepted']]);
});

test('a finding whose severity changes is reported again; a warning alone never turns the host critical', () => {
  const { store, events } = setup();
  poll(store, 'web1', [finding('web1', 'disk-full', '/', 'warning')]);
  poll(store, 'web1', [finding('web1', 'disk-full', '/', 'critical')]);
  assert.deepEqual(events().map((e) => [e.kind, e.severity, e.hostTurnedCritical ?? false]), [
    ['finding-raised', 'warning', false],
    ['finding-raised', 'critical', true],
  ]);
});

test('a poll without a probe does not clear what it could not see; the next probe does', () => {
  const { store, events } = setup();
  poll(store, 'web1', [finding('web1', 'service-down', 'apache2')]);
  poll(store, 'web1', [finding('web1', 'unreachable', 'ssh')], false);
  poll(store, 'web1', [finding('web1', 'service-down', 'apache2')]);
  poll(store, 'web1', []);
  assert.deepEqual(events().map((e) => [e.kind, e.class]), [
    ['finding-raised', 'service-down'],
    ['finding-raised', 'unreachable'],
    ['finding-cleared', 'unreachable'],
    ['finding-cleared', 'service-down'],
  ]);
});

test('Alertmanager alerts fire and resolve under their alert name', () => {
  const { store, events } = setup();
  poll(store, 'web1', [finding('web1', 'alert-firing', 'HighLatency/abc123', 'warning', 'alert HighLatency: p99 over 2s')]);
  poll(store, 'web1', []);
  assert.deepEqual(events().map((e) => [e.kind, e.alert, e.summary]), [
    ['alert-firing', 'HighLatency', 'alert HighLatency: p99 over 2s'],
    ['alert-resolved', 'HighLatency', 'alert HighLatency no longer active (resolved or silenced)'],
  ]);
});

test('actions: started then finished, with the operator, the action id and the exit code', () => {
  const { store, events } = setup();
  const plan: ActionPlan = {
    intent: { action: 'service.restart', machineId: 'web1', params: { service: 'apache2' } },
    title: 'Restart apache2',
    hostName: 'web1',
    command: 'systemctl restart -- apache2.service',
    expected: 'active',
    transport: 'ssh',
  };
  store.getState().actionStarted({ id: 'run-1', plan, state: 'running', startedAt: 1 });
  store.getState().actionFinished('run-1', { exitCode: 1, outputTail: '', durationMs: 5 });
  assert.deepEqual(events().map((e) => [e.kind, e.operator, e.action, e.actionId, e.host, e.exitCode]), [
    ['action-started', 'ops@console', 'service.restart', 'run-1', 'web1', undefined],
    ['action-finished', 'ops@console', 'service.restart', 'run-1', 'web1', 1],
  ]);
  assert.match(events()[1]!.summary, /Restart apache2 failed \(exit 1\)/);
});

test('providers failing and recovering, with the message', () => {
  const { store, events } = setup();
  store.getState().setProvider('ec2', { ok: true, machines: 3 });
  store.getState().setProvider('ec2', { ok: false, message: 'listing failed: \u001b[31mThrottling', machines: 3 });
  store.getState().setProvider('ec2', { ok: false, message: 'listing failed again', machines: 3 });
  store.getState().setProvider('ec2', { ok: true, machines: 3 });
  assert.deepEqual(events().map((e) => [e.kind, e.provider, e.summary]), [
    ['provider-failed', 'ec2', 'ec2 failing: listing failed: Throttling'],
    ['provider-recovered', 'ec2', 'ec2 recovered (3 hosts)'],
  ]);
});

test('remote text is sanitized: a host name with an escape sequence arrives inert', () => {
  const { store, events } = setup();
  poll(store, 'web2', [finding('web2', 'service-down', 'php\u202efpm', 'critical', 'php is down\u0007\u001b[2J')]);
  const e = events()[0]!;
  assert.equal(e.host, 'web2');
  assert.equal(e.summary, 'php is down');
  assert.equal(e.subject, 'php<U+202E>fpm');
});

test('a host that leaves the fleet takes its findings with it, without "cleared" events', () => {
  const { store, events } = setup();
  poll(store, 'web2', [finding('web2', 'service-down', 'php')]);
  store.getState().setMachines([machine('web1', 'web')]);
  assert.deepEqual(events().map((e) => e.kind), ['finding-raised']);
});

test('the Events filter: field words, sev: as a floor, bare words anywhere', () => {
  const ev = (e: Partial<FleetEvent>): FleetEvent => ({ at: '2026-12-02T12:00:00Z', kind: 'finding-raised', summary: '', ...e });
  const all = [
    ev({ host: 'web1', class: 'service-down', severity: 'critical', summary: 'apache2 is down' }),
    ev({ host: 'web2', class: 'disk-full', severity: 'warning', summary: '/ at 91%' }),
    ev({ kind: 'action-started', host: 'web1', action: 'service.restart', operator: 'ops@c', summary: 'ops started Restart' }),
    ev({ kind: 'provider-failed', provider: 'ec2', summary: 'ec2 failing' }),
  ];
  assert.equal(filterEvents(all, '').length, 4);
  assert.deepEqual(filterEvents(all, 'host:web1').map((e) => e.kind), ['finding-raised', 'action-started']);
  assert.deepEqual(filterEvents(all, 'sev:warning').map((e) => e.host), ['web1', 'web2']);
  assert.deepEqual(filterEvents(all, 'sev:critical host:web').map((e) => e.host), ['web1']);
  assert.deepEqual(filterEvents(all, 'kind:action').map((e) => e.action), ['service.restart']);
  assert.deepEqual(filterEvents(all, 'class:disk').map((e) => e.host), ['web2']);
  assert.deepEqual(filterEvents(all, 'EC2').map((e) => e.kind), ['provider-failed']);
  assert.deepEqual(filterEvents(all, 'apache2 web2'), []);
});
