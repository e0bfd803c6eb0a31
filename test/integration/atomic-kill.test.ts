// Atomic writes survive SIGKILL: a child process replaces a file with multi-megabyte documents in
// a loop and is killed at random moments; the file always parses as a whole document, either the
// last one reported written or the one being written when the kill landed, never a mix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicDoc } from '../support/atomic-writer.js';

const WRITER = join(process.cwd(), 'dist/test/support/atomic-writer.js');

function killMidWrite(file: string, firstGen: number): Promise<{ lastDone: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, file, String(firstGen)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lastDone = firstGen - 1;
    let buf = '';
    const killAfter = 1 + Math.floor(Math.random() * 3);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) lastDone = Number(l.replace('done ', ''));
      if (lastDone - firstGen + 1 >= killAfter) setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve({ lastDone }) : reject(new Error(`writer exited on its own (${String(_code)})`))));
  });
}

test('SIGKILL during atomic writes: the file is always the old or the new document, whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-atomickill-'));
  const file = join(dir, 'state.json');
  writeFileSync(file, atomicDoc(0));
  let gen = 1;
  const outcomes = new Set<string>();
  for (let round = 0; round < 12; round++) {
    const { lastDone } = await killMidWrite(file, gen);
    const text = readFileSync(file, 'utf8');
    const doc = JSON.parse(text) as { gen: number; size: number; pad: string; end: number };
    assert.equal(doc.pad.length, doc.size, 'whole document');
    assert.equal(doc.end, doc.gen, 'no mix of two documents');
    assert.equal(text, atomicDoc(doc.gen));
    assert.ok(doc.gen === lastDone || doc.gen === lastDone + 1, `round ${round}: file has document ${doc.gen}, last reported ${lastDone}`);
    outcomes.add(doc.gen === lastDone ? 'old' : 'new');
    gen = doc.gen + 2; // past anything the killed child may have begun
    // A kill between creating and renaming the temp file may leave it behind; nothing else.
    assert.deepEqual(readdirSync(dir).filter((f) => f !== 'state.json' && !/^\.state\.json\.tmp-\d+-[0-9a-f]{8}$/.test(f)), []);
  }
  assert.ok(outcomes.has('old'), `some kill landed in the middle of a write: ${[...outcomes].join(',')}`);
});

test('a process that exits in the middle of an atomic write removes its temp file on the way out', () => {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-atomicexit-'));
  const file = join(dir, 'state.json');
  const r = spawnSync(process.execPath, [join(process.cwd(), 'dist/test/support/atomic-exit.js'), file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const temp = r.stdout.trim();
  assert.match(temp, /\/\.state\.json\.tmp-\d+-[0-9a-f]{8}$/, 'the child saw its temp file on disk before exiting');
  assert.deepEqual(readdirSync(dir), [], 'no temp left, and the unfinished write never replaced the file');
});
