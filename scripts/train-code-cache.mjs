// The start's V8 code cache, trained: scripts/bundle.mjs first makes one by compiling the start
// without running it, which holds the top level only; every function the first frame calls is then
// still compiled at every start (about 3 ms here). This runs the built start once, under a real
// pseudo-terminal (`script`, util-linux), on a small fleet of every kind of row
// (tools/code-cache-fleet.ts), to its first frame, and keeps the cache the loader writes at exit
// (REMLITE_CODE_CACHE_OUT, scripts/start-loader.cjs). Any failure keeps the untrained cache and says
// why: a start is only slower without it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const TRAINING_ROWS = 40;
const quote = (s) => `'${s.replaceAll("'", `'\\''`)}'`;

/** What the loader compiles (the same text: V8 checks its length). */
export const loaderSource = (startCode) => `(function (exports, require, module, __filename, __dirname, __remliteImport) {${startCode}\n})`;

async function trainingCacheFile(root, home) {
  const dist = (file) => import(pathToFileURL(path.join(root, 'dist', file)).href);
  const { trainingFleet, TRAINING_FRAME_MARK } = await dist('tools/code-cache-fleet.js');
  const { buildFleetCache, fleetCachePath, fleetCacheText } = await dist('src/persist/fleet-cache.js');
  const { checkFirstFrameRows, firstFrameRows, screenKeep } = await dist('src/store/screen-rows.js');
  const { machines, rows } = trainingFleet();
  const screen = firstFrameRows(rows, screenKeep(TRAINING_ROWS));
  // Rows the start would refuse would train the slower way (the whole cache restored), not the usual one.
  if (!checkFirstFrameRows(JSON.parse(JSON.stringify(screen)))) throw new Error('tools/code-cache-fleet.ts: its rows are not well-formed grid rows');
  const stateDir = path.join(home, 'state');
  mkdirSync(stateDir);
  writeFileSync(fleetCachePath(stateDir), fleetCacheText(buildFleetCache(machines, []), screen));
  return { stateDir, mark: TRAINING_FRAME_MARK };
}

/** Replaces `<bundleDir>/start.cjs.v8cache` with the trained cache; returns why not when it cannot. */
export async function trainCodeCache(root, bundleDir) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'remlite-code-cache-'));
  try {
    const { stateDir, mark } = await trainingCacheFile(root, home);
    const out = path.join(home, 'start.cjs.v8cache');
    const cmd = `stty cols 120 rows ${TRAINING_ROWS}; exec ${quote(process.execPath)} ${quote(path.join(bundleDir, 'remlite.cjs'))} --no-ssh-config --no-local`;
    const env = { ...process.env, HOME: home, REMLITE_STATE_DIR: stateDir, REMLITE_CONFIG_DIR: path.join(home, 'config'), REMLITE_BENCH_FIRST_FRAME: mark, REMLITE_CODE_CACHE_OUT: out, TERM: 'xterm-256color' };
    delete env.REMLITE_SCREEN;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000, killSignal: 'SIGKILL', encoding: 'utf8' });
    if (r.error) return `script (util-linux) did not run: ${r.error.message}`;
    if (!/remlite-first-frame-ms/.test(r.stdout)) return `the training start drew no first frame (exit ${r.status ?? r.signal}): ${r.stdout.slice(-300)}${r.stderr.slice(-300)}`;
    let trained;
    try {
      trained = readFileSync(out);
    } catch (err) {
      return `the training start left no code cache: ${err.message}`;
    }
    const startFile = path.join(bundleDir, 'start.cjs');
    const check = new Script(loaderSource(readFileSync(startFile, 'utf8')), { filename: startFile, cachedData: trained });
    if (check.cachedDataRejected) return 'V8 refused the trained cache';
    const target = `${startFile}.v8cache`;
    writeFileSync(`${target}.tmp`, trained);
    renameSync(`${target}.tmp`, target);
    return undefined;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
