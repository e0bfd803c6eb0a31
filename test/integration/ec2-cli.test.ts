// The real CLI with and without EC2: without it the AWS SDK is never loaded; with it, EC2 hosts
// join the fleet from a loopback endpoint; without credentials the provider is off with one reason.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FakeEc2 } from '../support/fake-ec2.js';
import { awsTestEnv } from '../support/aws-env.js';
import { importRecorder } from '../support/import-recorder.js';
import { runCli } from '../support/cli-run.js';

const fake = new FakeEc2();
let url = '';

before(async () => {
  url = await fake.start();
  fake.setInstances('eu-west-1', [
    { id: 'i-0cli000000000001', state: 'running', tags: { Name: 'cli-web1' } }, // no address: listed, not probed
    { id: 'i-0cli000000000002', state: 'stopped', privateIp: '10.0.0.2', tags: { Name: 'cli-batch1' } },
  ]);
});
after(() => fake.stop());

const remlite = (args: string[], env: Record<string, string>, nodeArgs: string[] = []) => runCli(args, env, nodeArgs);

const sdkModules = (log: string) => readFileSync(log, 'utf8').split('\n').filter((u) => u.includes('/@aws-sdk/'));

test('without EC2 the AWS SDK is never loaded; with --ec2 it is, and the instances join the fleet', async () => {
  const { env } = awsTestEnv(url, [], { envKeys: 'AKIDCLI' });
  const off = importRecorder();
  const r1 = await remlite(['status', '--json', '--no-ssh-config'], env, [off.importArg]);
  assert.equal(r1.code, 0, r1.stderr);
  assert.ok(readFileSync(off.log, 'utf8').includes('/dist/src/cli/main.js'), 'the recorder saw the CLI load');
  assert.deepEqual(sdkModules(off.log), [], 'no @aws-sdk module resolved');

  const on = importRecorder();
  const r2 = await remlite(['status', '--json', '--no-ssh-config', '--ec2', '--region', 'eu-west-1'], env, [on.importArg]);
  assert.ok(sdkModules(on.log).length > 0, 'the recorder does see the SDK when EC2 is on');
  const out = JSON.parse(r2.stdout) as { hosts: { name: string; provider: string; reach: string; cloud?: { state: string } }[] };
  const ec2 = out.hosts.filter((h) => h.provider === 'ec2').map((h) => [h.name, h.reach, h.cloud?.state]);
  assert.deepEqual(ec2.sort(), [
    ['cli-batch1', 'cloud-stopped', 'stopped'],
    ['cli-web1', 'no-ssh', 'running'],
  ]);
  assert.equal(r2.code, 0, 'an instance without an address is listed, not probed: not a failure (SSH is not expected there)');
});

test('no AWS credentials: the EC2 provider is off with a one-line reason, the rest of the fleet still shows', async () => {
  const { env } = awsTestEnv(url, []);
  const r = await remlite(['status', '--json', '--no-ssh-config', '--ec2', '--region', 'eu-west-1'], env);
  assert.equal(r.code, 3, `a failed provider is a non-zero exit: ${r.stderr}`);
  assert.deepEqual((JSON.parse(r.stdout) as { failures: { provider: string }[] }).failures.map((f) => f.provider), ['ec2']);
  assert.match(r.stderr, /^remlite: provider ec2: no AWS credentials found \(set AWS_PROFILE or run aws configure \/ aws sso login\)$/m);
  const out = JSON.parse(r.stdout) as { hosts: { provider: string }[] };
  assert.deepEqual(out.hosts.map((h) => h.provider), ['local']);
});

test('--profile reads that profile from ~/.aws (endpoint from AWS_ENDPOINT_URL_EC2)', async () => {
  fake.setInstances('eu-north-1', [{ id: 'i-0prof00000000001', state: 'stopped', tags: { Name: 'prof-box' } }], 'AKIDPROFILE');
  const { env } = awsTestEnv(url, [{ name: 'ops', accessKeyId: 'AKIDPROFILE', region: 'eu-north-1' }]);
  const r = await remlite(['status', '--json', '--no-ssh-config', '--no-local', '--profile', 'ops'], env);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { hosts: { id: string; site: string }[] };
  assert.deepEqual(out.hosts.map((h) => [h.id, h.site]), [['ec2:ops:eu-north-1:i-0prof00000000001', 'eu-north-1']], 'region from the profile');
});
