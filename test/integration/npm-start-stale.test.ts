// `npm start` on a built, unchanged tree runs the bundle without tsc or the bundler; after a source
// edit it rebuilds first. Runs the real npm scripts in a copy of this checkout (dist/ included, so
// tsc's incremental build info applies) with node_modules linked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const COPIED = ['src', 'views', 'providers', 'test', 'bench', 'tools', 'scripts', 'dist', 'tsconfig.json', 'package.json', 'package-lock.json'];

function npmStart(root: string, args: string[]) {
  const env = { ...process.env, HOME: root, REMLITE_STATE_DIR: path.join(root, 'state'), REMLITE_CONFIG_DIR: path.join(root, 'config') };
  return spawnSync('npm', ['start', '--silent', '--', ...args], { cwd: root, encoding: 'utf8', env, timeout: 300_000 });
}

test('npm start rebuilds only when a source changed', { timeout: 600_000 }, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'remlite-npm-start-'));
  try {
    for (const f of COPIED) cpSync(f, path.join(root, f), { recursive: true, preserveTimestamps: true });
    symlinkSync(path.resolve('node_modules'), path.join(root, 'node_modules'));
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    const bundle = path.join(root, 'dist/bundle/remlite.cjs');

    // The test run built this checkout (npm test / npm run build write the stamp); the copy is the same tree.
    const before = statSync(bundle).mtimeMs;
    const fresh = npmStart(root, ['--version']);
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.equal(fresh.stdout.trim(), `remlite ${version}`);
    assert.doesNotMatch(fresh.stderr, /building/);
    assert.equal(statSync(bundle).mtimeMs, before, 'the bundle was rewritten on an unchanged tree');

    const main = path.join(root, 'src/cli/run-command.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('`remlite ${await version()}\\n`', '`remlite-edited ${await version()}\\n`'));
    const edited = npmStart(root, ['--version']);
    assert.equal(edited.status, 0, edited.stderr);
    assert.match(edited.stderr, /building \(sources changed since the last build\)/);
    assert.equal(edited.stdout.trim(), `remlite-edited ${version}`);

    const again = npmStart(root, ['--version']);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /building/);
    assert.equal(again.stdout.trim(), `remlite-edited ${version}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
