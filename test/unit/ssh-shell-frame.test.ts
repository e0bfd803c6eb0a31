import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { FrameReader, frameScript, newNonce } from '../../src/ssh/shell-frame.js';

const NONCE = 'ab'.repeat(16);
const start = `REMLITE-S-${NONCE}\n`;
const end = (code?: number) => `\nREMLITE-E-${NONCE}${code === undefined ? '' : ` ${code}`}\n`;

function feed(reader: FrameReader, text: string, pieces: number[]): void {
  const bytes = Buffer.from(text);
  let at = 0;
  for (const n of pieces) {
    reader.push(bytes.subarray(at, at + n));
    at += n;
  }
  reader.push(bytes.subarray(at));
}

test('a framed run is cut out of the stream: noise before the start marker and after the end marker is not its output', () => {
  const r = new FrameReader(NONCE, 1024);
  feed(r, `late output of an earlier run\n${start}line 1\nline 2\n${end(7)}noise`, []);
  assert.equal(r.done, true);
  assert.equal(r.text(), 'line 1\nline 2\n');
  assert.equal(r.exitCode(), 7);
});

test('markers split across chunks at every position are still found', () => {
  const text = `xx${start}héllo\nno newline at the end${end(0)}`;
  for (let cut = 1; cut < text.length - 1; cut++) {
    const r = new FrameReader(NONCE, 1024);
    feed(r, text, [cut, 3]);
    assert.equal(r.done, true, `cut at ${cut}`);
    assert.equal(r.text(), 'héllo\nno newline at the end', `cut at ${cut}`);
    assert.equal(r.exitCode(), 0);
  }
});

test('a marker with another nonce (forged or from an earlier run) does not end the run', () => {
  const other = 'cd'.repeat(16);
  const r = new FrameReader(NONCE, 1024);
  feed(r, `${start}a\nREMLITE-E-${other} 0\nb`, []);
  assert.equal(r.done, false);
  r.push(Buffer.from(end(1)));
  assert.equal(r.text(), `a\nREMLITE-E-${other} 0\nb`);
  assert.equal(r.exitCode(), 1);
});

test('the end is known only once the status line is complete', () => {
  const r = new FrameReader(NONCE, 1024);
  feed(r, `${start}out\nREMLITE-E-${NONCE} 1`, []);
  assert.equal(r.done, false);
  r.push(Buffer.from('2\n'));
  assert.equal(r.done, true);
  assert.equal(r.exitCode(), 12);
});

test('output over the cap is flagged and no more is kept', () => {
  const r = new FrameReader(NONCE, 100);
  r.push(Buffer.from(start));
  for (let i = 0; i < 50; i++) r.push(Buffer.alloc(10, 'x'));
  assert.equal(r.truncated, true);
  assert.equal(r.done, false);
  assert.ok(r.text().length <= 100);
});

test('nonces are fresh 128-bit hex', () => {
  const a = newNonce();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, newNonce());
});

/** Runs framed scripts one after another on one real local `sh -s`, as the resident shell does over SSH. */
async function runAll(scripts: string[]): Promise<{ out: string; code: number | null }[]> {
  const sh = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const results: { out: string; code: number | null }[] = [];
  try {
    for (const script of scripts) {
      const nonce = newNonce();
      const out = new FrameReader(nonce, 1 << 20);
      const err = new FrameReader(nonce, 1 << 20);
      await new Promise<void>((resolve) => {
        const check = () => {
          if (out.done && err.done) {
            sh.stdout.off('data', onOut);
            sh.stderr.off('data', onErr);
            resolve();
          }
        };
        const onOut = (d: Buffer) => (out.push(d), check());
        const onErr = (d: Buffer) => (err.push(d), check());
        sh.stdout.on('data', onOut);
        sh.stderr.on('data', onErr);
        sh.stdin.write(frameScript(script, nonce));
      });
      results.push({ out: out.text(), code: out.exitCode() });
    }
  } finally {
    sh.stdin.end();
    sh.kill();
  }
  return results;
}

test('on a real sh: runs are isolated (no stdin theft, no leftover variables or directory) and keep their exit codes', async () => {
  const [a, b, c] = await runAll([
    'X=set; cd /tmp; read line; echo "read:[$line]"; exit 4',
    'echo "X=[${X-unset}] pwd=$(pwd)"; case a in a) echo case-ok ;; esac',
    'printf no-newline',
  ]);
  assert.deepEqual(a, { out: 'read:[]\n', code: 4 }, 'stdin is /dev/null: the next run text is not read');
  assert.equal(b!.code, 0);
  assert.match(b!.out, /^X=\[unset\] pwd=(?!\/tmp\n)/);
  assert.match(b!.out, /case-ok\n$/);
  assert.deepEqual(c, { out: 'no-newline', code: 0 });
});

test('on a real sh: a top-level exit ends only its own run, and a here-document passes through whole', async () => {
  const results = await runAll(['echo before; exit 9; echo after', "cat <<'EOF'\n) </dev/null\nprintf x\nEOF", 'echo still-running']);
  assert.deepEqual(results, [
    { out: 'before\n', code: 9 },
    { out: ') </dev/null\nprintf x\n', code: 0 },
    { out: 'still-running\n', code: 0 },
  ]);
});
