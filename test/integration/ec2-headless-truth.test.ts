// Headless truth with EC2, the real CLI as a subprocess against the loopback EC2 endpoint: a failing
// region makes `check` UNKNOWN naming it and `status` exit 3 with the failure in its JSON; `check --host`
// finds instances by name (with spaces) or instance id; perfdata counts stopped instances apart;
// bad region names and absent profiles are refused with a message naming them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeEc2 } from '../support/fake-ec2.js';
import { awsTestEnv } from '../support/aws-env.js';
import { runCli } from '../support/cli-run.js';

const fake = new FakeEc2();
let url = '';

before(async () => {
  url = await fake.start();
  fake.setInstances('us-east-1', [
    { id: 'i-0aaa000000000001', state: 'running', privateIp: '10.9.0.1', tags: { Name: 'api server one' } },
    { id: 'i-0aaa000000000002', state: 'stopped', privateIp: '10.9.0.2', tags: { Name: 'batch' } },
  ]);
  fake.setInstances('us-east-2', [{ id: 'i-0bbb000000000001', state: 'running', tags: { Name: '東京サーバー' } }]);
  fake.setInstances('eu-west-1', [{ id: 'i-0ccc000000000001', state: 'running', tags: { Name: 'eu-app' } }]);
});
after(() => fake.stop());

const remlite = (args: string[], env: Record<string, string>) => runCli(args, env, [], 180_000);

/** An AWS environment whose settings turn SSH probing off for EC2. */
function probeOffEnv(): Record<string, string> {
  const { env } = awsTestEnv(url, [{ name: 'default', accessKeyId: 'AKIDTRUTH', region: 'us-east-1' }]);
  mkdirSync(env['REMLITE_CONFIG_DIR']!, { recursive: true, mode: 0o700 });
  writeFileSync(join(env['REMLITE_CONFIG_DIR']!, 'config.json'), JSON.stringify({ ec2: { ssh: { probe: false } } }), { mode: 0o600 });
  return env;
}

const BASE = ['--no-ssh-config', '--no-local', '--ec2', '--region', 'us-east-1', '--region', 'us-east-2', '--region', 'eu-west-1'];

test('all regions answering, SSH probing off: check OK with stopped counted apart, status exit 0, --host by name with spaces and by instance id', { timeout: 600_000 }, async () => {
  const env = probeOffEnv();
  const check = await remlite(['check', ...BASE], env);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /^REMLITE OK - 4 hosts healthy \| hosts=4 critical=0 warning=0 unreachable=0 stopped=1 not_probed=3$/m);

  const status = await remlite(['status', '--json', ...BASE], env);
  assert.equal(status.code, 0, status.stderr);
  const out = JSON.parse(status.stdout) as { failures: unknown[]; hosts: { name: string; reach: string; findings: { class: string }[] }[] };
  assert.deepEqual(out.failures, []);
  assert.deepEqual(out.hosts.map((h) => [h.name, h.reach]).sort(), [['api server one', 'no-ssh'], ['batch', 'cloud-stopped'], ['eu-app', 'no-ssh'], ['東京サーバー', 'no-ssh']]);
  assert.equal(out.hosts.flatMap((h) => h.findings).filter((f) => f.class === 'unreachable').length, 0);

  const byName = await remlite(['check', ...BASE, '--host', 'api server one'], env);
  assert.equal(byName.code, 0, byName.stdout);
  assert.match(byName.stdout, /\| hosts=1 /);
  const byId = await remlite(['check', ...BASE, '--host', 'i-0aaa000000000002'], env);
  assert.equal(byId.code, 0, byId.stdout);
  assert.match(byId.stdout, /\| hosts=1 critical=0 warning=0 unreachable=0 stopped=1 not_probed=0$/m);
  const none = await remlite(['check', ...BASE, '--host', 'i-0nothere'], env);
  assert.equal(none.code, 3, none.stdout);
  assert.match(none.stdout, /^REMLITE UNKNOWN - no such host: i-0nothere$/m);

  // The table: EC2 columns, the wide name aligned in cells.
  const table = await remlite(['status', ...BASE], env);
  assert.match(table.stdout, /^NAME +PROVIDER +SITE .*INSTANCE +TYPE +AZ$/m);
});

test('a failing region: check UNKNOWN (3) naming the provider part, status exit 3 with the failure in its JSON, the other regions listed', { timeout: 180_000 }, async () => {
  const env = probeOffEnv();
  fake.failRegion('eu-west-1');
  try {
    const check = await remlite(['check', ...BASE], env);
    assert.equal(check.code, 3, check.stdout + check.stderr);
    assert.match(check.stdout, /^REMLITE UNKNOWN - provider ec2:default:eu-west-1 failed: UnauthorizedOperation: /m);
    const status = await remlite(['status', '--json', ...BASE], env);
    assert.equal(status.code, 3, status.stderr);
    const out = JSON.parse(status.stdout) as { failures: { provider: string; message: string }[]; providers: Record<string, { ok: boolean }>; hosts: { name: string }[] };
    assert.deepEqual(out.failures.map((f) => f.provider), ['ec2:default:eu-west-1']);
    assert.match(out.failures[0]!.message, /UnauthorizedOperation/);
    assert.equal(out.providers['ec2:default:us-east-1']?.ok, true);
    assert.deepEqual(out.hosts.map((h) => h.name).sort(), ['api server one', 'batch', '東京サーバー']);
  } finally {
    fake.healRegion('eu-west-1');
  }
});

test('a bad region name and an absent --profile are refused, naming them', { timeout: 120_000 }, async () => {
  const env = probeOffEnv();
  const region = await remlite(['status', '--no-ssh-config', '--ec2', '--region', 'us-esat-1'], env);
  assert.equal(region.code, 2);
  assert.match(region.stderr, /--region: "us-esat-1" is not an AWS region name \(like eu-west-1\); did you mean us-east-1\?/);
  const check = await remlite(['check', '--no-ssh-config', '--region', 'eu-west-one'], env);
  assert.equal(check.code, 3);
  assert.match(check.stdout, /^REMLITE UNKNOWN - --region: "eu-west-one" is not an AWS region name/);
  const profile = await remlite(['status', '--no-ssh-config', '--profile', 'prodd'], env);
  assert.equal(profile.code, 2);
  assert.match(profile.stderr, /--profile prodd: AWS profile "prodd" is in neither .*config nor .*credentials \(profiles there: default\)/);
});
