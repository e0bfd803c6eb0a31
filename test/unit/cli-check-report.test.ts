import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReport, NAGIOS } from '../../src/cli/check-report.js';
import { createFleetStore } from '../../src/store/index.js';
import type { Finding, Machine, Severity } from '../../src/model/index.js';

const m = (id: string): Machine => ({ id, name: id, provider: 'datacenter', site: 's', pool: 'p', role: '', services: [], logs: [], origin: 't' });
const f = (id: string, severity: Severity, summary: string): Finding => ({ machineId: id, class: 'service-down', severity, summary, evidence: [], repairs: [] });

function stateWith(findings: Record<string, Finding[]>, reach: Record<string, 'ok' | 'unreachable'> = {}) {
  const store = createFleetStore();
  store.getState().setMachines(Object.keys(findings).map(m));
  store.getState().applyPolls(Object.entries(findings).map(([id, list]) => ({ result: { machineId: id, at: 1, reach: reach[id] ?? 'ok' }, findings: list })));
  return store.getState();
}

test('all healthy: OK, exit 0, perfdata', () => {
  const r = checkReport(stateWith({ a: [], b: [f('b', 'info', 'fyi')] }));
  assert.equal(r.code, NAGIOS.OK);
  assert.equal(r.text, 'REMLITE OK - 2 hosts healthy | hosts=2 critical=0 warning=0 unreachable=0 stopped=0 not_probed=0\n');
});

test('warnings only: WARNING, exit 1', () => {
  const r = checkReport(stateWith({ a: [f('a', 'warning', 'disk 90% full')] }));
  assert.equal(r.code, NAGIOS.WARNING);
  assert.match(r.text, /^REMLITE WARNING - 0 critical, 1 warning on 1 host \|/);
  assert.match(r.text, /\nWARNING a: disk 90% full\n$/);
});

test('any critical: CRITICAL, exit 2, worst first, unreachable counted, text sanitized', () => {
  const r = checkReport(
    stateWith({ a: [f('a', 'warning', 'w')], b: [f('b', 'critical', 'apache2 \u001b]0;x\u0007down')] }, { b: 'unreachable' }),
  );
  assert.equal(r.code, NAGIOS.CRITICAL);
  const lines = r.text.trim().split('\n');
  assert.match(lines[0]!, /unreachable=1 stopped=0 not_probed=0$/);
  assert.equal(lines[1], 'CRITICAL b: apache2 down');
  assert.equal(lines[2], 'WARNING a: w');
});

test('no hosts: UNKNOWN, exit 3', () => {
  assert.equal(checkReport(createFleetStore().getState()).code, NAGIOS.UNKNOWN);
});
