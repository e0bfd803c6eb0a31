// `remlite logs -f` whose stdout nobody reads (a stalled pipe) while the log grows fast on a real
// host: remlite stops reading the SSH stream, so the host's `tail` waits and remlite's memory (the
// child's VmRSS) stays bounded; once the pipe is read again every line arrives.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labInfo, labExec, type LabInfo } from '../support/lab.js';

const info = labInfo();
const skip = 'skip' in info ? info.skip : false;
const HOST = 'lab-web1';
const LOG = '/var/log/remlite-flood.log';
const LINE = 'remlite flood ' + 'x'.repeat(113); // 128 bytes with its newline
const LINES = 1024 * 1024; // 128 MiB written while nobody reads
const END = 'remlite-flood-end';
const MiB = 1024 * 1024;

after(async () => {
  if (!skip) await labExec(HOST, `rm -f ${LOG}`);
});

function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(m, 'VmRSS of the child');
  return Number(m[1]) * 1024;
}

/** Polls an async check until it returns a value (a safety limit, not a speed assertion). */
async function until<T>(what: string, check: () => Promise<T | undefined>, limitMs = 120_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The host-side tail: how far it has read the log, the log's size, and whether it sits in write(2). */
async function tailState(pid: string): Promise<{ pos: number; size: number; inWrite: boolean }> {
  const r = await labExec(
    HOST,
    `for fd in /proc/${pid}/fd/*; do [ "$(readlink "$fd")" = ${LOG} ] && awk '/^pos:/ {print $2}' /proc/${pid}/fdinfo/\${fd##*/}; done; stat -c %s ${LOG}; cut -d' ' -f1,2 /proc/${pid}/syscall`,
  );
  const [pos, size, syscall] = r.stdout.trim().split('\n');
  // x86-64: syscall 1 is write, and its first argument 0x1 is stdout (the SSH session's pipe).
  return { pos: Number(pos), size: Number(size), inWrite: syscall === '1 0x1' };
}

test('logs -f with a stalled stdout holds the host back: bounded memory, then every line arrives', { skip }, async () => {
  const lab = info as LabInfo;
  assert.equal((await labExec(HOST, `: > ${LOG}`)).code, 0);
  const dir = mkdtempSync(join(tmpdir(), 'remlite-flood-'));
  const child = spawn(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), 'logs', HOST, LOG, '-f', '-n', '0', '--inventory', lab.inventoryPath, '--no-local', '--no-ssh-config'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: dir, REMLITE_STATE_DIR: join(dir, 'state'), REMLITE_CONFIG_DIR: join(dir, 'config') },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    // stdout is not read: the pipe fills and stays full.
    const tailPid = await until('tail following the log on the host', async () => {
      // Anchored: the shell running pgrep has the same words in its own command line.
      const r = await labExec(HOST, `pgrep -f -- '^tail -n 0 -F -- ${LOG}$'`);
      return r.stdout.trim().split('\n')[0] || undefined;
    });
    const before = rssBytes(child.pid!);
    let peak = before;
    const w = await labExec(HOST, `yes '${LINE}' | head -n ${LINES} >> ${LOG} && echo ${END} >> ${LOG}`, 180_000);
    assert.equal(w.code, 0, w.stderr);

    // Either the host's tail is held back (blocked writing, its place in the log not moving), or it
    // has read the whole log, which only happens if remlite swallowed it.
    let last = -1;
    const held = await until('the host tail to be held back or to reach the end', async () => {
      peak = Math.max(peak, rssBytes(child.pid!));
      const s = await tailState(tailPid);
      const steady = s.pos === last;
      last = s.pos;
      if (s.pos >= s.size) return { ...s, held: false };
      return s.inWrite && steady ? { ...s, held: true } : undefined;
    });
    peak = Math.max(peak, rssBytes(child.pid!));
    assert.ok(held.held, `the host's tail read the whole ${held.size}-byte log while stdout was not read`);
    assert.ok(held.size - held.pos > 64 * MiB, `most of the log is still on the host (${held.pos} of ${held.size} bytes read)`);
    assert.ok(peak - before < 48 * MiB, `remlite grew by ${((peak - before) / MiB).toFixed(1)} MiB (from ${(before / MiB).toFixed(1)} MiB)`);

    // Read again: everything arrives, in order.
    let lines = 0;
    let bad = 0;
    let partial = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        const parts = (partial + d.toString('utf8')).split('\n');
        partial = parts.pop()!;
        for (const p of parts) {
          if (p === END) return resolve();
          if (p === LINE) lines++;
          else bad++;
        }
      });
    });
    assert.equal(bad, 0, 'no line other than the flood');
    assert.equal(lines, LINES, 'every line of the flood arrived');
  } finally {
    child.stdout.resume(); // drained, so the child can exit whatever happened above
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, stderr);
  }
});
