// The EC2 provider with the real AWS SDK over real HTTP, against a loopback EC2 Query endpoint
// selected with AWS_ENDPOINT_URL_EC2. Two accounts (profiles in a temp ~/.aws), two regions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeEc2, type FakeInstance } from '../support/fake-ec2.js';
import { applyEnv, awsTestEnv } from '../support/aws-env.js';
import { waitFor } from '../support/wait-for.js';
import { Ec2Provider } from '../../providers/ec2/index.js';
import { resolveEc2Config, type Ec2Config } from '../../providers/ec2/config.js';
import { systemEnv } from '../../providers/ssh-defaults.js';
import { createFleetStore } from '../../src/store/index.js';
import { ProviderRefresh } from '../../src/poller/provider-refresh.js';
import { ActionRunner } from '../../src/actions/runner.js';
import { planAction } from '../../src/actions/planner.js';
import { HostExec } from '../../src/exec/host-exec.js';
import { SshPool } from '../../src/ssh/pool.js';
import { AuditLog } from '../../src/persist/audit-log.js';
import { detectAll, DEFAULT_THRESHOLDS } from '../../src/matrix/index.js';
import { probeHost } from '../../src/poller/probe-host.js';
import type { AuditEntry, Machine } from '../../src/model/index.js';

const fake = new FakeEc2();
let home = '';
const HOSTILE_NAME = '\u001b]0;pwned\u0007\u001b[31mweb$(touch /tmp/x)`id`;rm -rf /';
const LONG = 'A'.repeat(10_000);

function web(n: number, extra: Partial<FakeInstance> = {}): FakeInstance {
  return {
    id: `i-0prod0000000000${n}`,
    state: 'running',
    type: 't3.small',
    az: 'eu-west-1b',
    privateIp: `10.1.0.${n}`,
    publicIp: `203.0.113.${n}`,
    tags: { Name: `web${n}`, 'remlite:pool': 'web', 'remlite:role': 'frontend' },
    volumes: [{ id: `vol-0root000000000${n}`, device: '/dev/xvda', sizeGiB: 8 }],
    ...extra,
  };
}

before(async () => {
  const url = await fake.start();
  const t = awsTestEnv(url, [
    { name: 'prod', accessKeyId: 'AKIDPROD' },
    { name: 'staging', accessKeyId: 'AKIDSTAGING', region: 'eu-west-1' },
  ]);
  home = t.home;
  applyEnv(t.env);
  fake.pageSize = 2; // five prod instances in eu-west-1: three DescribeInstances pages
  fake.setInstances(
    'eu-west-1',
    [
      web(1, { volumes: [{ id: 'vol-0root0000000001', device: '/dev/xvda', sizeGiB: 8 }, { id: 'vol-0data0000000001', device: '/dev/sdf', sizeGiB: 500, type: 'st1', encrypted: true, deleteOnTermination: false }] }),
      web(2, { instanceCheck: 'impaired' }),
      web(3, { events: [{ code: 'instance-retirement', description: 'The instance is running on degraded hardware', notBefore: '2030-02-01T00:00:00.000Z' }] }),
      web(4, { disableApiStop: true }),
      web(5, { tags: { Name: HOSTILE_NAME, 'remlite:pool': LONG, 'remlite:user': 'root;reboot' } }),
    ],
    'AKIDPROD',
  );
  fake.setInstances('us-east-1', [{ id: 'i-0use10000000000001', state: 'stopped', reason: 'User initiated (2024-01-02 03:04:05 GMT)', tags: { Name: 'batch1' } }], 'AKIDPROD');
  fake.setInstances('eu-west-1', [{ id: 'i-0stag0000000000001', state: 'running', privateIp: '10.9.0.1', tags: { Name: 'stage1', 'remlite:user': 'admin' } }], 'AKIDSTAGING');
});

after(async () => {
  await fake.stop();
});

function config(profiles = ['prod', 'staging'], regions = ['eu-west-1', 'us-east-1']): Ec2Config {
  const c = resolveEc2Config({ refreshSec: 30 }, { ec2: true, profiles, regions });
  assert.ok(c);
  return c;
}

const byName = (machines: Machine[], name: string) => machines.find((m) => m.name === name);

