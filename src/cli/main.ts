#!/usr/bin/env node
// The start: arguments, then the console's first frame drawn from the fleet cache, and only then the
// rest of remlite (settings, inventory, SSH, Ink; run-command.ts). In the bundle this file is
// CommonJS and everything it imports up to the frame is inside it (scripts/bundle.mjs): Node's ESM
// loader and the modules it loads are not paid before the frame. Node runs it without V8 flags, which
// would cost node's own code cache (the heap settings are applied later: src/util/heap-settings.ts).
import { parseCliArgs, USAGE, UsageError } from './args.js';
import { paintCachedFleet, type EarlyScreen } from './early-paint.js';
import { reportFirstFrame } from './bench-first-frame.js';
import { sanitizeText } from '../util/sanitize.js';

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`remlite: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  let early: EarlyScreen | undefined;
  if (args.command === 'tui') {
    const benchFirstFrame = process.env['REMLITE_BENCH_FIRST_FRAME'];
    if (benchFirstFrame) reportFirstFrame(benchFirstFrame);
    early = await paintCachedFleet(args);
  }
  const { runCommand } = await import('./run-command.js');
  return runCommand(args, early);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`remlite: unexpected error: ${sanitizeText(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    process.exitCode = 70;
  },
);
