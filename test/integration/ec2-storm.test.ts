// One console, SSH hosts and three EC2 regions (real SDK, loopback EC2 endpoint). A storm hits:
// one region answers RequestLimitExceeded to every call, another answers 500. Meanwhile the SSH
// hosts keep getting fresh polls, the healthy region's instances keep updating, the two bad regions
// are marked failing (their last good instances still shown); when the storm ends the throttled
// region recovers by itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEc2, type FakeInstance } from '../support/fake-ec2.js';
import { applyEnv, awsTestEnv } from '../support/aws-env.js';
import { startSshd, sshdUnavailableReason, type PlainSshd } from '../support/plain-sshd.js';
import { waitFor } from '../support/wait-for.js';
import { Ec2Provider } from '../../providers/ec2/index.js';
import { resolveEc2Config } from '../../providers/ec2/config.js';
import { systemEnv } from '../../providers/ssh-defaults.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import type { Machine, PollResult } from '../../src/model/index.js';

const skip = sshdUnavailableReason() ?? false;
const HEALTHY = 'eu-west-1';
const THROTTLED = 'us-east-1';
const DOWN = 'ap-south-1';
const part = (region: string) => `ec2:default:${region}`;
const SSH_IDS = ['ssh-a', 'ssh-b'];
const fake = new FakeEc2();
let sshd: PlainSshd;
let core: RemliteConsole;

// Running but without an address: listed and shown, never dialled (only loopback may be).
const instance = (id: string, name: string): FakeInstance => ({ id, state: 'running', tags: { Name: name } });
const eu = instance('i-0eu00000000000001', 'eu-web');
const use = instance('i-0us00000000000001', 'us-web');
const aps = instance('i-0ap00000000000001', 'ap-web');

before(async () => {
  if (skip) return;
  sshd = await startSshd({ address: '127.78.9.1' });
  const url = await fake.start();
  const t = awsTestEnv(url, [], { envKeys: 'AKIDSTORM' });
  applyEnv(t.env);
  fake.setInstances(HEALTHY, [eu]);
  fake.setInstances(THROTTLED, [use]);
  fake.setInstances(DOWN, [aps]);
  const cfg = resolveEc2Config({ maxAttempts: 3 }, { ec2: true, profiles: [], regions: [HEALTHY, THROTTLED, DOWN] }, {})!;
  const sshMachine = (id: string): Machine => ({
    id, name: id, provider: 'datacenter', site: 'dc1', pool: 'ssh', role: '', services: [], logs: [], origin: 'test',
    ssh: { host: sshd.address, port: sshd.port, user: 'root', identityFiles: [sshd.clientKeyPath], knownHostsFiles: [sshd.knownHostsPath] },
  });
  core = createConsole({
    machines: SSH_IDS.map(sshMachine),
    auditPath: join(mkdtempSync(join(tmpdir(), 'remlite-storm-')), 'audit.log'),
    pollIntervalMs: 300,
    probeTimeoutMs: 10_000,
    slowThresholdMs: 10_000,
    maxConcurrent: 8,
    logScrollback: 100,
    cloud: { provider: new Ec2Provider(cfg, systemEnv(t.home)), refreshMs: 300 },
  });
});

after(async () => {
  await core?.close();
  await fake.stop();
  await sshd?.stop();
});

const s = () => core.store.getState();
const nameOf = (instanceId: string, region: string) => s().hosts[`ec2:default:${region}:${instanceId}`]?.machine.name;

test('throttling storm in one region, another region down: SSH hosts and the healthy region keep updating; the throttled region recovers', { skip }, async () => {
  core.poller.start();
  await core.providerRefresh!.start();
  await waitFor(
    'every host and region up',
    () => SSH_IDS.every((id) => s().hosts[id]?.last?.reach === 'ok') && [HEALTHY, THROTTLED, DOWN].every((r) => s().providers[part(r)]?.ok) && nameOf(aps.id, DOWN) === 'ap-web',
    60_000,
    50,
    () => JSON.stringify({ ssh: SSH_IDS.map((id) => [id, s().hosts[id]?.last?.reach, s().hosts[id]?.last?.error]), providers: s().providers, apWeb: nameOf(aps.id, DOWN) }),
  );

  const stormAt = Date.now();
  const callsBefore = fake.calls.length;
  const sshPolls = new Map<string, PollResult[]>();
  const unsubscribe = core.store.subscribe((st) => {
    for (const id of SSH_IDS) {
      const last = st.hosts[id]?.last;
      const seen = sshPolls.get(id) ?? [];
      if (last && last.at >= stormAt && !seen.includes(last)) sshPolls.set(id, [...seen, last]);
    }
  });
  fake.throttleRegion(THROTTLED);
  fake.failRegion(DOWN, 'InternalError', 500);
  eu.tags = { Name: 'eu-web-v2' };
  use.tags = { Name: 'us-web-v2' };

  await waitFor('both bad regions marked failing', () => s().providers[part(THROTTLED)]?.ok === false && s().providers[part(DOWN)]?.ok === false, 60_000);
  assert.match(s().providers[part(THROTTLED)]!.message ?? '', /RequestLimitExceeded/);
  assert.match(s().providers[part(DOWN)]!.message ?? '', /InternalError/);
  assert.match(s().providers[part(DOWN)]!.message ?? '', /last good list/);
  await waitFor('the healthy region to keep updating', () => nameOf(eu.id, HEALTHY) === 'eu-web-v2', 30_000);
  assert.ok(s().providers[part(HEALTHY)]!.ok);
  assert.equal(nameOf(use.id, THROTTLED), 'us-web', 'the throttled region shows its last good list');
  assert.equal(nameOf(aps.id, DOWN), 'ap-web', 'the down region shows its last good list');

  // While the storm goes on (every call of the throttled region refused, SDK retries included):
  // every poll of the SSH hosts since it began answered, three at least each.
  const throttledCalls = () => fake.calls.slice(callsBefore).filter((c) => c.region === THROTTLED).length;
  const healthyLists = () => fake.calls.slice(callsBefore).filter((c) => c.region === HEALTHY && c.action === 'DescribeInstances').length;
  await waitFor(
    'a sustained storm, the healthy region listed again and again, and three fresh polls of each SSH host',
    () => throttledCalls() >= 6 && healthyLists() >= 2 && SSH_IDS.every((id) => (sshPolls.get(id) ?? []).length >= 3),
    60_000,
  );
  for (const id of SSH_IDS) {
    const polls = sshPolls.get(id)!;
    assert.ok(polls.every((p) => p.reach === 'ok'), `${id}: ${polls.map((p) => `${p.reach} ${p.error ?? ''}`).join(' | ')}`);
  }
  assert.ok(s().providers[part(THROTTLED)]?.ok === false && s().providers[part(DOWN)]?.ok === false, 'still in the storm');
  unsubscribe();

  fake.unthrottleRegion(THROTTLED);
  await waitFor('the throttled region to recover by itself', () => s().providers[part(THROTTLED)]?.ok === true && nameOf(use.id, THROTTLED) === 'us-web-v2', 60_000);
  assert.equal(s().providers[part(DOWN)]?.ok, false, 'the down region is still marked while the others show');
  assert.equal(nameOf(eu.id, HEALTHY), 'eu-web-v2');
  fake.healRegion(DOWN);
  await waitFor('the down region back', () => s().providers[part(DOWN)]?.ok === true);
});