test('lists two accounts × two regions through pagination, with tags, status checks and EBS volumes', async () => {
  const p = new Ec2Provider(config(), systemEnv(home));
  const before = fake.calls.length;
  const r = await p.list();
  p.close();
  assert.deepEqual(r.parts, {
    'ec2:prod:eu-west-1': { ok: true, machines: 5 },
    'ec2:prod:us-east-1': { ok: true, machines: 1 },
    'ec2:staging:eu-west-1': { ok: true, machines: 1 },
    'ec2:staging:us-east-1': { ok: true, machines: 0 },
  });
  const calls = fake.calls.slice(before);
  const prodEu = calls.filter((c) => c.action === 'DescribeInstances' && c.accessKeyId === 'AKIDPROD' && c.region === 'eu-west-1');
  assert.deepEqual(prodEu.map((c) => c.params['NextToken'] ?? ''), ['', '2', '4'], 'followed nextToken to the last page');
  assert.ok(calls.some((c) => c.action === 'DescribeInstanceStatus' && c.params['IncludeAllInstances'] === 'true'));
  assert.ok(calls.some((c) => c.action === 'DescribeVolumes' && c.params['Filter.1.Name'] === 'attachment.instance-id'));

  const web1 = byName(r.machines, 'web1')!;
  assert.equal(web1.id, 'ec2:prod:eu-west-1:i-0prod00000000001');
  assert.deepEqual([web1.provider, web1.site, web1.pool, web1.role], ['ec2', 'eu-west-1', 'web', 'frontend']);
  assert.equal(web1.ssh?.host, '10.1.0.1', 'private address by default');
  assert.equal(web1.ssh?.user, 'ec2-user');
  assert.deepEqual(web1.cloud?.volumes.map((v) => [v.volumeId, v.device, v.sizeGiB, v.type, v.state, v.attachState, v.encrypted, v.deleteOnTermination]), [
    ['vol-0data0000000001', '/dev/sdf', 500, 'st1', 'in-use', 'attached', true, false],
    ['vol-0root0000000001', '/dev/xvda', 8, 'gp3', 'in-use', 'attached', false, true],
  ]);
  assert.deepEqual(web1.cloud?.status, { system: 'ok', instance: 'ok', events: [] });
  assert.equal(web1.cloud?.instanceType, 't3.small');
  assert.equal(web1.cloud?.az, 'eu-west-1b');

  const batch = byName(r.machines, 'batch1')!;
  assert.equal(batch.cloud?.state, 'stopped');
  assert.match(batch.cloud?.stateReason ?? '', /User initiated/);
  const stage = byName(r.machines, 'stage1')!;
  assert.equal(stage.cloud?.account, 'staging', 'the staging profile read the staging account');
  assert.equal(stage.ssh?.user, 'admin', 'user from the remlite:user tag');
});

test('--region all lists every region DescribeRegions reports as enabled', async () => {
  const p = new Ec2Provider(config(['staging'], ['all']), systemEnv(home));
  const before = fake.calls.length;
  const r = await p.list();
  p.close();
  assert.equal(fake.calls.slice(before).filter((c) => c.action === 'DescribeRegions').length, 1);
  assert.deepEqual(Object.keys(r.parts).sort(), ['ec2:staging:eu-west-1', 'ec2:staging:us-east-1']);
  assert.deepEqual(r.machines.map((m) => m.name), ['stage1']);
});

