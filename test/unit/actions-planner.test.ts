import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAction } from '../../src/actions/planner.js';
import type { HostState } from '../../src/store/index.js';
import type { Machine } from '../../src/model/index.js';

function host(over: Partial<Machine> = {}, extra: Partial<HostState> = {}): HostState {
  const machine: Machine = {
    id: 'web1',
    name: 'web1',
    provider: 'datacenter',
    site: 'dc1',
    pool: 'web',
    role: 'frontend',
    services: ['apache2'],
    logs: [],
    origin: 'inventory.yaml:3',
    ssh: { host: '127.0.0.1', port: 22, user: 'root', identityFiles: [], knownHostsFiles: [] },
    ...over,
  };
  return { machine, findings: [], severity: 'ok', ...extra };
}

const intent = (action: string, service = 'apache2') => ({ action, machineId: 'web1', params: { service } });

test('restart on a systemd host is one exact, quoted systemctl command', () => {
  const r = planAction(intent('service.restart'), host(), false);
  assert.ok('plan' in r);
  assert.equal(r.plan.command, 'systemctl restart -- apache2.service');
  assert.equal(r.plan.hostName, 'web1');
  assert.equal(r.plan.transport, 'ssh');
  assert.match(r.plan.expected, /active/);
});

test('start and stop use their own verbs; units with a suffix keep it', () => {
  const start = planAction(intent('service.start', 'cron.service'), host(), false);
  const stop = planAction(intent('service.stop'), host(), false);
  assert.ok('plan' in start && 'plan' in stop);
  assert.equal(start.plan.command, 'systemctl start -- cron.service');
  assert.equal(stop.plan.command, 'systemctl stop -- apache2.service');
});

test('sysvinit hosts get service(8)', () => {
  const h = host({}, {
    probe: {
      hostname: 'web1', remoteTimeMs: 0, uptimeSec: 1, load1: 0, load5: 0, load15: 0, cpus: 1,
      memTotalBytes: 1, memAvailableBytes: 1, swapTotalBytes: 0, swapFreeBytes: 0, kernel: '', init: 'sysvinit',
      volumes: [], services: [], warnings: [],
    },
  });
  const r = planAction(intent('service.restart'), h, false);
  assert.ok('plan' in r);
  assert.equal(r.plan.command, 'service apache2 restart');
});

test('a non-root user goes through sudo -n with the command quoted as one word', () => {
  const r = planAction(intent('service.restart'), host({ ssh: { host: 'h', port: 22, user: 'ops', identityFiles: [], knownHostsFiles: [] } }), false);
  assert.ok('plan' in r);
  assert.equal(r.plan.command, "sudo -n -- sh -c 'systemctl restart -- apache2.service'");
});

test('the local machine runs locally', () => {
  const r = planAction(intent('service.restart'), host({ ssh: undefined, provider: 'local' }), false);
  assert.ok('plan' in r);
  assert.equal(r.plan.transport, 'local');
});

test('refusals: read-only, unknown host, unknown action, hostile service name, busy host', () => {
  const refused = (r: ReturnType<typeof planAction>) => ('refused' in r ? r.refused : '');
  assert.match(refused(planAction(intent('service.restart'), host(), true)), /read-only/);
  assert.match(refused(planAction(intent('service.restart'), undefined, false)), /unknown host/);
  assert.match(refused(planAction(intent('disk.format'), host(), false)), /unknown action/);
  for (const bad of ['a;touch /tmp/x', '$(id)', '-rf', 'x y', 'a\nb'])
    assert.match(refused(planAction(intent('service.restart', bad), host(), false)), /not a valid service name/);
  assert.match(refused(planAction(intent('service.restart'), host({}, { busyAction: 'x' }), false)), /busy/);
});
