// The bundle (scripts/bundle.mjs) is what `npm start` and the installed `remlite` run: it must be the
// same program as tsc's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { answered } from '../support/lab-console.js';

const BUNDLE = join(process.cwd(), 'dist', 'bundle', 'remlite.cjs');

function bundled(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'remlite-bundle-'));
  const env = { ...process.env, REMLITE_STATE_DIR: join(dir, 'state'), REMLITE_CONFIG_DIR: join(dir, 'config'), HOME: dir };
  return spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', env, timeout: 60_000 });
}

test('the bundle reports the package version', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; bin: Record<string, string> };
  const r = bundled(['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `remlite ${pkg.version}`);
  assert.equal(pkg.bin['remlite'], 'dist/bundle/remlite.cjs');
});

test('the bundle probes this machine headless, like tsc output does', () => {
  const r = bundled(['status', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { hosts: { provider: string; reach: string; probe?: { hostname: string } }[] };
  assert.equal(out.hosts.length, 1);
  assert.equal(out.hosts[0]!.provider, 'local');
  assert.ok(answered(out.hosts[0]!.reach), `reach ${out.hosts[0]!.reach}`);
  assert.equal(out.hosts[0]!.probe?.hostname, hostname());
});

test('the start runs from the V8 code cache the build made, and without it (refused or missing) runs as well', () => {
  const traced = (bundle: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'remlite-bundle-'));
    const env = { ...process.env, REMLITE_STATE_DIR: join(dir, 'state'), REMLITE_CONFIG_DIR: join(dir, 'config'), HOME: dir, REMLITE_STARTUP_TRACE: '1' };
    const r = spawnSync(process.execPath, [bundle, '--version'], { encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^remlite \d/);
    return /remlite-startup code-cache (\w+)/.exec(r.stderr)?.[1];
  };
  assert.equal(traced(BUNDLE), 'used', 'the cache matches the start the build wrote beside it');

  const copy = mkdtempSync(join(tmpdir(), 'remlite-bundle-copy-'));
  cpSync(dirname(BUNDLE), copy, { recursive: true });
  const cache = readFileSync(join(copy, 'start.cjs.v8cache'));
  writeFileSync(join(copy, 'start.cjs.v8cache'), cache.subarray(0, cache.length >> 1));
  assert.equal(traced(join(copy, 'remlite.cjs')), 'refused');
  rmSync(join(copy, 'start.cjs.v8cache'));
  assert.equal(traced(join(copy, 'remlite.cjs')), 'none');
});

test('the build trained the code cache on a first frame: it holds more than the top level V8 compiles without running', async () => {
  const { loaderSource } = (await import(pathToFileURL(join(process.cwd(), 'scripts', 'train-code-cache.mjs')).href)) as { loaderSource: (code: string) => string };
  const start = join(dirname(BUNDLE), 'start.cjs');
  const shipped = readFileSync(`${start}.v8cache`);
  const script = new Script(loaderSource(readFileSync(start, 'utf8')), { filename: start, cachedData: shipped });
  assert.equal(script.cachedDataRejected, false);
  const untrained = new Script(loaderSource(readFileSync(start, 'utf8')), { filename: start }).createCachedData();
  // The first frame compiles the row checks, the layout, the cell widths and the writer: well over
  // half again as much bytecode as the top level (118 KB against 50 KB when this was written).
  assert.ok(shipped.length > untrained.length * 1.5, `shipped ${shipped.length} bytes, top level only ${untrained.length}`);
});