test('status checks and scheduled events become findings; stopped and address-less instances are not probed', async () => {
  const p = new Ec2Provider(config(['prod'], ['eu-west-1', 'us-east-1']), systemEnv(home));
  const { machines } = await p.list();
  p.close();
  const poll = (m: Machine) => ({ machineId: m.id, at: Date.now(), reach: 'ok' as const });
  const find = (name: string) => detectAll({ machine: byName(machines, name)!, poll: poll(byName(machines, name)!), now: Date.now(), thresholds: DEFAULT_THRESHOLDS });
  const f2 = find('web2');
  assert.deepEqual(f2.map((f) => [f.class, f.severity]), [['ec2-status-failed', 'critical']]);
  assert.deepEqual(f2[0]!.repairs.map((r) => r.action), ['ec2.reboot']);
  assert.deepEqual(find('web3').map((f) => [f.class, f.severity, f.subject]), [['ec2-scheduled-event', 'warning', 'instance-retirement']]);
  assert.deepEqual(find('web1'), []);

  // No exec happens for these: a HostExec whose pool would fail any connection is never asked.
  const exec = new HostExec(new SshPool());
  const stopped = await probeHost(exec, byName(machines, 'batch1')!, { timeoutMs: 1000, slowThresholdMs: 1000 });
  assert.equal(stopped.reach, 'cloud-stopped');
  assert.match(stopped.error ?? '', /stopped/);
  const bare = { ...byName(machines, 'web1')! };
  delete bare.ssh;
  assert.equal((await probeHost(exec, bare, { timeoutMs: 1000, slowThresholdMs: 1000 })).reach, 'no-ssh');
  const findings = detectAll({ machine: bare, poll: { machineId: bare.id, at: Date.now(), reach: 'no-ssh' }, now: Date.now(), thresholds: DEFAULT_THRESHOLDS });
  assert.ok(!findings.some((f) => f.class === 'unreachable'));
});

test('throttling (RequestLimitExceeded) is retried by the SDK and the listing still completes', async () => {
  const p = new Ec2Provider(config(['staging'], ['eu-west-1']), systemEnv(home));
  const before = fake.calls.length;
  fake.throttleNext(2);
  const r = await p.list();
  p.close();
  assert.deepEqual(r.parts['ec2:staging:eu-west-1'], { ok: true, machines: 1 });
  const describes = fake.calls.slice(before).filter((c) => c.action === 'DescribeInstances');
  assert.equal(describes.length, 3, 'two throttled attempts, then the one that answered');
});

test('a region failing with UnauthorizedOperation is marked while the other region still shows', async () => {
  fake.failRegion('us-east-1');
  try {
    const p = new Ec2Provider(config(['prod'], ['eu-west-1', 'us-east-1']), systemEnv(home));
    const r = await p.list();
    p.close();
    assert.equal(r.parts['ec2:prod:eu-west-1']?.ok, true);
    const bad = r.parts['ec2:prod:us-east-1'];
    assert.equal(bad?.ok, false);
    assert.match(bad?.message ?? '', /^UnauthorizedOperation: You are not authorized/);
    assert.ok(!(bad?.message ?? '').includes('\n'), 'one line');
    assert.equal(r.machines.filter((m) => m.site === 'eu-west-1').length, 5);
    assert.equal(r.machines.filter((m) => m.site === 'us-east-1').length, 0);
  } finally {
    fake.healRegion('us-east-1');
  }
});

test('hostile tag values are sanitized in the machine and quoted in the plan command', async () => {
  const p = new Ec2Provider(config(['prod'], ['eu-west-1']), systemEnv(home));
  const { machines } = await p.list();
  p.close();
  const m = machines.find((x) => x.cloud?.instanceId === 'i-0prod00000000005')!;
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(m.name), 'no control characters left in the name');
  assert.equal(m.name, 'web$(touch /tmp/x)`id`;rm -rf /');
  assert.ok(m.pool.length <= 256, 'a 10k-character tag is cut');
  assert.equal(m.ssh?.user, 'ec2-user', 'a tag user that is not a login name is ignored');
  const store = createFleetStore();
  store.getState().setMachines([m]);
  const out = planAction({ action: 'ec2.reboot', machineId: m.id, params: {} }, store.getState().hosts[m.id], false);
  assert.ok('plan' in out);
  assert.equal(out.plan.command, 'aws ec2 reboot-instances --region eu-west-1 --instance-ids i-0prod00000000005 --profile prod');
  assert.equal(out.plan.transport, 'cloud');
  assert.equal(out.plan.hostName, m.name);
});

