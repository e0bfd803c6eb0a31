import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SshTarget } from '../../src/model/index.js';
import { SshError } from '../../src/ssh/errors.js';
import { SshPool } from '../../src/ssh/pool.js';
import { KEEP_AS_FUNCTION_MIN_BYTES, keptFunctionName } from '../../src/ssh/shell-frame.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, sshdUnavailableReason, type PlainSshd } from '../support/plain-sshd.js';

const skip = sshdUnavailableReason();
let sshd: PlainSshd;
/** A host whose ForceCommand reads its stdin to the end and then answers: no resident shell there. */
let forced: PlainSshd;
let dir = '';

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'remlite-resident-'));
  writeFileSync(join(dir, 'answer.sh'), '#!/bin/sh\nn=$(wc -l)\necho "read $n lines"\n', { mode: 0o755 });
  sshd = await startSshd({ address: '127.0.91.7' });
  forced = await startSshd({ address: '127.0.91.8', extraConfig: [`ForceCommand ${join(dir, 'answer.sh')}`] });
});

after(async () => {
  if (skip) return;
  await sshd.stop();
  await forced.stop();
  rmSync(dir, { recursive: true, force: true });
});

function target(server = sshd): SshTarget {
  return { host: server.address, port: server.port, user: 'root', identityFiles: [server.clientKeyPath], knownHostsFiles: [server.knownHostsPath] };
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
  const plain = await pool.exec('h', target(), 'sh -s', { timeoutMs: 60_000, stdin: script });
  const before = sessions();
  assert.equal(before - s0, 1, 'sshd logs one session per plain exec');
  const a = await pool.runResident('h', target(), script, { timeoutMs: 60_000 });
  const b = await pool.runResident('h', target(), script, { timeoutMs: 60_000 });
  assert.equal(a.code, plain.code);
  assert.equal(a.stderr, plain.stderr);
  assert.match(a.stdout, /^shell \d+\n$/);
  assert.equal(a.stdout, b.stdout, 'both runs came from the same resident shell');
  assert.notEqual(a.stdout, plain.stdout, 'the plain exec had its own shell');
  assert.equal(sessions() - before, 1, 'one session for both runs');
});

test('a long script (the probe) is defined once on the host and called by name after, with the output of a plain exec', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const script = `echo "kernel $(uname -s)"; echo err >&2; exit 3\n# ${'pad '.repeat(KEEP_AS_FUNCTION_MIN_BYTES / 4)}\n`;
  const plain = await pool.exec('l', target(), 'sh -s', { timeoutMs: 60_000, stdin: script });
  const a = await pool.runResident('l', target(), script, { timeoutMs: 60_000 });
  const b = await pool.runResident('l', target(), script, { timeoutMs: 60_000 });
  for (const r of [a, b]) assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: plain.code, stdout: plain.stdout, stderr: plain.stderr });
  const kept = await pool.runResident('l', target(), `command -v ${keptFunctionName(script)} || echo missing`, { timeoutMs: 60_000 });
  assert.equal(kept.stdout, `${keptFunctionName(script)}\n`, 'the resident shell on the host holds the script as a function');
});

test('a run that outlives its timeout fails with kind timeout, and the next run gets a new shell', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const first = await pool.runResident('t', target(), 'echo $$', { timeoutMs: 60_000 });
  const err = await pool.runResident('t', target(), 'sleep 30', { timeoutMs: 2_000 }).then(
    () => assert.fail('expected a timeout'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SshError && err.kind === 'timeout', String(err));
  const next = await pool.runResident('t', target(), 'echo $$', { timeoutMs: 60_000 });
  assert.match(next.stdout, /^\d+\n$/);
  assert.notEqual(next.stdout, first.stdout);
});

test('a resident shell killed between runs: the next run still returns its own output', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const first = await pool.runResident('k', target(), 'echo $$', { timeoutMs: 60_000 });
  const pid = Number(first.stdout.trim());
  assert.ok(pid > 1);
  await pool.exec('k', target(), `kill -9 ${pid}`, { timeoutMs: 60_000 });
  const next = await pool.runResident('k', target(), 'echo alive; echo $$', { timeoutMs: 60_000 });
  assert.equal(next.code, 0);
  assert.match(next.stdout, /^alive\n\d+\n$/);
  assert.notEqual(next.stdout.split('\n')[1], String(pid));
});

test('output over the cap is cut and flagged; the shell is replaced for the next run', { skip }, async (t) => {
  const pool = newPool(4096);
  t.after(() => pool.close());
  const big = await pool.runResident('c', target(), 'head -c 100000 /dev/zero | tr "\\0" x', { timeoutMs: 60_000 });
  assert.equal(big.truncated, true);
  assert.ok(big.stdout.length <= 4096);
  const next = await pool.runResident('c', target(), 'echo small', { timeoutMs: 60_000 });
  assert.equal(next.stdout, 'small\n');
  assert.equal(next.truncated, undefined);
});

test('a host that gives no resident shell (ForceCommand reading stdin to its end) still answers each run, as plain execs', { skip }, async (t) => {
  const pool = newPool();
  t.after(() => pool.close());
  const script = 'one\ntwo\nthree\n';
  const first = await pool.runResident('f', target(forced), script, { timeoutMs: 20_000 });
  assert.equal(first.stdout, 'read 3 lines\n', 'the script went whole to a plain exec, after the shell check gave up');
  const second = await pool.runResident('f', target(forced), script, { timeoutMs: 20_000 });
  assert.equal(second.stdout, 'read 3 lines\n');
});
