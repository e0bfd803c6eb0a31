// Each EC2 region refreshes on its own schedule: a held (slow) region does not delay the other
// regions' next listings, and a failing region keeps its rows and its own part while the others go on.
// Real SDK over real HTTP to the loopback EC2 endpoint; we wait on its request counts and the store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEc2, type FakeInstance } from '../support/fake-ec2.js';
import { applyEnv, awsTestEnv } from '../support/aws-env.js';
import { waitFor } from '../support/wait-for.js';
import { Ec2Provider } from '../../providers/ec2/index.js';
import { resolveEc2Config } from '../../providers/ec2/config.js';
import { systemEnv } from '../../providers/ssh-defaults.js';
import { createFleetStore, type FleetStore } from '../../src/store/index.js';
import { ProviderRefresh } from '../../src/poller/provider-refresh.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];
const fake = new FakeEc2();
let home = '';
const refreshes: ProviderRefresh[] = [];

const instance = (region: string, name: string): FakeInstance => ({
  id: `i-0000000000000000${REGIONS.indexOf(region)}`,
  state: 'running',
  privateIp: '10.0.0.1',
  tags: { Name: name },
});

const listingsOf = (region: string) => fake.callsOf('DescribeInstances').filter((c) => c.region === region).length;
const nameIn = (store: FleetStore, region: string) =>
  Object.values(store.getState().hosts).find((h) => h.machine.cloud?.region === region)?.machine.name;
const partOf = (store: FleetStore, region: string) => Object.entries(store.getState().providers).find(([name]) => name.endsWith(`:${region}`))?.[1];

function startRefresh(store: FleetStore): ProviderRefresh {
  const cfg = resolveEc2Config({ maxAttempts: 1 }, { ec2: true, profiles: [], regions: REGIONS }, {})!;
  const refresh = new ProviderRefresh(store, new Ec2Provider(cfg, systemEnv(home)), () => [], { intervalMs: 20, fastIntervalMs: 20, fastForMs: 0 });
  refreshes.push(refresh);
  void refresh.start();
  return refresh;
}

before(async () => {
  const url = await fake.start();
  const aws = awsTestEnv(url, [], { envKeys: 'AKIDREGIONS' });
  home = aws.home;
  applyEnv(aws.env);
});

after(async () => {
  for (const r of refreshes) r.stop();
  for (const region of REGIONS) fake.releaseRegion(region);
  await fake.stop();
});

test('a held region does not delay the other regions, and its rows land when it answers', { timeout: 120_000 }, async () => {
  for (const region of REGIONS) fake.setInstances(region, [instance(region, `${region}-v1`)]);
  fake.holdRegion('ap-south-1');
  const store = createFleetStore();
  startRefresh(store);
  await waitFor('the held region asked once', () => fake.waitingIn('ap-south-1') >= 1);
  await waitFor('the free regions rows', () => nameIn(store, 'us-east-1') === 'us-east-1-v1' && nameIn(store, 'eu-west-1') === 'eu-west-1-v1');

  // Second and third listings of the free regions while ap-south-1's first is still out.
  const base = { us: listingsOf('us-east-1'), eu: listingsOf('eu-west-1') };
  fake.setInstances('us-east-1', [instance('us-east-1', 'us-east-1-v2')]);
  fake.setInstances('eu-west-1', [instance('eu-west-1', 'eu-west-1-v2')]);
  await waitFor('a later us-east-1 and eu-west-1 listing in the store', () => nameIn(store, 'us-east-1') === 'us-east-1-v2' && nameIn(store, 'eu-west-1') === 'eu-west-1-v2');
  await waitFor('two more listings of each free region', () => listingsOf('us-east-1') >= base.us + 2 && listingsOf('eu-west-1') >= base.eu + 2);
  assert.ok(listingsOf('us-east-1') >= 3 && listingsOf('eu-west-1') >= 3, 'each free region listed at least three times');
  assert.equal(listingsOf('ap-south-1'), 1, 'the held region was asked once, and is still out');
  assert.ok(fake.waitingIn('ap-south-1') >= 1, 'still held while the others refreshed');
  assert.equal(nameIn(store, 'ap-south-1'), undefined, 'no ap-south-1 rows before it answers');

  fake.setInstances('ap-south-1', [instance('ap-south-1', 'ap-south-1-v2')]);
  fake.releaseRegion('ap-south-1');
  await waitFor('ap-south-1 rows once it answered', () => nameIn(store, 'ap-south-1') === 'ap-south-1-v2');
  assert.equal(partOf(store, 'ap-south-1')?.ok, true);
  assert.equal(nameIn(store, 'us-east-1'), 'us-east-1-v2', 'the slow region answering late did not bring back older rows of the others');
  // From now on ap-south-1 refreshes on its own schedule too.
  fake.setInstances('ap-south-1', [instance('ap-south-1', 'ap-south-1-v3')]);
  await waitFor('ap-south-1 listed again on its own', () => nameIn(store, 'ap-south-1') === 'ap-south-1-v3');
  assert.ok(listingsOf('ap-south-1') >= 2);
});

test('a failing region is its own part and keeps its rows while the others go on refreshing', { timeout: 120_000 }, async () => {
  for (const region of REGIONS) fake.setInstances(region, [instance(region, `${region}-f1`)]);
  const store = createFleetStore();
  startRefresh(store);
  await waitFor('every region listed', () => REGIONS.every((r) => nameIn(store, r) === `${r}-f1`));

  fake.failRegion('eu-west-1');
  await waitFor('eu-west-1 marked failed', () => partOf(store, 'eu-west-1')?.ok === false);
  const failedPart = partOf(store, 'eu-west-1');
  assert.match(failedPart?.message ?? '', /UnauthorizedOperation|not authorized/i);
  assert.match(failedPart?.message ?? '', /last good list/);
  assert.equal(nameIn(store, 'eu-west-1'), 'eu-west-1-f1', 'its cached rows stay');
  assert.equal(partOf(store, 'us-east-1')?.ok, true, 'the other regions are not marked');

  fake.setInstances('us-east-1', [instance('us-east-1', 'us-east-1-f2')]);
  fake.setInstances('eu-west-1', [instance('eu-west-1', 'eu-west-1-f2')]);
  await waitFor('us-east-1 refreshed while eu-west-1 fails', () => nameIn(store, 'us-east-1') === 'us-east-1-f2');
  assert.equal(nameIn(store, 'eu-west-1'), 'eu-west-1-f1', 'the failing region still shows its last good rows');

  fake.healRegion('eu-west-1');
  await waitFor('eu-west-1 back with its new rows', () => nameIn(store, 'eu-west-1') === 'eu-west-1-f2' && partOf(store, 'eu-west-1')?.ok === true);
});
