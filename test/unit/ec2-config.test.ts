import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveEc2Config } from '../../providers/ec2/config.js';
import { isSafeUserName, sanitizeTag, sshTargetFor, toMachine } from '../../providers/ec2/map.js';
import { awsCliCommand } from '../../providers/ec2/aws-command.js';
import { errorLine, NO_CREDENTIALS } from '../../providers/ec2/errors.js';
import type { ProviderEnv } from '../../providers/ssh-defaults.js';
import type { Ec2Info } from '../../src/model/index.js';
import { parseCliArgs, UsageError } from '../../src/cli/args.js';
import { openSettings } from '../../src/persist/settings.js';

const flags = (f: Partial<{ ec2: boolean; profiles: string[]; regions: string[] }> = {}) => ({ ec2: false, profiles: [], regions: [], ...f });
const env: ProviderEnv = { home: '/home/op', localUser: 'op', fileExists: (f) => f === '/home/op/.ssh/id_ed25519' };

function info(extra: Partial<Ec2Info> = {}): Ec2Info {
  return {
    instanceId: 'i-0abc',
    region: 'eu-west-1',
    account: 'prod',
    profile: 'prod',
    state: 'running',
    stateReason: '',
    instanceType: 't3.micro',
    az: 'eu-west-1a',
    privateIp: '10.0.0.5',
    publicIp: '203.0.113.5',
    tags: { Name: 'web1', 'remlite:pool': 'web', 'remlite:role': 'frontend' },
    volumes: [],
    ...extra,
  };
}

test('EC2 stays off unless a flag or the settings turn it on', () => {
  assert.equal(resolveEc2Config(undefined, flags()), undefined);
  assert.equal(resolveEc2Config({ accounts: [{ name: 'x' }] }, flags()), undefined);
  assert.ok(resolveEc2Config({ enabled: true }, flags()));
  assert.ok(resolveEc2Config(undefined, flags({ regions: ['eu-west-1'] })));
});

test('default chain account, repeatable --profile, --region all', () => {
  assert.deepEqual(resolveEc2Config(undefined, flags({ ec2: true }), {})?.accounts, [{ name: 'default', regions: [] }]);
  assert.deepEqual(resolveEc2Config(undefined, flags({ ec2: true }), { AWS_PROFILE: 'sso-dev' })?.accounts, [{ name: 'sso-dev', regions: [] }]);
  const c = resolveEc2Config({ accounts: [{ name: 'production', profile: 'prod', regions: ['eu-west-1'] }] }, flags({ profiles: ['prod', 'staging'] }), {});
  assert.deepEqual(c?.accounts, [
    { name: 'production', profile: 'prod', regions: ['eu-west-1'] },
    { name: 'staging', profile: 'staging', regions: [] },
  ]);
  assert.deepEqual(resolveEc2Config(undefined, flags({ regions: ['eu-west-1', 'all'] }), {})?.accounts[0]?.regions, 'all');
  const d = resolveEc2Config({ enabled: true, tagKeys: { pool: 'Team' }, ssh: { address: 'public', user: 'admin' }, refreshSec: 60 }, flags(), {});
  assert.deepEqual(d?.tagKeys, { name: 'Name', pool: 'Team', role: 'remlite:role', user: 'remlite:user' });
  assert.deepEqual([d?.ssh.address, d?.ssh.user, d?.refreshMs], ['public', 'admin', 60_000]);
});

test('CLI flags: --ec2, repeatable --profile and --region, bad names refused', () => {
  const a = parseCliArgs(['--profile', 'prod', '--profile', 'staging', '--region', 'eu-west-1', '--region', 'us-east-1', '--ec2']);
  assert.deepEqual([a.ec2, a.profiles, a.regions], [true, ['prod', 'staging'], ['eu-west-1', 'us-east-1']]);
  assert.deepEqual(parseCliArgs([]).profiles, []);
  assert.throws(() => parseCliArgs(['--region', 'eu west']), UsageError);
  assert.throws(() => parseCliArgs(['--profile', 'a;b']), /not a valid AWS profile/);
});

