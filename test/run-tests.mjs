// Runs the compiled test files with Node's own test runner.
// Node 20 takes no globs on --test, so the files are listed here.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
const dirs = (suites.length ? suites : ['unit', 'integration']).map((s) => join('dist', 'test', s));
const files = [];
for (const dir of dirs) {
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.test.js')) files.push(join(dir, f));
}
if (files.length === 0) {
  console.error('run-tests: no compiled tests found under ' + dirs.join(', ') + ' (did tsc run?)');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
