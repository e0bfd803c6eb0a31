// Host keys as strict as OpenSSH, against real sshd processes on loopback and through the console's
// real path (pool, poller, store, intents, Ink views): a key-type downgrade is a CHANGED key, the
// key trusted is the key reviewed (alternating host keys under an open dialog), a key from the fleet
// cache is not an offer, and a HostKeyAlias on a non-22 port is looked up as OpenSSH does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { freePort, keygen, startSshd, sshdUnavailableReason, type PlainSshd } from '../support/plain-sshd.js';
import { waitFor, tick } from '../support/wait-for.js';
import { createConsole, type RemliteConsole } from '../../src/app/console.js';
import { buildFleetCache, saveFleetCacheSync } from '../../src/persist/fleet-cache.js';
import { AuditLog } from '../../src/persist/audit-log.js';
import { loadFleet } from '../../providers/index.js';
import { App } from '../../views/App.js';
import { NO_COLOR_THEME } from '../../views/theme.js';
import type { HostKeyInfo, Machine, PollResult } from '../../src/model/index.js';

const skip = sshdUnavailableReason();
const ADDRESS = '127.0.94.16';
const MAIN = join(process.cwd(), 'dist', 'src', 'cli', 'main.js');
let scratch: string;
let clientKey: string;
const cleanups: (() => Promise<void> | void)[] = [];

before(() => {
  if (skip) return;
  scratch = mkdtempSync(join(tmpdir(), 'remlite-hostkey-strict-'));
  clientKey = join(scratch, 'client_ed25519');
  keygen(clientKey);
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function sshd(opts: { hostKeyType?: string; port?: number; extraConfig?: string[] } = {}): Promise<PlainSshd> {
  const s = await startSshd({ address: ADDRESS, clientKeyPath: clientKey, ...opts });
  cleanups.push(() => s.stop());
  return s;
}

/** `ssh-keygen -l -E sha256 -f FILE`: one "bits SHA256:... name (TYPE)" line per key. */
function keygenList(file: string): string[][] {
  const r = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => l.split(/\s+/));
}
const fingerprintOfFile = (pub: string) => keygenList(pub)[0]![1]!;
const hostPub = (s: PlainSshd, type: string) => join(s.dir, `host_${type}.pub`);

/** The real OpenSSH client, strict, against a given known_hosts: what "as strict as OpenSSH" is measured by. */
function openssh(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('ssh', ['-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=10', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr };
}

function machineFor(s: PlainSshd, knownHosts: string, id = 'hk1'): Machine {
  return {
    id,
    name: id,
    provider: 'datacenter',
    site: 'lo',
    pool: 'keys',
    role: 'test',
    services: [],
    logs: [],
    origin: 'hostkey-strict.test',
    ssh: { host: s.address, port: s.port, user: 'root', identityFiles: [clientKey], knownHostsFiles: [knownHosts] },
  };
}

function consoleFor(machines: Machine[], extra: { fleetCache?: { file: string } } = {}): RemliteConsole & { auditPath: string } {
  const dir = mkdtempSync(join(scratch, 'console-'));
  const auditPath = join(dir, 'audit.log');
  const c = createConsole({
    machines,
    auditPath,
    pollIntervalMs: 3_600_000, // polls happen when the test asks (refresh), never behind its back
    probeTimeoutMs: 20_000,
    slowThresholdMs: 10_000,
    maxConcurrent: 4,
    logScrollback: 100,
    ...extra,
  });
  cleanups.push(() => c.close());
  return Object.assign(c, { auditPath });
}

/** Polls now and waits until the store holds a poll that started after this call. */
async function pollNow(c: RemliteConsole, id: string): Promise<PollResult> {
  const since = Date.now();
  c.poller.refresh(id);
  return waitFor(`a poll of ${id} started after ${since}`, () => {
    const last = c.store.getState().hosts[id]?.last;
    return last && last.at >= since && !c.store.getState().hosts[id]?.cached ? last : undefined;
  });
}

function renderConsole(c: RemliteConsole) {
  const ui = render(<App store={c.store} intents={c.intents} theme={NO_COLOR_THEME} onQuit={() => undefined} />);
  cleanups.push(() => ui.unmount());
  const frame = () => ui.lastFrame() ?? '';
  /** Types keys one at a time, each after the frame the previous one caused (or a quiet second). */
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      const before = ui.frames.length;
      ui.stdin.write(k);
      for (let w = 0; w < 40 && ui.frames.length === before; w++) await tick(25);
      await tick(30);
    }
  };
  /** Presses `key` until the frame shows it was handled (a key typed while a screen is still mounting can go unseen). */
  const pressUntil = async (key: string, what: string, done: () => boolean) => {
    for (let i = 0; i < 20 && !done(); i++) {
      await press(key);
      for (let w = 0; w < 10 && !done(); w++) await tick(50);
    }
    assert.ok(done(), `gave up pressing ${JSON.stringify(key)} for ${what}`);
  };
  const openHost = async (name: string) => {
    await waitFor('the grid', () => frame().includes(name));
    await press('/', name, '\r');
    await pressUntil('\r', `the host view of ${name}`, () => /Services.*Volumes.*Logs/.test(frame()));
    // The host view takes keys: the Volumes tab opens, then Services again.
    await pressUntil('2', 'the Volumes tab', () => !frame().includes('r restart'));
    await pressUntil('1', 'the Services tab', () => frame().includes('r restart'));
  };
  return { ui, frame, press, openHost };
}

