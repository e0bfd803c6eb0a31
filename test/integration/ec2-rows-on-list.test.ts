// EC2 rows appear when the provider's list returns, in one store update, before any instance has
// been probed: a fleet of 900 instances whose addresses do not answer (loopback, nothing listening)
// must not wait on SSH, and the grid shows them as pending at once. Real SDK, loopback EC2 endpoint.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEc2 } from '../support/fake-ec2.js';
import { applyEnv, awsTestEnv } from '../support/aws-env.js';
import { waitFor } from '../support/wait-for.js';
import { Ec2Provider } from '../../providers/ec2/index.js';
import { resolveEc2Config } from '../../providers/ec2/config.js';
import { systemEnv } from '../../providers/ssh-defaults.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { hostRow } from '../../src/store/selectors.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];
const PER_REGION = 300;
const fake = new FakeEc2();
let core: RemliteConsole | undefined;

after(async () => {
  await core?.close();
  await fake.stop();
});

test('EC2 rows land in the store on the list, all at once, before any probe result', { timeout: 180_000 }, async () => {
  const url = await fake.start();
  REGIONS.forEach((region, r) =>
    fake.setInstances(
      region,
      Array.from({ length: PER_REGION }, (_, n) => ({
        id: `i-0${r}${String(n).padStart(15, '0')}`,
        state: 'running',
        privateIp: `127.79.${r}.${n % 250 + 1}`,
        tags: { Name: `${region}-web${n}` },
      })),
    ),
  );
  const aws = awsTestEnv(url, [], { envKeys: 'AKIDROWS' });
  applyEnv(aws.env);
  const cfg = resolveEc2Config({ maxAttempts: 2 }, { ec2: true, profiles: [], regions: REGIONS }, {})!;
  const provider = new Ec2Provider(cfg, systemEnv(aws.home));
  const events: string[] = [];
  const list = provider.list.bind(provider);
  provider.list = async () => {
    const r = await list();
    events.push(`list returned ${r.machines.length}`);
    return r;
  };
  core = createConsole({
    machines: [],
    auditPath: join(mkdtempSync(join(tmpdir(), 'remlite-ec2rows-')), 'audit.log'),
    pollIntervalMs: 5000,
    probeTimeoutMs: 10_000,
    slowThresholdMs: 2000,
    maxConcurrent: 64,
    logScrollback: 100,
    cloud: { provider, refreshMs: 600_000 },
  });
  const c = core;
  let rowsSeen = false;
  let probedSeen = false;
  let pendingRows = 0;
  c.store.subscribe((s, prev) => {
    if (s.order !== prev.order) {
      events.push(`rows ${s.order.length}`);
      if (!rowsSeen) pendingRows = s.order.filter((id) => hostRow(s.hosts[id]!, Date.now()).state === 'pending').length;
      rowsSeen = true;
    }
    if (!probedSeen && s.order.some((id) => s.hosts[id]?.last)) {
      probedSeen = true;
      events.push('first probe result');
    }
  });
  c.poller.start();
  await c.providerRefresh!.start();
  await waitFor('a probe result of an instance', () => probedSeen, 120_000);
  const total = REGIONS.length * PER_REGION;
  assert.deepEqual(events.slice(0, 3), [`list returned ${total}`, `rows ${total}`, 'first probe result'], events.join(', '));
  assert.equal(pendingRows, total, 'every row is drawn as pending on the list');
  const probed = Object.values(c.store.getState().hosts).find((h) => h.last);
  assert.ok(probed?.last && probed.last.reach !== 'ok', `an instance at a dead address was probed and failed: ${JSON.stringify(probed?.last)}`);
});
