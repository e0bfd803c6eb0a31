import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAction } from '../../src/actions/planner.js';
import { detectAll, DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import { createFleetStore } from '../../src/store/index.js';
import { hostRow, fleetRows } from '../../src/store/selectors.js';
import { ProviderRefresh } from '../../src/poller/provider-refresh.js';
import type { CloudListing, CloudProvider, Ec2Info, Machine, PollResult } from '../../src/model/index.js';
import { ec2Info } from '../support/ec2-info.js';

function ec2(state: string, extra: Partial<Ec2Info> = {}): Machine {
  const cloud = ec2Info({ state, ...extra });
  return { id: 'ec2:default:us-east-1:i-0abc', name: 'box', provider: 'ec2', site: 'us-east-1', pool: 'ec2', role: '', services: [], logs: [], origin: 'ec2', cloud };
}

function host(m: Machine, poll?: PollResult) {
  const store = createFleetStore();
  store.getState().setMachines([m]);
  if (poll) store.getState().applyPolls([{ result: poll, findings: [] }]);
  return store.getState().hosts[m.id];
}

test('cloud plans: transport cloud, aws command without --profile for the default chain, state preconditions', () => {
  const out = planAction({ action: 'ec2.reboot', machineId: 'ec2:default:us-east-1:i-0abc', params: {} }, host(ec2('running')), false);
  assert.ok('plan' in out);
  assert.equal(out.plan.transport, 'cloud');
  assert.equal(out.plan.command, 'aws ec2 reboot-instances --region us-east-1 --instance-ids i-0abc');
  const refuse = (action: string, state: string) => {
    const r = planAction({ action, machineId: 'ec2:default:us-east-1:i-0abc', params: {} }, host(ec2(state)), false);
    return 'refused' in r ? r.refused : '';
  };
  assert.match(refuse('ec2.start', 'running'), /cannot start an instance that is running/);
  assert.match(refuse('ec2.reboot', 'stopped'), /cannot reboot/);
  assert.equal(refuse('ec2.start', 'stopped'), '');
  assert.equal(refuse('ec2.stop', 'running'), '');
  const ro = planAction({ action: 'ec2.stop', machineId: 'ec2:default:us-east-1:i-0abc', params: {} }, host(ec2('running')), true);
  assert.deepEqual(ro, { refused: 'read-only mode: actions are disabled' });
  const notCloud = { ...ec2('running') };
  delete notCloud.cloud;
  const nc = planAction({ action: 'ec2.stop', machineId: notCloud.id, params: {} }, host(notCloud), false);
  assert.ok('refused' in nc && /not an EC2 instance/.test(nc.refused));
});

test('failed status checks are critical only while running; events are warnings; completed events are not', () => {
  const poll: PollResult = { machineId: 'x', at: 0, reach: 'ok' };
  const detect = (m: Machine) => detectAll({ machine: m, poll, now: 0, thresholds: DEFAULT_THRESHOLDS });
  const sys = detect(ec2('running', { status: { system: 'impaired', instance: 'ok', events: [] } }));
  assert.deepEqual(sys.map((f) => [f.class, f.severity, f.summary]), [['ec2-status-failed', 'critical', 'EC2 system status check failed']]);
  assert.deepEqual(detect(ec2('stopped', { status: { system: 'impaired', instance: 'impaired', events: [] } })), []);
  assert.deepEqual(detect(ec2('running', { status: { system: 'initializing', instance: 'insufficient-data', events: [] } })), []);
  const ev = detect(ec2('running', { status: { system: 'ok', instance: 'ok', events: [{ code: 'system-maintenance', description: 'maintenance' }, { code: 'instance-reboot', description: '[Completed] reboot' }] } }));
  assert.deepEqual(ev.map((f) => [f.class, f.severity, f.subject]), [['ec2-scheduled-event', 'warning', 'system-maintenance']]);
});

test('grid rows: a stopped instance shows its EC2 state, is not counted unreachable, and state:stopped filters it', () => {
  const m = ec2('stopped');
  const h = host(m, { machineId: m.id, at: Date.now(), reach: 'cloud-stopped', error: 'EC2 instance is stopped' })!;
  const row = hostRow(h, Date.now());
  assert.equal(row.cloudState, 'stopped');
  assert.equal(row.health, 'unknown');
  assert.equal(fleetRows({ hosts: { [m.id]: h }, order: [m.id] }, { filter: 'state:stopped', now: Date.now() }).length, 1);
  assert.equal(fleetRows({ hosts: { [m.id]: h }, order: [m.id] }, { filter: 'state:down', now: Date.now() }).length, 0);
  const running = hostRow(host(ec2('running'))!, Date.now());
  assert.equal(running.cloudState, undefined);
});

test('provider refresh: merges with static machines (static wins), marks a listing that throws and keeps the last machines', async () => {
  let calls = 0;
  let fail = false;
  const provider: CloudProvider = {
    name: 'ec2',
    async list(): Promise<CloudListing> {
      calls++;
      if (fail) throw new Error('socket hang up');
      return { machines: [ec2('running'), { ...ec2('running'), id: 'web1' }], parts: { 'ec2:default:us-east-1': { ok: true, machines: 2 } } };
    },
    async run() {
      return { ok: true, output: '', durationMs: 0 };
    },
  };
  const store = createFleetStore();
  const web1: Machine = { id: 'web1', name: 'web1', provider: 'datacenter', site: 'fra1', pool: 'web', role: '', services: [], logs: [], origin: 'inventory.yaml:1' };
  const refresh = new ProviderRefresh(store, provider, () => [web1], { intervalMs: 60_000, fastIntervalMs: 60_000, fastForMs: 0 });
  await refresh.start();
  assert.deepEqual(store.getState().order, ['web1', 'ec2:default:us-east-1:i-0abc']);
  assert.equal(store.getState().hosts['web1']?.machine.provider, 'datacenter');
  assert.deepEqual(store.getState().providers['ec2:default:us-east-1'], { ok: true, machines: 2 });
  fail = true;
  await refresh.refreshNow();
  assert.equal(calls, 2);
  assert.deepEqual(store.getState().providers['ec2'], { ok: false, message: 'listing failed: socket hang up', machines: 2 });
  assert.equal(store.getState().order.length, 2, 'the last machines stay');
  fail = false;
  await refresh.refreshNow();
  refresh.stop();
  assert.equal(store.getState().providers['ec2']?.ok, true, 'the failure mark is cleared once listing works again');
});