const reviewedOf = (k: HostKeyInfo) => ({ type: k.type, base64: k.base64, fingerprint: k.fingerprint });
const noAuthentication = (s: PlainSshd) => !/Accepted publickey|Failed publickey|Postponed publickey/.test(s.log());

test('ed25519 known, the host offers only ECDSA: CHANGED (as OpenSSH refuses), nothing sent, T offers no trust, status --json says so', { skip }, async () => {
  const oldKey = join(scratch, 'old_ed25519');
  keygen(oldKey);
  const server = await sshd({ hostKeyType: 'ecdsa' });
  const knownHosts = join(scratch, 'known_hosts_downgrade');
  const line = `[${server.address}]:${server.port} ${readFileSync(oldKey + '.pub', 'utf8').split(/\s+/).slice(0, 2).join(' ')}\n`;
  writeFileSync(knownHosts, line);
  const ecdsaFingerprint = fingerprintOfFile(hostPub(server, 'ecdsa'));

  // The yardstick: OpenSSH with strict checking refuses this host.
  const ssh = openssh(['-F', '/dev/null', '-o', `UserKnownHostsFile=${knownHosts}`, '-i', clientKey, '-p', String(server.port), `root@${server.address}`, 'true']);
  assert.equal(ssh.status, 255, ssh.stderr);
  assert.match(ssh.stderr, /Host key verification failed/);

  const c = consoleFor([machineFor(server, knownHosts)]);
  const poll = await pollNow(c, 'hk1');
  assert.equal(poll.reach, 'untrusted');
  assert.equal(poll.hostKey?.status, 'changed', 'a known key of another type binds the host');
  assert.equal(poll.hostKey?.type, 'ecdsa-sha2-nistp256');
  assert.equal(poll.hostKey?.fingerprint, ecdsaFingerprint);
  assert.match(poll.error ?? '', /HOST KEY CHANGED .*holds its ssh-ed25519 key, but it now offers only ecdsa-sha2-nistp256/);
  assert.ok(c.store.getState().hosts['hk1']!.findings.some((f) => f.class === 'untrusted-host-key' && /CHANGED/.test(f.summary)));
  assert.ok(/Connection from|Connection closed|Connection reset/.test(server.log()), 'the console did reach this sshd');
  assert.ok(noAuthentication(server), 'no authentication, so no command, was ever sent');

  // Through the view: the banner names the new key, the footer offers no trust, T explains and opens nothing.
  const ui = renderConsole(c);
  await ui.openHost('hk1');
  assert.ok(ui.frame().includes(`host key changed: ecdsa-sha2-nistp256 ${ecdsaFingerprint}`), ui.frame());
  assert.doesNotMatch(ui.frame(), /T trust|T to review/);
  await ui.press('T');
  await waitFor('T to explain why it offers no trust', () => /host key CHANGED: remlite never replaces a known key/.test(ui.frame()));
  assert.doesNotMatch(ui.frame(), /Trust the host key/);
  await ui.press('y');
  // Nor can the intent be talked into it with the very key on offer.
  const outcome = await c.intents.trustHostKey('hk1', reviewedOf(poll.hostKey!));
  assert.equal(outcome.trusted, false);
  assert.equal(readFileSync(knownHosts, 'utf8'), line, 'known_hosts untouched');
  assert.ok(noAuthentication(server));

  // Headless: status --json names the key, its type and fingerprint.
  const home = mkdtempSync(join(scratch, 'home-'));
  const config = join(home, 'ssh_config');
  writeFileSync(
    config,
    [`Host hk1`, `  HostName ${server.address}`, `  Port ${server.port}`, '  User root', `  IdentityFile ${clientKey}`, `  UserKnownHostsFile ${knownHosts}`, ''].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, REMLITE_STATE_DIR: join(home, 'state'), REMLITE_CONFIG_DIR: join(home, 'config') };
  delete env['SSH_AUTH_SOCK'];
  const r = spawnSync(process.execPath, [MAIN, 'status', '--json', '--ssh-config', config, '--no-local'], { encoding: 'utf8', env, timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { hosts: { id: string; reach: string; hostKey?: Record<string, string> }[] };
  const host = out.hosts.find((h) => h.id === 'hk1');
  assert.equal(host?.reach, 'untrusted');
  assert.equal(host?.hostKey?.['status'], 'changed');
  assert.equal(host?.hostKey?.['type'], 'ecdsa-sha2-nistp256');
  assert.equal(host?.hostKey?.['fingerprint'], ecdsaFingerprint);
  assert.equal(readFileSync(knownHosts, 'utf8'), line);
});

test('a host offering ed25519 and ECDSA, known by its ECDSA key: the known type is negotiated and matches', { skip }, async () => {
  const ecdsaKey = join(scratch, 'second_ecdsa');
  keygen(ecdsaKey, 'ecdsa');
  const server = await sshd({ extraConfig: [`HostKey ${ecdsaKey}`] });
  const knownHosts = join(scratch, 'known_hosts_both');
  writeFileSync(knownHosts, `[${server.address}]:${server.port} ${readFileSync(ecdsaKey + '.pub', 'utf8').split(/\s+/).slice(0, 2).join(' ')}\n`);
  const c = consoleFor([machineFor(server, knownHosts, 'hk-both')]);
  const poll = await pollNow(c, 'hk-both');
  assert.notEqual(poll.reach, 'untrusted', poll.error);
  await waitFor('the authenticated session', () => /Accepted publickey for root/.test(server.log()));
});

test('alternating host keys while the trust dialog is open: the dialog says so and y refuses; y on a stable key writes exactly that key', { skip }, async () => {
  const port = await freePort(ADDRESS);
  const first = await sshd({ port });
  const firstFingerprint = fingerprintOfFile(hostPub(first, 'ed25519'));
  const firstKey = first.hostPublicKey.split(' ')[1]!;
  const knownHosts = join(scratch, 'known_hosts_alternating');
  writeFileSync(knownHosts, '');
  const c = consoleFor([machineFor(first, knownHosts, 'hk-alt')]);
  const p1 = await pollNow(c, 'hk-alt');
  assert.equal(p1.hostKey?.status, 'unknown');
  assert.equal(p1.hostKey?.base64, firstKey);

  const ui = renderConsole(c);
  await ui.openHost('hk-alt');
  await ui.press('T');
  await waitFor('the trust dialog with the first key', () => ui.frame().includes(`key: ssh-ed25519 ${firstFingerprint}`) && /Trust the host key/.test(ui.frame()));

  // Another sshd, another host key, on the same address and port: the next poll meets it.
  await first.stop();
  const second = await sshd({ port });
  const secondFingerprint = fingerprintOfFile(hostPub(second, 'ed25519'));
  const secondKey = second.hostPublicKey.split(' ')[1]!;
  assert.notEqual(secondKey, firstKey);
  const p2 = await pollNow(c, 'hk-alt');
  assert.equal(p2.hostKey?.base64, secondKey);
  await waitFor('the dialog to say the offer changed', () => /CHANGED since you pressed T/.test(ui.frame()) && ui.frame().includes(secondFingerprint));
  assert.ok(ui.frame().includes(`key: ssh-ed25519 ${firstFingerprint}`), 'the dialog still shows the key that was reviewed');
  await ui.press('y');
  await waitFor('the refusal', () => /trust refused: the host now offers a DIFFERENT key/.test(ui.frame()));
  assert.equal(readFileSync(knownHosts, 'utf8'), '', 'nothing written');

  // The core refuses on its own too (a view whose store lags the pool): the live offer is the second key.
  const stale = await c.intents.trustHostKey('hk-alt', reviewedOf(p1.hostKey!));
  assert.equal(stale.trusted, false);
  assert.match(stale.trusted ? '' : stale.reason, /DIFFERENT key/);
  assert.equal(readFileSync(knownHosts, 'utf8'), '');
  const refusal = new AuditLog(c.auditPath).readAll().entries.find((e) => e.action === 'hostkey.trust');
  assert.equal(refusal?.phase, 'refused', 'the refused attempt is audited');

  // Review the key now on offer, see it stay the same for another poll, confirm.
  await ui.press('T');
  await waitFor('the dialog with the second key', () => ui.frame().includes(`key: ssh-ed25519 ${secondFingerprint}`));
  const p3 = await pollNow(c, 'hk-alt');
  assert.equal(p3.hostKey?.base64, secondKey);
  assert.doesNotMatch(ui.frame(), /CHANGED since you pressed T/);
  await ui.press('y');
  await waitFor('known_hosts to be written', () => readFileSync(knownHosts, 'utf8') !== '');
  assert.equal(readFileSync(knownHosts, 'utf8'), `[${ADDRESS}]:${port} ssh-ed25519 ${secondKey}\n`, 'exactly the reviewed key, one line');
  const listed = keygenList(knownHosts);
  assert.equal(listed.length, 1);
  assert.equal(listed[0]![1], secondFingerprint, 'ssh-keygen -lf agrees with the fingerprint reviewed');
  const trusted = await waitFor('a trusted poll', () => {
    const last = c.store.getState().hosts['hk-alt']?.last;
    return last && last.reach !== 'untrusted' ? last : undefined;
  });
  assert.notEqual(trusted.reach, 'unreachable', trusted.error);
  await waitFor('the authenticated session', () => /Accepted publickey for root/.test(second.log()));
});

test('a host restored from the fleet cache with an unknown key cannot be trusted until a live connection offers a key', { skip }, async () => {
  const server = await sshd();
  const knownHosts = join(scratch, 'known_hosts_cache');
  writeFileSync(knownHosts, '');
  const machine = machineFor(server, knownHosts, 'hk-cache');
  const key = server.hostPublicKey.split(' ')[1]!;
  const fingerprint = fingerprintOfFile(hostPub(server, 'ed25519'));
  // Even the host's real key, when it comes from an earlier run's cache, is not an offer.
  const cached: HostKeyInfo = { type: 'ssh-ed25519', base64: key, fingerprint, status: 'unknown', knownHostsName: `[${ADDRESS}]:${server.port}` };
  const cacheFile = join(scratch, 'fleet-cache.json');
  saveFleetCacheSync(cacheFile, buildFleetCache([machine], [{ machineId: 'hk-cache', at: Date.now() - 60_000, reach: 'untrusted', error: 'unknown host key', hostKey: cached }]));
  const c = consoleFor([machine], { fleetCache: { file: cacheFile } });
  const restored = c.store.getState().hosts['hk-cache']!;
  assert.equal(restored.cached, true);
  assert.equal(restored.last?.hostKey?.base64, key);

  const ui = renderConsole(c);
  await ui.openHost('hk-cache');
  await ui.press('T');
  await waitFor('T to explain that a cached key is not an offer', () => /fleet cache of an earlier run/.test(ui.frame()));
  assert.doesNotMatch(ui.frame(), /Trust the host key/);
  await ui.press('y');
  const refused = await c.intents.trustHostKey('hk-cache', reviewedOf(cached));
  assert.equal(refused.trusted, false);
  assert.match(refused.trusted ? '' : refused.reason, /no connection in this run is offering a host key/);
  assert.equal(readFileSync(knownHosts, 'utf8'), '');
  assert.ok(noAuthentication(server));

  // A live connection of this run offers the key: now it can be reviewed and trusted.
  const live = await pollNow(c, 'hk-cache');
  assert.equal(live.hostKey?.base64, key);
  await waitFor('the banner to offer T on the live key', () => /T to review and trust it/.test(ui.frame()));
  await ui.press('T');
  await waitFor('the trust dialog', () => ui.frame().includes(`key: ssh-ed25519 ${fingerprint}`));
  await ui.press('y');
  await waitFor('known_hosts to be written', () => readFileSync(knownHosts, 'utf8') !== '');
  assert.equal(readFileSync(knownHosts, 'utf8'), `[${ADDRESS}]:${server.port} ssh-ed25519 ${key}\n`);
  // known_hosts is written before the trust's end is audited: wait for the audit record itself.
  const trusts = () => new AuditLog(c.auditPath).readAll().entries.filter((e) => e.action === 'hostkey.trust');
  await waitFor('the trust to be audited as finished', () => trusts().some((e) => e.phase === 'finished'));
  assert.deepEqual(trusts().map((e) => e.phase), ['refused', 'finished']);
});

test('HostKeyAlias with a non-22 Port: the key recorded under the plain alias is found, as OpenSSH finds it', { skip }, async () => {
  const server = await sshd();
  assert.notEqual(server.port, 22);
  const dir = mkdtempSync(join(scratch, 'alias-'));
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `web-alias ${server.hostPublicKey}\n`);
  const config = join(dir, 'ssh_config');
  writeFileSync(
    config,
    [
      'Host aliased',
      `  HostName ${server.address}`,
      `  Port ${server.port}`,
      '  User root',
      `  IdentityFile ${clientKey}`,
      '  IdentitiesOnly yes',
      '  HostKeyAlias web-alias',
      `  UserKnownHostsFile ${knownHosts}`,
      '',
    ].join('\n'),
  );
  const ssh = openssh(['-F', config, 'aliased', 'true']);
  assert.equal(ssh.status, 0, `OpenSSH finds the plain alias: ${ssh.stderr}`);

  const fleet = await loadFleet({ sshConfigPath: config, includeLocal: false, home: dir });
  const machine = fleet.machines.find((m) => m.id === 'aliased')!;
  assert.equal(machine.ssh?.hostKeyAlias, 'web-alias');
  assert.equal(machine.ssh?.port, server.port);
  const c = consoleFor([machine]);
  const poll = await pollNow(c, 'aliased');
  assert.notEqual(poll.reach, 'untrusted', poll.error);

  // The bracketed form is another name, for OpenSSH and for remlite alike.
  writeFileSync(knownHosts, `[web-alias]:${server.port} ${server.hostPublicKey}\n`);
  assert.equal(openssh(['-F', config, 'aliased', 'true']).status, 255);
  c.pool.drop('aliased');
  const again = await pollNow(c, 'aliased');
  assert.equal(again.reach, 'untrusted');
  assert.equal(again.hostKey?.status, 'unknown');
  assert.equal(again.hostKey?.knownHostsName, 'web-alias');
});

test('an unknown jump host key is trusted into the jump host\'s own known_hosts, under its own name', { skip }, async () => {
  const server = await sshd();
  const dir = mkdtempSync(join(scratch, 'jump-'));
  const targetKnownHosts = join(dir, 'target_known_hosts');
  const jumpKnownHosts = join(dir, 'jump_known_hosts');
  writeFileSync(targetKnownHosts, `${server.hostKeyLine}\n`);
  writeFileSync(jumpKnownHosts, '');
  const machine = machineFor(server, targetKnownHosts, 'hk-jump');
  machine.ssh!.jump = { ...machine.ssh!, hostKeyAlias: 'jumpbox', knownHostsFiles: [jumpKnownHosts] };
  const c = consoleFor([machine]);
  const poll = await pollNow(c, 'hk-jump');
  assert.equal(poll.reach, 'untrusted');
  assert.equal(poll.hostKey?.knownHostsName, 'jumpbox');
  const outcome = await c.intents.trustHostKey('hk-jump', reviewedOf(poll.hostKey!));
  assert.equal(outcome.trusted, true);
  assert.equal(readFileSync(jumpKnownHosts, 'utf8'), `jumpbox ${server.hostPublicKey}\n`);
  assert.equal(readFileSync(targetKnownHosts, 'utf8'), `${server.hostKeyLine}\n`, "the target's file is left alone");
  const after = await waitFor('a poll through the trusted jump host', () => {
    const last = c.store.getState().hosts['hk-jump']?.last;
    return last && last.reach !== 'untrusted' ? last : undefined;
  });
  assert.notEqual(after.reach, 'unreachable', after.error);
});
