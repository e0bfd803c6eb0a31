// Canary secrets never reach what remlite writes or says. An encrypted key (its passphrase given
// only to a real ssh-agent), an identity file whose content is a canary, AWS credentials in the
// environment (key id, secret, session token) used against the loopback EC2 endpoint, a host whose
// authentication fails, a region that refuses the credentials, a repair, a baseline and the
// headless commands: then every file under the state and config dirs, every captured stdout and
// stderr, and every message in the store are searched for the canaries.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEc2 } from '../support/fake-ec2.js';
import { applyEnv, awsTestEnv } from '../support/aws-env.js';
import { startSshd, sshdUnavailableReason, type PlainSshd } from '../support/plain-sshd.js';
import { waitFor } from '../support/wait-for.js';
import { loadFleet } from '../../providers/index.js';
import { Ec2Provider } from '../../providers/ec2/index.js';
import { resolveEc2Config } from '../../providers/ec2/config.js';
import { systemEnv } from '../../providers/ssh-defaults.js';
import { createConsole } from '../../src/app/console.js';
import { fleetCachePath } from '../../src/persist/fleet-cache.js';
import { openSettings } from '../../src/persist/settings.js';

const skip = sshdUnavailableReason() ?? false;
const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
const PASSPHRASE = 'pp-CANARY-7f3a9c1e5b';
const ID_FILE_CANARY = 'IDFILE-CANARY-0d9e8b7a6c';
const AWS = { AWS_ACCESS_KEY_ID: 'AKIDCANARY5E6F7A8B9C', AWS_SECRET_ACCESS_KEY: 'SECRETCANARY1a2b3c4d5e', AWS_SESSION_TOKEN: 'TOKENCANARY9z8y7x6w5v' };
const canaries: string[] = [PASSPHRASE, ID_FILE_CANARY, ...Object.values(AWS)];

const fake = new FakeEc2();
let good: PlainSshd;
let other: PlainSshd;
let agent: ChildProcess | undefined;
let secrets = '';
let home = '';
let stateDir = '';
let configDir = '';
let inventory = '';
let cliEnv: Record<string, string> = {};

