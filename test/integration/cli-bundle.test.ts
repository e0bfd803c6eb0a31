// The bundle (scripts/bundle.mjs) is what `npm start` and the installed `remlite` run: it must be the
// same program as tsc's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

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
  assert.equal(out.hosts[0]!.reach, 'ok');
  assert.equal(out.hosts[0]!.probe?.hostname, hostname());
});
