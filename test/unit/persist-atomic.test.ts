import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '../../src/persist/atomic.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'remlite-atomic-'));

test('writeFileAtomic replaces a file with a large payload and leaves no temp file', async () => {
  const dir = tmp();
  const file = path.join(dir, 'cache.json');
  writeFileSync(file, 'old content');
  const payload = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;
  await writeFileAtomic(file, payload, 0o640);
  assert.ok(readFileSync(file).equals(payload));
  assert.deepEqual(readdirSync(dir), ['cache.json']);
  assert.equal(statSync(file).mode & 0o777, 0o640);
});

test('readers see the old or the new content, never a partial file', async () => {
  const dir = tmp();
  const file = path.join(dir, 'state.json');
  const old = 'A'.repeat(1 << 20);
  const next = 'B'.repeat(4 << 20);
  writeFileSync(file, old);
  const seen = new Set<string>();
  let done = false;
  const writing = writeFileAtomic(file, next).then(() => (done = true));
  while (!done) {
    const text = readFileSync(file, 'utf8');
    seen.add(text === old ? 'old' : text === next ? 'new' : `partial(${text.length})`);
    await new Promise((r) => setImmediate(r));
  }
  await writing;
  seen.add(readFileSync(file, 'utf8') === next ? 'new' : 'partial');
  assert.deepEqual([...seen].filter((s) => s !== 'old' && s !== 'new'), []);
  assert.ok(seen.has('new'));
});

test('a failed rename leaves the target untouched and removes the temp file', async () => {
  const dir = tmp();
  // The target is a non-empty directory: the temp file gets written, then rename refuses.
  const target = path.join(dir, 'busy');
  mkdirSync(target);
  writeFileSync(path.join(target, 'inside'), 'keep');
  await assert.rejects(writeFileAtomic(target, 'data'));
  assert.equal(readFileSync(path.join(target, 'inside'), 'utf8'), 'keep');
  assert.deepEqual(readdirSync(dir), ['busy']);
});

test('writeFileAtomicSync writes the content with the requested mode', () => {
  const dir = tmp();
  const file = path.join(dir, 'settings.json');
  writeFileAtomicSync(file, '{"a":1}');
  assert.equal(readFileSync(file, 'utf8'), '{"a":1}');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['settings.json']);
});