before(async () => {
  if (skip) return;
  secrets = mkdtempSync(join(tmpdir(), 'remlite-secrets-'));
  chmodSync(secrets, 0o700);
  // The encrypted key: authorized on `good`, usable only through the agent.
  const encKey = join(secrets, 'enc_ed25519');
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'remlite-canary', '-f', encKey], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // A long run of the encrypted key's own bytes is a canary too.
  const body = readFileSync(encKey, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
  canaries.push(body[1]!.slice(0, 48));
  const idCanary = join(secrets, 'id_canary');
  writeFileSync(idCanary, `-----BEGIN OPENSSH PRIVATE KEY-----\n${ID_FILE_CANARY}\n-----END OPENSSH PRIVATE KEY-----\n`, { mode: 0o600 });

  good = await startSshd({ address: '127.78.9.2' });
  other = await startSshd({ address: '127.78.9.3' }); // authorizes none of our keys: authentication fails
  appendFileSync(join(good.dir, 'authorized_keys'), readFileSync(encKey + '.pub'));

  const sock = join(secrets, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  await waitFor('ssh-agent socket', () => {
    try {
      return statSync(sock).isSocket();
    } catch {
      return false;
    }
  });
  const askpass = join(secrets, 'askpass.sh');
  writeFileSync(askpass, `#!/bin/sh\necho '${PASSPHRASE}'\n`, { mode: 0o700 });
  const add = spawnSync('ssh-add', [encKey], { encoding: 'utf8', env: { ...process.env, SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' }, stdin: 'ignore' } as never);
  assert.equal(add.status, 0, add.stderr);

  const url = await fake.start();
  fake.setInstances('eu-west-1', [{ id: 'i-0can000000000001', state: 'running', tags: { Name: 'cloud-web' } }]);
  fake.failRegion('us-east-1', 'AuthFailure', 401);
  const t = awsTestEnv(url, []);
  home = t.home;
  stateDir = join(home, 'state');
  configDir = join(home, 'config');
  cliEnv = { ...t.env, ...AWS, SSH_AUTH_SOCK: sock };
  applyEnv(cliEnv);
  process.env['SSH_AUTH_SOCK'] = sock;

  inventory = join(secrets, 'inventory.yaml');
  writeFileSync(
    inventory,
    [
      'hosts:',
      `  - { name: agent-host, address: ${good.address}, port: ${good.port}, user: root, keys: [${encKey}, ${idCanary}], known_hosts: [${good.knownHostsPath}], services: [remlite-canary-none], configs: [/etc/hostname] }`,
      `  - { name: bad-auth, address: ${other.address}, port: ${other.port}, user: root, keys: [${idCanary}, ${encKey}], known_hosts: [${other.knownHostsPath}] }`,
      '',
    ].join('\n'),
  );
});

after(async () => {
  agent?.kill('SIGTERM');
  await fake.stop();
  await good?.stop();
  await other?.stop();
});

/** Runs the CLI without blocking this process (the fake EC2 endpoint answers from it). */
function remlite(args: string[]): Promise<{ status: number | null; out: string }> {
  const all = [MAIN, ...args, '--inventory', inventory, '--no-ssh-config', '--no-local', '--region', 'eu-west-1', '--region', 'us-east-1'];
  return new Promise((resolve) => {
    execFile(process.execPath, all, { env: cliEnv, timeout: 90_000 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ status, out: `${stdout}\n${stderr}` });
    });
  });
}

function filesUnder(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    out = statSync(p).isDirectory() ? [...out, ...filesUnder(p)] : [...out, p];
  }
  return out;
}

function leaks(where: string, text: string): string[] {
  return canaries.filter((c) => text.includes(c)).map((c) => `${where}: ${c}`);
}

test('no canary secret in the audit log, the fleet cache, settings, baselines, messages or CLI output', { skip }, async () => {
  // In-process console: polls, a failed authentication, a cloud listing with a refused region, a
  // repair, a baseline, then close (which writes the fleet cache).
  mkdirSync(stateDir, { recursive: true });
  openSettings({ env: { ...process.env, REMLITE_CONFIG_DIR: configDir } }).set('pollIntervalMs', 1000);
  const fleet = await loadFleet({ inventoryPath: inventory, noSshConfig: true, includeLocal: false });
  const cfg = resolveEc2Config(undefined, { ec2: true, profiles: [], regions: ['eu-west-1', 'us-east-1'] }, {})!;
  const core = createConsole({
    machines: fleet.machines,
    auditPath: join(stateDir, 'audit.log'),
    stateDir,
    pollIntervalMs: 500,
    probeTimeoutMs: 10_000,
    slowThresholdMs: 10_000,
    maxConcurrent: 8,
    logScrollback: 100,
    cloud: { provider: new Ec2Provider(cfg, systemEnv(home)), refreshMs: 500 },
    fleetCache: { file: fleetCachePath(stateDir), everyMs: 200 },
  });
  const s = () => core.store.getState();
  const messages: string[] = [...fleet.warnings];
  core.store.subscribe((st) => st.notice && messages.push(st.notice.text));
  try {
    core.poller.start();
    await core.providerRefresh!.start();
    await waitFor('agent-host answered, bad-auth refused, the bad region marked', () =>
      s().hosts['agent-host']?.last?.reach === 'ok' && s().hosts['bad-auth']?.last && s().hosts['bad-auth']?.last?.reach !== 'ok' && s().providers['ec2:default:us-east-1']?.ok === false,
    );
    assert.match(s().hosts['bad-auth']!.last!.error ?? '', /auth|denied|permission/i, 'an authentication failure');
    assert.ok(Object.keys(s().hosts).some((id) => id.includes('i-0can000000000001')), 'the cloud host is listed');
    const outcome = core.intents.plan({ action: 'service.restart', machineId: 'agent-host', params: { service: 'remlite-canary-none' } });
    assert.ok('plan' in outcome, JSON.stringify(outcome));
    await core.intents.run(outcome.plan);
    assert.ok(s().actions.some((a) => a.result), 'the repair ran');
    await core.intents.acceptBaseline({ machineId: 'agent-host' });
    await waitFor('the baseline accepted', () => s().baselineInfo['agent-host']);
    await waitFor('the fleet cache written', () => filesUnder(stateDir).some((f) => f.endsWith('fleet-cache.json')));
  } finally {
    await core.close();
  }
  const found: string[] = [];
  found.push(...leaks('store (poll errors, provider messages, notices, actions)', JSON.stringify(s(), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))));
  found.push(...messages.flatMap((m) => leaks('notice', m)));

  // The headless commands, same secrets in their environment.
  for (const args of [
    ['status', '--json'],
    ['status'],
    ['check'],
    ['repair', 'agent-host', 'service.restart', 'service=remlite-canary-none', '--yes'],
    ['repair', 'bad-auth', 'service.restart', 'service=remlite-canary-none', '--yes'],
    ['logs', 'bad-auth', 'remlite-canary-none'],
  ]) {
    const r = await remlite(args);
    assert.ok(r.status !== null, `${args.join(' ')} finished: ${r.out}`);
    found.push(...leaks(`remlite ${args.join(' ')}`, r.out));
    if (args[1] === 'bad-auth') assert.match(r.out, /authentication failed.*id_canary.*enc_ed25519 is encrypted/s, 'the failure names the files, not their contents');
  }

  assert.ok(fake.calls.some((c) => c.accessKeyId === AWS.AWS_ACCESS_KEY_ID && c.region === 'us-east-1'), 'the canary credentials were used (and refused in us-east-1)');

  const files = [...filesUnder(stateDir), ...filesUnder(configDir)];
  const names = files.map((f) => f.slice(home.length + 1));
  for (const want of ['state/audit.log', 'state/fleet-cache.json', 'config/config.json']) assert.ok(names.includes(want), `${want} among ${names.join(', ')}`);
  assert.ok(names.some((n) => n.startsWith('state/baselines/')), names.join(', '));
  for (const f of files) found.push(...leaks(f, readFileSync(f, 'latin1')));
  const audit = readFileSync(join(stateDir, 'audit.log'), 'utf8');
  assert.ok(audit.includes('remlite-canary-none') && audit.includes('baseline.accept'), 'the audit log holds the repairs and the baseline');
  assert.deepEqual(found, []);
});