async function runnerSetup(names: string[]) {
  const p = new Ec2Provider(config(['prod'], ['eu-west-1', 'us-east-1']), systemEnv(home));
  const store = createFleetStore();
  const refresh = new ProviderRefresh(store, p, () => [], { intervalMs: 60_000, fastIntervalMs: 50, fastForMs: 10_000 });
  await refresh.start();
  const auditPath = join(home, 'state', `audit-${names.join('-')}.log`);
  const runner = new ActionRunner({
    store,
    hostExec: new HostExec(new SshPool()),
    audit: new AuditLog(auditPath),
    who: 'tester@test',
    timeoutMs: 10_000,
    cloud: (machine, action) => p.run(machine, action),
    afterRun: (_id, plan) => {
      if (plan.transport === 'cloud') refresh.burst();
    },
  });
  const id = (name: string) => Object.values(store.getState().hosts).find((h) => h.machine.name === name)!.machine.id;
  const plan = (action: string, name: string) => {
    const out = planAction({ action, machineId: id(name), params: {} }, store.getState().hosts[id(name)], false);
    if (!('plan' in out)) throw new Error(out.refused);
    return out.plan;
  };
  const audit = () => readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
  return { p, store, refresh, runner, id, plan, audit, close: () => (refresh.stop(), p.close()) };
}

test('stop is refused when stop protection is on, and audited as failed', async () => {
  const s = await runnerSetup(['protected']);
  try {
    const before = fake.calls.length;
    await s.runner.run(s.plan('ec2.stop', 'web4'));
    const calls = fake.calls.slice(before).map((c) => c.action);
    assert.ok(calls.includes('DescribeInstanceAttribute'));
    assert.ok(!calls.includes('StopInstances'), 'StopInstances was never sent');
    const [started, finished] = s.audit();
    assert.equal(started?.phase, 'started');
    assert.equal(finished?.phase, 'finished');
    assert.equal(finished?.exitCode, 1);
    assert.match(finished?.error ?? '', /stop protection is on/);
    assert.equal(fake.instance('i-0prod00000000004')?.state, 'running');
  } finally {
    s.close();
  }
});

test('stop, start and reboot through the runner: exact API calls, audit entries, transitions live in the store', async () => {
  const s = await runnerSetup(['cycle']);
  try {
    const id = s.id('web1');
    const seen: string[] = [];
    const unsub = s.store.subscribe((st) => {
      const state = st.hosts[id]?.machine.cloud?.state;
      if (state && seen[seen.length - 1] !== state) seen.push(state);
    });
    const stop = s.plan('ec2.stop', 'web1');
    assert.equal(stop.command, 'aws ec2 stop-instances --region eu-west-1 --instance-ids i-0prod00000000001 --profile prod');
    const before = fake.calls.length;
    await s.runner.run(stop);
    const stopCall = fake.calls.slice(before).find((c) => c.action === 'StopInstances');
    assert.deepEqual(stopCall && { id: stopCall.params['InstanceId.1'], region: stopCall.region, key: stopCall.accessKeyId }, { id: 'i-0prod00000000001', region: 'eu-west-1', key: 'AKIDPROD' });
    await waitFor('web1 stopped in the store', () => s.store.getState().hosts[id]?.machine.cloud?.state === 'stopped');
    assert.deepEqual(seen.slice(seen.indexOf('stopping')), ['stopping', 'stopped'], `states seen: ${seen.join(' → ')}`);

    assert.throws(() => s.plan('ec2.stop', 'web1'), /cannot stop an instance that is stopped/);
    await s.runner.run(s.plan('ec2.start', 'web1'));
    await waitFor('web1 running again', () => s.store.getState().hosts[id]?.machine.cloud?.state === 'running');
    assert.ok(seen.includes('pending'), `states seen: ${seen.join(' → ')}`);

    await s.runner.run(s.plan('ec2.reboot', 'web1'));
    unsub();
    const entries = s.audit();
    assert.deepEqual(
      entries.map((e) => [e.phase, e.action, e.exitCode ?? null]),
      [
        ['started', 'ec2.stop', null],
        ['finished', 'ec2.stop', 0],
        ['started', 'ec2.start', null],
        ['finished', 'ec2.start', 0],
        ['started', 'ec2.reboot', null],
        ['finished', 'ec2.reboot', 0],
      ],
    );
    assert.equal(entries[1]?.command, 'aws ec2 stop-instances --region eu-west-1 --instance-ids i-0prod00000000001 --profile prod');
    assert.match(entries[1]?.outputTail ?? '', /i-0prod00000000001: running -> stopping/);
    assert.equal(entries[0]?.who, 'tester@test');
    assert.ok(fake.callsOf('RebootInstances').some((c) => c.params['InstanceId.1'] === 'i-0prod00000000001'));
  } finally {
    s.close();
  }
});
