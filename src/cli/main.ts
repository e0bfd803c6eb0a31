#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=30
import { parseCliArgs, USAGE, UsageError } from './args.js';
import { runTui } from './run-tui.js';
import { runStatus } from './run-status.js';
import { runCheck, NAGIOS } from './run-check.js';
import { runRepair } from './run-repair.js';
import { runLogs } from './run-logs.js';
import { completionScript } from './completion.js';
import { loadStartup, StartupError } from './startup.js';
import { BUNDLED_VERSION } from './build-info.js';
import { runTheme } from './run-theme.js';
import { configDir } from '../persist/paths.js';

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
  if (args.command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.command === 'version') {
    process.stdout.write(`remlite ${await version()}\n`);
    return 0;
  }
  if (args.command === 'completion') {
    process.stdout.write(completionScript(args.operands[0] as 'bash' | 'zsh'));
    return 0;
  }
  if (args.command === 'theme') {
    return runTheme(args.operands, configDir(), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
  let startup;
  try {
    startup = await loadStartup(args);
  } catch (err) {
    if (err instanceof StartupError) {
      if (args.command === 'check') {
        process.stdout.write(`REMLITE UNKNOWN - ${err.message}\n`);
        return NAGIOS.UNKNOWN;
      }
      process.stderr.write(`remlite: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (args.command === 'check' || args.command === 'repair' || args.command === 'logs')
    for (const w of startup.warnings) process.stderr.write(`remlite: warning: ${w}\n`);
  if (args.command === 'status') return runStatus(startup, args.json);
  if (args.command === 'check') return runCheck(startup, { pools: args.pools, hosts: args.hosts });
  if (args.command === 'repair' || args.command === 'logs') {
    try {
      if (args.command === 'repair') return await runRepair(startup, args.operands, args.yes);
      return await runLogs(startup, args.operands, args.follow, args.lines);
    } catch (err) {
      if (err instanceof StartupError || err instanceof UsageError) {
        process.stderr.write(`remlite: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  }
  const code = await runTui(startup);
  // Nothing else should hold the loop open once the console is closed; do not wait on stray sockets.
  process.exit(code);
}

async function version(): Promise<string> {
  if (BUNDLED_VERSION) return BUNDLED_VERSION;
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`remlite: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
