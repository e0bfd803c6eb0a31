import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const DIST = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '../..');

test('ssh2 is loaded at the first SSH use, not with the console: a console that opens no connection does not carry it', () => {
  // A fresh node: the console wired (as a Prometheus-only fleet has it), then ssh2 asked for.
  const dir = mkdtempSync(path.join(tmpdir(), 'remlite-ssh2-load-'));
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const loaded = () => Object.keys(require('node:module')._cache).some((f) => f.includes('/node_modules/ssh2/'));
    const { createConsole } = await import(${JSON.stringify(path.join(DIST, 'src/app/console.js'))});
    const core = createConsole({ machines: [], auditPath: ${JSON.stringify(path.join(dir, 'audit.log'))}, pollIntervalMs: 60000, probeTimeoutMs: 5000, slowThresholdMs: 1000, maxConcurrent: 4, logScrollback: 100 });
    const before = loaded();
    const { loadSsh2 } = await import(${JSON.stringify(path.join(DIST, 'src/ssh/load-ssh2.js'))});
    const ssh2 = await loadSsh2();
    console.log(JSON.stringify({ before, after: loaded(), client: typeof ssh2.Client, parseKey: typeof ssh2.utils.parseKey, same: ssh2 === (await loadSsh2()) }));
    await core.close();
  `;
  let out: string;
  try {
    out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), { before: false, after: true, client: 'function', parseKey: 'function', same: true });
});
