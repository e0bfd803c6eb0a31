import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthFindingOf, rolloutWaves } from '../../src/actions/rollout-plan.js';
import { poolRepairHosts } from '../../src/store/pool-hosts.js';
import { createFleetStore } from '../../src/store/index.js';
import type { Finding, Machine } from '../../src/model/index.js';

test('the canary goes alone, then batches of N', () => {
  assert.deepEqual(rolloutWaves(['a', 'b', 'c', 'd', 'e'], 2), [['a'], ['b', 'c'], ['d', 'e']]);
  assert.deepEqual(rolloutWaves(['a', 'b', 'c'], 1), [['a'], ['b'], ['c']]);
  assert.deepEqual(rolloutWaves(['a'], 3), [['a']]);
  assert.deepEqual(rolloutWaves([], 3), []);
  assert.deepEqual(rolloutWaves(['a', 'b'], 0), [['a'], ['b']], 'a batch size below 1 means one at a time');
});

test('pool repair hosts: canary first, then same-pool hosts having the finding', () => {
  const m = (id: string, pool: string): Machine => ({ id, name: id, provider: 'datacenter', site: 's', pool, role: '', services: [], logs: [], origin: 't' });
  const down = (id: string, subject: string): Finding => ({ machineId: id, class: 'service-down', severity: 'critical', summary: '', evidence: [], subject, repairs: [] });
  const store = createFleetStore();
  store.getState().setMachines([m('w1', 'web'), m('w2', 'web'), m('w3', 'web'), m('d1', 'db')]);
  store.getState().applyPolls([
    { result: { machineId: 'w1', at: 1, reach: 'ok' }, findings: [down('w1', 'apache2')] },
    { result: { machineId: 'w2', at: 1, reach: 'ok' }, findings: [] },
    { result: { machineId: 'w3', at: 1, reach: 'ok' }, findings: [down('w3', 'apache2')] },
    { result: { machineId: 'd1', at: 1, reach: 'ok' }, findings: [down('d1', 'apache2')] },
  ]);
  const s = store.getState();
  assert.deepEqual(poolRepairHosts(s, 'w3', { class: 'service-down', subject: 'apache2' }), ['w3', 'w1']);
  assert.deepEqual(poolRepairHosts(s, 'w1', { class: 'service-down', subject: 'nginx' }), ['w1']);
  assert.deepEqual(poolRepairHosts(s, 'w2'), ['w2', 'w1', 'w3']);
  assert.deepEqual(poolRepairHosts(s, 'nope'), []);
});

test('over marked hosts, a started or restarted service is healthy when its service-down finding is gone; other actions have no own finding', () => {
  assert.deepEqual(healthFindingOf('service.restart', { service: 'rsyslog' }), { class: 'service-down', subject: 'rsyslog' });
  assert.deepEqual(healthFindingOf('service.start', { service: 'apache2' }), { class: 'service-down', subject: 'apache2' });
  assert.equal(healthFindingOf('service.stop', { service: 'apache2' }), undefined);
  assert.equal(healthFindingOf('user:drain', {}), undefined);
});
