// `npm start`: builds first only when a build input changed since the last build (scripts/build-stamp.mjs),
// then runs the console's bundle in this same process: on a built, unchanged tree neither tsc nor the
// bundler runs, and no second node has to boot.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkBuild } from './build-stamp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reason = checkBuild(root);
if (reason) {
  process.stderr.write(`remlite: building (${reason})...\n`);
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await import(pathToFileURL(path.join(root, 'dist/bundle/remlite.cjs')).href);
