import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocalProbe, runShellScript } from '../../src/probe/run-local.js';
import { shQuote } from '../../src/util/shell-quote.js';

/** Running (a killed orphan may stay a zombie if this sandbox's pid 1 does not reap). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

test('runLocalProbe returns the whole output and exit code 0', async () => {
  const r = await runLocalProbe(['sshd'], 30_000);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^@@remlite meta\n/);
  assert.match(r.stdout, /\n@@remlite end\n$/);
  assert.ok(r.latencyMs > 0);
});

test('on timeout the script and the children it started are killed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-run-'));
  const pidFile = join(dir, 'pid');
  try {
    // The child writes its pid then sleeps far longer than the timeout.
    const script = `sleep 300 & echo $! > ${shQuote(pidFile)}; echo started; wait`;
    const r = await runShellScript(script, 500);
    assert.equal(r.code, null, 'killed, not exited');
    assert.equal(r.stdout, 'started\n');
    assert.ok(existsSync(pidFile));
    const sleeper = Number(readFileSync(pidFile, 'utf8').trim());
    assert.ok(sleeper > 0);
    // SIGKILL to the group is delivered before close fires; give the kernel a moment to reap.
    for (let i = 0; i < 50 && alive(sleeper); i++) await new Promise((res) => setTimeout(res, 20));
    assert.equal(alive(sleeper), false, 'background child survived the timeout');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the script text is one argv word: a value in it is not re-interpreted by another shell', async () => {
  const r = await runShellScript(`printf '%s\\n' ${shQuote('$(echo injected); `id`')}`, 10_000);
  assert.equal(r.stdout, '$(echo injected); `id`\n');
  assert.equal(r.code, 0);
});
