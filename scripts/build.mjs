// The build: tsc, then the bundle, then the stamp saying which sources dist/ holds.
// `--if-stale` builds only when the stamp does not match the sources (scripts/start.mjs, `npm start`,
// checks the same in its own process).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { checkBuild, sourceFingerprint, writeStamp } from './build-stamp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--if-stale')) {
  const reason = checkBuild(root);
  if (!reason) process.exit(0);
  process.stderr.write(`remlite: building (${reason})...\n`);
}
// Taken before the build: a file edited while tsc runs leaves a stamp that no longer matches.
const fingerprint = sourceFingerprint(root);
const run = (args) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run([path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
run([path.join(root, 'scripts/bundle.mjs')]);
writeStamp(root, fingerprint);
