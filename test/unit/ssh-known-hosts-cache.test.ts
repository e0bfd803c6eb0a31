import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readKnownHostsFiles } from '../../src/ssh/known-hosts.js';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIA1dm6FqCkz2gZr7hQ1i3QHvYmiNf5aK6dbvoXhHbQ2p';

test('known_hosts stays fresh although parsed files are reused: an appended or rewritten line is seen at once', async () => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'remlite-kh-')), 'known_hosts');
  writeFileSync(file, `web1 ssh-ed25519 ${KEY_A}\n`);
  const first = await readKnownHostsFiles([file]);
  assert.deepEqual(first.entries.map((e) => e.keyBase64), [KEY_A]);
  const again = await readKnownHostsFiles([file]);
  assert.deepEqual(again.entries.map((e) => e.keyBase64), [KEY_A]);
  appendFileSync(file, `web2 ssh-ed25519 ${KEY_B}\n`);
  const appended = await readKnownHostsFiles([file]);
  assert.deepEqual(appended.entries.map((e) => e.keyBase64), [KEY_A, KEY_B]);
  // Same length, other content (a key replaced after `ssh-keygen -R` and a re-scan): mtime tells.
  await new Promise((r) => setTimeout(r, 20));
  writeFileSync(file, `web1 ssh-ed25519 ${KEY_B}\nweb2 ssh-ed25519 ${KEY_A}\n`);
  const rewritten = await readKnownHostsFiles([file]);
  assert.deepEqual(rewritten.entries.map((e) => e.keyBase64), [KEY_B, KEY_A]);
});
