import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SshTarget } from '../../src/model/index.js';
import { SshError } from '../../src/ssh/errors.js';
import { SshPool } from '../../src/ssh/pool.js';
import { startSshd, sshdUnavailableReason, type PlainSshd } from '../support/plain-sshd.js';

const skip = sshdUnavailableReason();
let sshd: PlainSshd;

before(async () => {
  if (skip) return;
  sshd = await startSshd({ address: '127.0.91.7' });
});

after(async () => {
  if (skip) return;
  await sshd.stop();
});

function target(): SshTarget {
  return { host: sshd.address, port: sshd.port, user: 'root', identityFiles: [sshd.clientKeyPath], knownHostsFiles: [sshd.knownHostsPath] };
}

function newPool(maxOutputBytes?: number): SshPool {
  return new SshPool({ agentSocket: false, readyTimeoutMs: 5_000, hangGraceMs: 1_000, maxOutputBytes });
}

const sessions = () => (sshd.log().match(/session opened|Starting session/g) ?? []).length;

test('runs on the resident shell give what a plain exec gives, on one shell and one session', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const script = 'echo "shell $$"\necho to-stderr >&2\nexit 5\n';
  const s0 = sessions();
  const plain = await pool.exec('h', target(), 'sh -s', { timeoutMs: 10_000, stdin: script });
  const before = sessions();
  assert.equal(before - s0, 1, 'sshd logs one session per plain exec');
  const a = await pool.runResident('h', target(), script, { timeoutMs: 10_000 });
  const b = await pool.runResident('h', target(), script, { timeoutMs: 10_000 });
  assert.equal(a.code, plain.code);
  assert.equal(a.stderr, plain.stderr);
  assert.match(a.stdout, /^shell \d+\n$/);
  assert.equal(a.stdout, b.stdout, 'both runs came from the same resident shell');
  assert.notEqual(a.stdout, plain.stdout, 'the plain exec had its own shell');
  assert.equal(sessions() - before, 1, 'one session for both runs');
});

test('a run that outlives its timeout fails with kind timeout, and the next run gets a new shell', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const first = await pool.runResident('t', target(), 'echo $$', { timeoutMs: 10_000 });
  const err = await pool.runResident('t', target(), 'sleep 30', { timeoutMs: 500 }).then(
    () => assert.fail('expected a timeout'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SshError && err.kind === 'timeout', String(err));
  const next = await pool.runResident('t', target(), 'echo $$', { timeoutMs: 10_000 });
  assert.match(next.stdout, /^\d+\n$/);
  assert.notEqual(next.stdout, first.stdout);
});

test('a resident shell killed between runs: the next run still returns its own output', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const first = await pool.runResident('k', target(), 'echo $$', { timeoutMs: 10_000 });
  const pid = Number(first.stdout.trim());
  assert.ok(pid > 1);
  await pool.exec('k', target(), `kill -9 ${pid}`, { timeoutMs: 10_000 });
  const next = await pool.runResident('k', target(), 'echo alive; echo $$', { timeoutMs: 10_000 });
  assert.equal(next.code, 0);
  assert.match(next.stdout, /^alive\n\d+\n$/);
  assert.notEqual(next.stdout.split('\n')[1], String(pid));
});

test('output over the cap is cut and flagged; the shell is replaced for the next run', { skip }, async (t) => {
  const pool = newPool(4096);
  t.after(() => pool.close());
  const big = await pool.runResident('c', target(), 'head -c 100000 /dev/zero | tr "\\0" x', { timeoutMs: 10_000 });
  assert.equal(big.truncated, true);
  assert.ok(big.stdout.length <= 4096);
  const next = await pool.runResident('c', target(), 'echo small', { timeoutMs: 10_000 });
  assert.equal(next.stdout, 'small\n');
  assert.equal(next.truncated, undefined);
});
