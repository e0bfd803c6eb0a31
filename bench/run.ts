// `npm run bench`: the speed figures of remlite, loopback only. `npm run bench -- prometheus,ui` or
// BENCH_ONLY=startup,probe,ui,... picks parts (user-feel.ts has the rest).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatTable, type Figure } from './stats.js';
import { benchStartup } from './startup.js';
import { runUserFeel, USER_FEEL_SECTIONS } from './user-feel.js';

const only = new Set((process.argv[2] ?? process.env['BENCH_ONLY'] ?? ['startup', 'probe', 'ui', ...USER_FEEL_SECTIONS].join(',')).split(',').map((s) => s.trim()));
const runs = Number(process.env['BENCH_RUNS'] ?? 7);
// A start is short and this machine's own `node -e` varies by several ms from start to start: more rounds.
const STARTUP_ROUNDS = 21;

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'remlite-bench-'));
  const figures: Figure[] = [];
  const loadAtStart = machineLoad('start');
  const section = async (name: string, run: () => Promise<Figure[]>) => {
    if (!only.has(name)) return;
    process.stderr.write(`bench: ${name}...\n`);
    try {
      figures.push(...(await run()));
    } catch (err) {
      figures.push({ metric: `${name}: did not run`, target: '', unit: '', samples: [], verdict: 'FAIL', note: (err as Error).message });
    }
  };
  try {
    await section('startup', () => benchStartup(tmp, Math.max(runs, STARTUP_ROUNDS)));
    if (only.has('probe')) await section('probe', async () => (await import('./probe-cycle.js')).benchProbeCycle(tmp));
    if (only.has('ui')) await section('ui', async () => (await import('./ui-fleet.js')).benchUi(tmp));
    await runUserFeel(section, only, tmp, runs);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  figures.push(loadAtStart, machineLoad('end'));
  process.stdout.write(`remlite bench (${os.cpus().length} cores, node ${process.version})\n\n${formatTable(figures)}\n`);
}

/** The machine's load, printed in the table: figures from a busy machine are read with it. */
function machineLoad(when: string): Figure {
  const [l1, l5, l15] = os.loadavg().map((n) => n.toFixed(2));
  return { metric: `machine: load average (1 min) at the ${when} of the run`, target: 'info', unit: '', samples: [os.loadavg()[0]!], verdict: 'info', note: `loadavg ${l1} ${l5} ${l15}, nproc ${os.availableParallelism()}, ${new Date().toISOString()}` };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
