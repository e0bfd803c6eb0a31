import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SshTarget } from '../../src/model/index.js';
import { SshError } from '../../src/ssh/errors.js';
import { appendKnownHost, fingerprintSha256 } from '../../src/ssh/known-hosts.js';
import { SshPool } from '../../src/ssh/pool.js';
import { freePort, keygen, startSshd, sshdUnavailableReason, type PlainSshd } from '../support/plain-sshd.js';

const skip = sshdUnavailableReason();
const ADDRESS = '127.0.91.1';
let sshd: PlainSshd;
let scratch: string;

before(async () => {
  if (skip) return;
  sshd = await startSshd({ address: ADDRESS });
  scratch = mkdtempSync(join(tmpdir(), 'remlite-ssh-it-'));
});

after(async () => {
  if (skip) return;
  await sshd.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function target(overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    host: sshd.address,
    port: sshd.port,
    user: 'root',
    identityFiles: [sshd.clientKeyPath],
    knownHostsFiles: [sshd.knownHostsPath],
    ...overrides,
  };
}

function newPool(): SshPool {
  return new SshPool({ agentSocket: false, readyTimeoutMs: 5_000, hangGraceMs: 1_000, backoffBaseMs: 5_000, backoffMaxMs: 10_000 });
}

async function rejection(p: Promise<unknown>): Promise<SshError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SshError, `expected SshError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

test('exec returns stdout, stderr and exit code; two execs share one connection', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const r1 = await pool.exec('h1', target(), 'echo hello; echo oops >&2; exit 3', { timeoutMs: 60_000 });
  assert.equal(r1.stdout, 'hello\n');
  assert.equal(r1.stderr, 'oops\n');
  assert.equal(r1.code, 3);
  assert.ok(r1.latencyMs >= 0);
  const r2 = await pool.exec('h1', target(), 'cat', { timeoutMs: 60_000, stdin: 'from stdin' });
  assert.equal(r2.stdout, 'from stdin');
  assert.equal(r2.code, 0);
  assert.deepEqual(pool.stats(), { connections: 1, connecting: 0, inFlight: 0 });
  const accepted = sshd.log().match(/Accepted publickey for root/g) ?? [];
  assert.equal(accepted.length, 1, 'one authenticated connection for both execs');
});

test('concurrent execs on one host open a single connection', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const results = await Promise.all([1, 2, 3, 4, 5].map((i) => pool.exec('h-par', target(), `echo ${i}`, { timeoutMs: 60_000 })));
  assert.deepEqual(results.map((r) => r.stdout), ['1\n', '2\n', '3\n', '4\n', '5\n']);
  assert.equal(pool.stats().connections, 1);
});

test('unknown host key: untrusted, offered key reported, nothing authenticated', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const emptyKnownHosts = join(scratch, 'empty_known_hosts');
  writeFileSync(emptyKnownHosts, '');
  const logBefore = sshd.log().length;
  const err = await rejection(pool.exec('h-unknown', target({ knownHostsFiles: [emptyKnownHosts] }), 'touch /tmp/should-not-run', { timeoutMs: 5_000 }));
  assert.equal(err.kind, 'untrusted');
  assert.equal(err.hostKey?.status, 'unknown');
  assert.equal(err.hostKey?.knownHostsName, `[${ADDRESS}]:${sshd.port}`);
  const [type, base64] = sshd.hostPublicKey.split(' ');
  assert.equal(err.hostKey?.type, type);
  assert.equal(err.hostKey?.base64, base64);
  assert.equal(err.hostKey?.fingerprint, fingerprintSha256(Buffer.from(base64 ?? '', 'base64')));
  assert.match(err.message, new RegExp(`root@${ADDRESS}:${sshd.port}`));
  assert.match(err.message, /not in .*empty_known_hosts \(ssh-ed25519 SHA256:/);
  assert.deepEqual(pool.trustOffered('h-unknown'), err.hostKey);

  // sshd logs the end of the pre-auth session; once it has, check nothing was authenticated.
  const deadline = Date.now() + 5_000;
  while (!/Connection closed by .*\[preauth\]|Disconnected from .*\[preauth\]/.test(sshd.log().slice(logBefore)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const session = sshd.log().slice(logBefore);
  assert.match(session, /\[preauth\]/);
  assert.doesNotMatch(session, /Accepted|Failed publickey|Postponed|userauth/i);

  // Trusting the offered key (appending it) lets the same pool connect at once.
  const info = pool.trustOffered('h-unknown');
  assert.ok(info);
  await appendKnownHost(emptyKnownHosts, info.knownHostsName, info.type, info.base64);
  const ok = await pool.exec('h-unknown', target({ knownHostsFiles: [emptyKnownHosts] }), 'echo trusted', { timeoutMs: 60_000 });
  assert.equal(ok.stdout, 'trusted\n');
  assert.equal(pool.trustOffered('h-unknown'), undefined);
});

test('changed host key: untrusted with status changed', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const otherKey = join(scratch, 'other_host_key');
  keygen(otherKey);
  const { readFileSync } = await import('node:fs');
  const otherPublic = readFileSync(otherKey + '.pub', 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const wrongKnownHosts = join(scratch, 'wrong_known_hosts');
  writeFileSync(wrongKnownHosts, `[${ADDRESS}]:${sshd.port} ${otherPublic}\n`);
  const err = await rejection(pool.exec('h-changed', target({ knownHostsFiles: [wrongKnownHosts] }), 'true', { timeoutMs: 5_000 }));
  assert.equal(err.kind, 'untrusted');
  assert.equal(err.hostKey?.status, 'changed');
  assert.match(err.message, /HOST KEY CHANGED/);

  const revokedKnownHosts = join(scratch, 'revoked_known_hosts');
  writeFileSync(revokedKnownHosts, `${sshd.hostKeyLine}\n@revoked * ${sshd.hostPublicKey}\n`);
  const revoked = await rejection(pool.exec('h-revoked', target({ knownHostsFiles: [revokedKnownHosts] }), 'true', { timeoutMs: 5_000 }));
  assert.equal(revoked.kind, 'untrusted');
  assert.equal(revoked.hostKey?.status, 'revoked');
});

test('HostKeyAlias names the known_hosts entry (the plain alias, whatever the port, as OpenSSH)', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const aliasKnownHosts = join(scratch, 'alias_known_hosts');
  writeFileSync(aliasKnownHosts, `web-alias ${sshd.hostPublicKey}\n`);
  const r = await pool.exec('h-alias', target({ hostKeyAlias: 'web-alias', knownHostsFiles: [aliasKnownHosts] }), 'echo alias', { timeoutMs: 60_000 });
  assert.equal(r.stdout, 'alias\n');
});

test('exec timeout: kind timeout, and the pool still works afterwards', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const err = await rejection(pool.exec('h-slow', target(), 'sleep 30', { timeoutMs: 500 }));
  assert.equal(err.kind, 'timeout');
  assert.match(err.message, /did not finish within 500 ms/);
  const r = await pool.exec('h-slow', target(), 'echo still-alive', { timeoutMs: 60_000 });
  assert.equal(r.stdout, 'still-alive\n');
  assert.equal(pool.stats().inFlight, 0);
});

test('a frozen connection is destroyed after a timeout instead of piling up', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const who = await pool.exec('h-frozen', target(), 'echo $PPID', { timeoutMs: 60_000 });
  const sessionPid = Number(who.stdout.trim());
  assert.ok(sessionPid > 1);
  process.kill(sessionPid, 'SIGSTOP');
  t.after(() => {
    try {
      process.kill(sessionPid, 'SIGCONT');
    } catch {
      // already gone
    }
  });
  const err = await rejection(pool.exec('h-frozen', target(), 'echo never', { timeoutMs: 500 }));
  assert.equal(err.kind, 'timeout');
  const deadline = Date.now() + 10_000;
  while (pool.stats().connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(pool.stats().connections, 0, 'the hung connection was destroyed');
  const r = await pool.exec('h-frozen', target(), 'echo fresh', { timeoutMs: 60_000 });
  assert.equal(r.stdout, 'fresh\n');
  assert.equal(pool.stats().connections, 1);
});

test('auth failure names what was offered and why keys were skipped', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const strangerKey = join(scratch, 'stranger');
  keygen(strangerKey);
  const encrypted = join(scratch, 'encrypted');
  const { spawnSync } = await import('node:child_process');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', encrypted]);
  const err = await rejection(pool.exec('h-auth', target({ identityFiles: [encrypted, strangerKey, join(scratch, 'nope')] }), 'true', { timeoutMs: 5_000 }));
  assert.equal(err.kind, 'auth-failed');
  assert.match(err.message, /encrypted .*is encrypted \(remlite never prompts/);
  assert.match(err.message, /offered .*stranger/);
  assert.match(err.message, /nope does not exist/);
  assert.ok(err.retryAt, 'auth failures back off too');
});

test('closed port: unreachable, then fail fast with retryAt while backing off', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const port = await freePort(ADDRESS);
  const err = await rejection(pool.exec('h-closed', target({ port }), 'true', { timeoutMs: 5_000 }));
  assert.equal(err.kind, 'unreachable');
  assert.match(err.message, new RegExp(`root@${ADDRESS}:${port}: connection refused`));
  const again = await rejection(pool.exec('h-closed', target({ port }), 'true', { timeoutMs: 5_000 }));
  assert.equal(again.kind, 'unreachable');
  assert.ok(again.retryAt && again.retryAt > Date.now());
  assert.match(again.message, /retry in \d+s$/);
  // drop() is the operator's explicit retry: it forgets the backoff and dials again.
  pool.drop('h-closed');
  const third = await rejection(pool.exec('h-closed', target({ port }), 'true', { timeoutMs: 5_000 }));
  assert.match(third.message, /connection refused \(/);
  assert.doesNotMatch(third.message, /retry in/);
});

test('a dropped connection is recreated on next use', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  await pool.exec('h-drop', target(), 'true', { timeoutMs: 60_000 });
  // Kill this connection's sshd session process from the remote side.
  await pool.exec('h-drop', target(), 'kill -9 $PPID', { timeoutMs: 60_000 }).catch(() => undefined);
  const deadline = Date.now() + 5_000;
  while (pool.stats().connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(pool.stats().connections, 0, 'the pool noticed the drop');
  const r = await pool.exec('h-drop', target(), 'echo back', { timeoutMs: 60_000 });
  assert.equal(r.stdout, 'back\n');
  assert.equal(pool.stats().connections, 1);
});

test('stream delivers lines as they are written, then ends cleanly', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const batches: string[][] = [];
  const ended = await new Promise<SshError | undefined>((resolve) => {
    pool.stream('h-stream', target(), 'for i in 1 2 3; do echo line$i; sleep 0.2; done', {
      onLines: (lines) => batches.push(lines),
      onEnd: resolve,
    });
  });
  assert.equal(ended, undefined);
  assert.deepEqual(batches.flat(), ['line1', 'line2', 'line3']);
  assert.ok(batches.length >= 2, 'lines arrived in more than one batch, as written');
});

test('stream stop() ends a follow and calls onEnd once', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const seen: string[] = [];
  let ends = 0;
  await new Promise<void>((resolve) => {
    const s = pool.stream('h-follow', target(), 'while true; do echo tick; sleep 0.1; done', {
      onLines: (lines) => {
        seen.push(...lines);
        if (seen.length >= 2) {
          s.stop();
          resolve();
        }
      },
      onEnd: () => ends++,
    });
  });
  assert.equal(ends, 1);
  assert.equal(seen[0], 'tick');
  const r = await pool.exec('h-follow', target(), 'echo after', { timeoutMs: 60_000 });
  assert.equal(r.stdout, 'after\n');
});

test('stream to an unreachable host ends with the connection error', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const port = await freePort(ADDRESS);
  const lines: string[] = [];
  const err = await new Promise<SshError | undefined>((resolve) => {
    pool.stream('h-stream-down', target({ port }), 'echo never', { onLines: (l) => lines.push(...l), onEnd: resolve });
  });
  assert.equal(err?.kind, 'unreachable');
  assert.deepEqual(lines, []);
});

test('hostile output: ESC sequences and broken UTF-8 pass through raw without crashing', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const cmd = `printf '\\033[2J\\033]0;pwned\\007red\\033[31m\\377\\376\\n'; printf 'half \\342\\202'`;
  const r = await pool.exec('h-hostile', target(), cmd, { timeoutMs: 60_000 });
  assert.ok(r.stdout.startsWith('\x1b[2J\x1b]0;pwned\x07red\x1b[31m'));
  assert.ok(r.stdout.includes('\ufffd'));
  const lines: string[] = [];
  const end = await new Promise<SshError | undefined>((resolve) => {
    pool.stream('h-hostile', target(), cmd, { onLines: (l) => lines.push(...l), onEnd: resolve });
  });
  assert.equal(end, undefined);
  assert.equal(lines.length, 2);
  assert.ok(lines[0]?.startsWith('\x1b[2J'));
  assert.ok(lines[1]?.startsWith('half '));
});

test('output over maxOutputBytes is cut and flagged', { skip }, async (t) => {
  const pool = new SshPool({ agentSocket: false, maxOutputBytes: 1000 });
  t.after(() => pool.close());
  const r = await pool.exec('h-big', target(), 'head -c 50000 /dev/zero', { timeoutMs: 60_000 });
  assert.equal(r.stdout.length, 1000);
  assert.equal(r.truncated, true);
  assert.equal(r.code, 0);
});

test('jump host: tunnels to the target, both verified', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const via: SshTarget = target({ hostKeyAlias: 'jumpbox' });
  const jumpKnownHosts = join(scratch, 'jump_known_hosts');
  writeFileSync(jumpKnownHosts, `jumpbox ${sshd.hostPublicKey}\n${sshd.hostKeyLine}\n`);
  via.knownHostsFiles = [jumpKnownHosts];
  const r = await pool.exec('h-jump', target({ jump: via }), 'echo tunnelled', { timeoutMs: 60_000 });
  assert.equal(r.stdout, 'tunnelled\n');

  // The jump host itself unknown: untrusted, and the key names the jump.
  const pool2 = newPool();
  t.after(() => pool2.close());
  const empty = join(scratch, 'jump_empty');
  writeFileSync(empty, '');
  const err = await rejection(pool2.exec('h-jump2', target({ jump: { ...via, knownHostsFiles: [empty] } }), 'true', { timeoutMs: 5_000 }));
  assert.equal(err.kind, 'untrusted');
  assert.equal(err.hostKey?.knownHostsName, 'jumpbox');
});
