/**
 * The console's heap settings, applied at run time rather than as V8 flags on node's command line.
 *
 * Why: measured with `npm run bench` at 1,000 hosts, V8's defaults let the old space grow to ~2.7x
 * the live heap and keep 32 MB of new space (Node 24: up to 128 MB), about 330 MB resident for ~60 MB
 * of live objects; `--heap-growing-percent=30` and an 8 MB semi-space keep the console under 200 MB
 * at the same keypress latency.
 *
 * Why not on the command line: node's built-in modules come with a V8 code cache that V8 refuses as
 * soon as any V8 flag differs from its defaults (the flags' hash is part of the check), so a flag on
 * the `#!` line makes every start compile tty, net, streams and the rest from source: 5 ms of
 * built-in compiling without flags, 13 ms with them, before the first frame. Setting a flag at run
 * time has the same effect on built-ins loaded afterwards, so this runs after the first frame.
 *
 * What each setting does once set at run time (checked on Node 20, 22 and 24; the stepwise growth
 * below by test/unit/heap-settings.test.ts on the three):
 * - `--heap-growing-percent` is read by V8 at every old-space limit it sets: it applies as on the
 *   command line.
 * - The new space's cap cannot be changed after start (V8 sizes it when the isolate is made), and
 *   V8 grows it two-fold (from 1 MB) at a young GC when enough objects survived. Stopping that
 *   growth from a GC observer is too late: the observer runs between tasks, and one task that makes
 *   many objects at once (a refresh of 10,000 hosts landing) runs many young GCs, so the new space
 *   reached V8's own limit (32 MB on Node 20) before the observer ran. So V8 never grows
 *   it on its own here (`--semi-space-growth-factor=1` from the start); the observer grows it one
 *   step at a time, between tasks, after a young GC while it is under the cap: the factor is 2 only
 *   for that step, which makes objects that survive until V8 has grown it once, then 1 again.
 * - Starting a worker thread sets V8's flags back to their start values on Node 20 and 22 (measured:
 *   after `new Worker`, the console's own new space grew to 32 MB again; Node 24 keeps them). So
 *   `startWorker` sets them again once the worker is online, and the observer at every GC it sees.
 * - The growth factor is the whole process's: kept at 1, a worker's new space would stay at V8's
 *   first 1 MB semi-spaces (measured: the Prometheus query worker then ran about 85 young GCs a
 *   refresh of 10,000 hosts). `startWorker` makes its isolate with 4 MB semi-spaces from the start
 *   (`--min-semi-space-size`, read when an isolate is made, set back once it is online); its
 *   resource limits (`WORKER_RESOURCE_LIMITS`) keep them there whatever the flags say.
 */
import v8 from 'node:v8';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { Worker, type WorkerOptions } from 'node:worker_threads';

export const HEAP_GROWING_PERCENT = 30;
/** Per semi-space; the new space holds two. */
export const MAX_SEMI_SPACE_MB = 8;
/**
 * A worker's semi-spaces, fixed: the query worker's refresh is one burst, and against a replay of the
 * 10,000-host bench (interleaved; medians of 11 and 12 runs) 4 MB kept its RSS about 8 MB under 8 MB's at
 * no CPU cost the spread could show.
 */
export const WORKER_SEMI_SPACE_MB = 4;
/**
 * A worker's young generation: two semi-spaces and the new large-object space, one semi-space's
 * size in V8's reckoning (`Heap::YoungGenerationSizeFromSemiSpaceSize`).
 */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 3 * WORKER_SEMI_SPACE_MB } as const;

const MB = 1024 * 1024;
const isMinorGc = (e: PerformanceEntry): boolean => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR;
let applied = false;

/** The new space's committed size (both semi-spaces once a scavenge has run), in bytes. */
export function newSpaceBytes(): number {
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** Applies the settings to this process (once; later calls do nothing). */
export function applyHeapSettings(): void {
  if (applied) return;
  applied = true;
  setFlags();
  // A step that did not grow it (V8 already at its own, smaller, limit) is not tried again.
  let growing = true;
  new PerformanceObserver((list) => {
    setFlags();
    if (growing && list.getEntries().some(isMinorGc) && newSpaceBytes() < NEW_SPACE_CAP_BYTES) growing = growNewSpaceOneStep();
  }).observe({ entryTypes: ['gc'] });
}

function setFlags(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * A worker thread whose semi-spaces are WORKER_SEMI_SPACE_MB from its start and stay so (its resource limits),
 * after whose start this process's flags hold again (set once it is online, before the next GC, so a
 * refresh landing at once cannot grow the console's new space).
 */
export function startWorker(script: string, options: Omit<WorkerOptions, 'resourceLimits'> = {}): Worker {
  const defaultMinimum = () => v8.setFlagsFromString('--min-semi-space-size=0');
  v8.setFlagsFromString(`--min-semi-space-size=${WORKER_SEMI_SPACE_MB}`);
  let worker: Worker;
  try {
    worker = new Worker(script, { ...options, resourceLimits: WORKER_RESOURCE_LIMITS });
  } catch (err) {
    defaultMinimum();
    throw err;
  }
  const started = () => {
    worker.off('online', started).off('exit', started);
    defaultMinimum();
    if (applied) setFlags();
  };
  worker.once('online', started).once('exit', started);
  return worker;
}

const NEW_SPACE_CAP_BYTES = 2 * MAX_SEMI_SPACE_MB * MB;
/** Under V8's large-object size (128 KB), so each is an ordinary new-space object a young GC copies. */
const STEP_ARRAY_LENGTH = 12_000;

/**
 * Lets V8 double the new space once, now: with the growth factor at 2, allocates arrays that stay
 * alive (the newest 6 MB) until the new space has grown, checking after each, then sets the factor
 * back to 1. Gives up after 64 MB made (V8 at its own limit, or a V8 that grows on other grounds).
 * Whether it grew.
 */
function growNewSpaceOneStep(): boolean {
  const before = newSpaceBytes();
  v8.setFlagsFromString('--semi-space-growth-factor=2');
  try {
    let kept: unknown[][] = [];
    for (let made = 0; made < 700 && newSpaceBytes() <= before; made++) {
      kept.push(new Array(STEP_ARRAY_LENGTH).fill(0));
      if (kept.length > 64) kept = kept.slice(-32);
    }
  } finally {
    v8.setFlagsFromString('--semi-space-growth-factor=1');
  }
  return newSpaceBytes() > before;
}