test('settings accept an ec2 object and refuse a malformed one (moved aside)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'remlite-ec2-settings-'));
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify({ ec2: { enabled: true, accounts: [{ name: 'prod', profile: 'prod', regions: 'all' }], ssh: { address: 'public', jump: 'bastion.example.com' } } }));
  const s = openSettings({ env: { REMLITE_CONFIG_DIR: dir } });
  assert.deepEqual(s.warnings, []);
  assert.equal(s.all().ec2?.accounts?.[0]?.regions, 'all');
  writeFileSync(file, JSON.stringify({ ec2: { ssh: { address: 'via-carrier-pigeon' } } }));
  const bad = openSettings({ env: { REMLITE_CONFIG_DIR: dir } });
  assert.equal(bad.warnings.length, 1);
  assert.equal(bad.all().ec2, undefined);
  assert.ok(readdirSync(dir).some((f) => f.includes('.corrupt-')));
});

test('ssh target: private or public address, tag user when it is a login name, jump host, no address → none', () => {
  const cfg = resolveEc2Config(undefined, flags({ ec2: true }), {})!;
  assert.deepEqual(sshTargetFor(info(), cfg, env), {
    host: '10.0.0.5',
    port: 22,
    user: 'ec2-user',
    identityFiles: ['/home/op/.ssh/id_ed25519'],
    knownHostsFiles: ['/home/op/.ssh/known_hosts'],
  });
  const pub = resolveEc2Config({ enabled: true, ssh: { address: 'public', key: '~/.ssh/aws.pem', jump: 'jump@bastion:2222', knownHosts: '~/.ssh/aws_known_hosts' } }, flags(), {})!;
  const t = sshTargetFor(info({ tags: { 'remlite:user': 'ubuntu' } }), pub, env);
  assert.equal(t?.host, '203.0.113.5');
  assert.equal(t?.user, 'ubuntu');
  assert.deepEqual(t?.identityFiles, ['/home/op/.ssh/aws.pem']);
  assert.deepEqual(t?.knownHostsFiles, ['/home/op/.ssh/aws_known_hosts']);
  assert.deepEqual([t?.jump?.host, t?.jump?.port, t?.jump?.user], ['bastion', 2222, 'jump']);
  assert.equal(sshTargetFor(info({ publicIp: undefined }), pub, env), undefined);
  assert.equal(sshTargetFor(info({ tags: { 'remlite:user': '$(id)' } }), cfg, env)?.user, 'ec2-user');
  assert.ok(isSafeUserName('ec2-user') && !isSafeUserName('-oProxyCommand=x') && !isSafeUserName('a b'));
});

test('machine from an instance: id, name/pool/role from tags (configurable keys), region as site', () => {
  const cfg = resolveEc2Config({ enabled: true, tagKeys: { name: 'Hostname' } }, flags(), {})!;
  const m = toMachine(info({ tags: { Hostname: 'app7', 'remlite:pool': 'app' } }), cfg, env);
  assert.deepEqual([m.id, m.name, m.pool, m.role, m.site, m.provider], ['ec2:prod:eu-west-1:i-0abc', 'app7', 'app', '', 'eu-west-1', 'ec2']);
  const bare = toMachine(info({ tags: {}, privateIp: undefined }), cfg, env);
  assert.deepEqual([bare.name, bare.pool, bare.ssh], ['i-0abc', 'ec2', undefined]);
});

test('tags: control sequences stripped, length bounded', () => {
  assert.equal(sanitizeTag('\u001b[2J\u001b]52;c;ZXZpbA==\u0007ok\u0000\u009b31m'), 'ok');
  const long = sanitizeTag('x'.repeat(10_000));
  assert.equal(long.length, 256);
  assert.ok(long.endsWith('…'));
});

test('the equivalent aws command quotes every value', () => {
  assert.equal(awsCliCommand('ec2.stop', info()), 'aws ec2 stop-instances --region eu-west-1 --instance-ids i-0abc --profile prod');
  assert.equal(
    awsCliCommand('ec2.start', { region: 'eu-west-1', instanceId: "i-1'; touch /tmp/x #", profile: undefined }),
    "aws ec2 start-instances --region eu-west-1 --instance-ids 'i-1'\\''; touch /tmp/x #'",
  );
});

test('SDK errors become one line; a missing credential chain says what to do', () => {
  const noCreds = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
  assert.equal(errorLine(noCreds), NO_CREDENTIALS);
  const denied = Object.assign(new Error('You are not authorized\nto perform this operation.'), { name: 'UnauthorizedOperation' });
  assert.equal(errorLine(denied), 'UnauthorizedOperation: You are not authorized');
});
