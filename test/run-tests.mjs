// The whole suite: unit tests, then integration tests against a real lab of systemd hosts.
// Node 20 takes no globs on --test, so the compiled files are listed here.
// The lab is started once for the run and stopped at the end; when it cannot run here
// (not root, no debootstrap/unshare/overlayfs), lab tests skip and say why.
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'integration'];
const files = [];
for (const suite of suites) {
  const dir = join('dist', 'test', suite);
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.test.js')) files.push(join(dir, f));
}
if (files.length === 0) {
  console.error(`run-tests: no compiled tests under dist/test/{${suites.join(',')}} (did tsc run?)`);
  process.exit(1);
}

const env = { ...process.env };
// Every temporary file of the run (tests, the CLIs they spawn) goes under one directory removed at
// the end, whatever a test left behind. Mode 1777 as /tmp, for tests that run commands as other users.
const runTmp = mkdtempSync(join(tmpdir(), 'remlite-test-'));
chmodSync(runTmp, 0o1777);
env.TMPDIR = runTmp;
// Ink renders only its last frame when it believes it runs in CI; the view tests drive a live UI.
delete env.CI;
delete env.CONTINUOUS_INTEGRATION;
let labStarted = false;
if (suites.includes('integration') && !process.env.REMLITE_LAB_SKIP) {
  const hosts = process.env.REMLITE_LAB_HOSTS ?? '3';
  console.log(`run-tests: starting the lab (${hosts} hosts) for integration tests`);
  const lab = spawnSync('bash', ['test/lab/lab.sh', 'start', hosts], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (lab.status === 0) labStarted = true;
  else {
    env.REMLITE_LAB_UNAVAILABLE = `lab could not start (lab.sh exit ${lab.status}); see the lines above`;
    console.log(`run-tests: ${env.REMLITE_LAB_UNAVAILABLE}: lab tests will be skipped`);
  }
}

let status = 1;
try {
  const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env,
  });
  status = r.status ?? 1;
} finally {
  if (labStarted && !process.env.REMLITE_LAB_KEEP) spawnSync('bash', ['test/lab/lab.sh', 'stop'], { stdio: 'inherit' });
  rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
}
process.exit(status);
