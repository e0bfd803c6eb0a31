import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostBaseline, Machine } from '../../src/model/index.js';
import { probeScriptFor } from '../../src/poller/probe-host.js';
import { buildProbeScript } from '../../src/probe/script.js';

const machine = (services: string[]): Machine => ({ id: 'web1', name: 'web1', provider: 'datacenter', site: 's', pool: 'p', role: '', services, logs: [], origin: 'test' });

test('the probe script is built once per machine and again only when what it is built from changes', () => {
  const m = machine(['nginx']);
  const first = probeScriptFor(m, undefined, 300);
  assert.equal(first, buildProbeScript(['nginx'], undefined, undefined, { intervalSec: 300 }));
  assert.equal(probeScriptFor(m, undefined, 300), first);

  m.services = ['nginx', 'cron'];
  const services = probeScriptFor(m, undefined, 300);
  assert.equal(services, buildProbeScript(['nginx', 'cron'], undefined, undefined, { intervalSec: 300 }), 'new services: built again');

  const baseline: HostBaseline = { machineId: 'web1', acceptedAt: '2026-12-04T10:00:00.000Z', acceptedBy: 'op', files: {}, modules: [], databases: {}, learned: { units: ['ssh.service'], sockets: [] } };
  const accepted = probeScriptFor(m, baseline, 300);
  assert.notEqual(accepted, services, 'an accepted baseline changes the script');
  assert.equal(accepted, buildProbeScript(['nginx', 'cron'], undefined, baseline.learned, { intervalSec: 300, acceptedAt: baseline.acceptedAt }));
  assert.notEqual(probeScriptFor(m, baseline, 60), accepted, 'another heavy cadence: built again');
});
