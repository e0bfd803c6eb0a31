import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { ResidentShell } from '../../src/ssh/resident-shell.js';
import { KEEP_AS_FUNCTION_MIN_BYTES, keptFunctionName } from '../../src/ssh/shell-frame.js';

/** A real local `sh -s` behind the parts of an ssh2 channel ResidentShell uses; counts the bytes sent. */
function localShell(): { shell: ResidentShell; sent: () => number; close: () => void } {
  const sh: ChildProcessWithoutNullStreams = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let sent = 0;
  const channel = Object.assign(new EventEmitter(), {
    stderr: sh.stderr,
    write(text: string) {
      sent += Buffer.byteLength(text);
      return sh.stdin.write(text);
    },
  });
  sh.stdout.on('data', (d: Buffer) => channel.emit('data', d));
  sh.on('close', () => channel.emit('close'));
  const shell = new ResidentShell(channel as unknown as ClientChannel, 1 << 20);
  return {
    shell,
    sent: () => sent,
    close: () => {
      sh.stdin.end();
      sh.kill();
    },
  };
}

/** A script over the keep threshold: `body`, then a comment that pads it. */
function long(body: string): string {
  const script = `${body}\n`;
  return script + `# ${'p'.repeat(Math.max(0, KEEP_AS_FUNCTION_MIN_BYTES - script.length))}\n`;
}

async function run(shell: ResidentShell, script: string): Promise<{ out: string; err: string; code: number | null }> {
  const r = await shell.run(script);
  assert.equal(r.kind, 'done', `run ended: ${r.kind}`);
  if (r.kind !== 'done') throw new Error('unreachable');
  return { out: r.stdout, err: r.stderr, code: r.code };
}

test('a long script is sent once: later runs call it by name, with the same output and exit code', async (t) => {
  const s = localShell();
  t.after(s.close);
  const script = long('echo "pid-of-run $$"; echo to-err >&2; X=leaked; cd /tmp; read line; echo "stdin:[$line]"; exit 6');
  const first = await run(s.shell, script);
  const afterFirst = s.sent();
  assert.ok(afterFirst > script.length, 'the first run sends the script');
  const second = await run(s.shell, script);
  const secondBytes = s.sent() - afterFirst;
  assert.deepEqual(second, first);
  assert.equal(first.code, 6);
  assert.equal(first.err, 'to-err\n');
  assert.match(first.out, /^pid-of-run \d+\nstdin:\[\]\n$/, 'stdin is /dev/null, not the next run');
  assert.ok(secondBytes < 512, `the second run sent ${secondBytes} bytes, not the script again`);
  const after = await run(s.shell, 'echo "X=[${X-unset}] pwd=$(pwd)"');
  assert.match(after.out, /^X=\[unset\] pwd=(?!\/tmp\n)/, 'a kept run leaves no variable or directory behind');
});

test('a changed script runs its new text, and a shell keeps at most four; one dropped is sent again when used', async (t) => {
  const s = localShell();
  t.after(s.close);
  const scripts = [1, 2, 3, 4, 5].map((n) => long(`echo version-${n}`));
  for (const [i, script] of scripts.entries()) assert.equal((await run(s.shell, script)).out, `version-${i + 1}\n`);
  const defined = async (script: string) => (await run(s.shell, `command -v ${keptFunctionName(script)} >/dev/null && echo yes || echo no`)).out;
  assert.equal(await defined(scripts[0]!), 'no\n', 'the oldest was unset on the host');
  for (const script of scripts.slice(1)) assert.equal(await defined(script), 'yes\n');
  const before = s.sent();
  assert.equal((await run(s.shell, scripts[0]!)).out, 'version-1\n');
  assert.ok(s.sent() - before > KEEP_AS_FUNCTION_MIN_BYTES, 'sent whole again');
  assert.equal(await defined(scripts[1]!), 'no\n', 'and the next oldest made room');
});

test('a kept script with a here-document and a top-level exit behaves as when sent whole', async (t) => {
  const s = localShell();
  t.after(s.close);
  const script = long("cat <<'EOF'\n}\n) </dev/null\nEOF\necho before; exit 3; echo after");
  for (let i = 0; i < 2; i++) assert.deepEqual(await run(s.shell, script), { out: '}\n) </dev/null\nbefore\n', err: '', code: 3 });
  assert.equal((await run(s.shell, 'echo still-running')).out, 'still-running\n');
});

test('a short script is framed as is, not kept', async (t) => {
  const s = localShell();
  t.after(s.close);
  const script = 'echo short';
  await run(s.shell, script);
  assert.equal((await run(s.shell, `command -v ${keptFunctionName(script)} || echo none`)).out, 'none\n');
});
