// Every command after the first frame: loaded by main.ts once the frame is drawn (in the bundle, the
// ESM part behind the small CommonJS start file; see scripts/bundle.mjs).
import { commandUsage, USAGE, UsageError, type CliArgs } from './args.js';
import { BUNDLED_VERSION } from './build-info.js';
import type { EarlyScreen } from './early-paint.js';
import { sanitizeLine, sanitizeText } from '../util/sanitize.js';

/** Runs the parsed command; `early` holds the first frame main.ts drew for the console, if it drew one. */
export async function runCommand(args: CliArgs, early: EarlyScreen | undefined): Promise<number> {
  if (args.command === 'help') {
    process.stdout.write(args.helpFor ? commandUsage(args.helpFor) : USAGE);
    return 0;
  }
  if (args.command === 'version') {
    process.stdout.write(`remlite ${await version()}\n`);
    return 0;
  }
  if (args.command === 'completion') {
    const { completionScript } = await import('./completion.js');
    process.stdout.write(completionScript(args.operands[0] as 'bash' | 'zsh'));
    return 0;
  }
  if (args.command === 'theme') {
    const [{ runTheme }, { configDir }] = await Promise.all([import('./run-theme.js'), import('../persist/paths.js')]);
    return runTheme(args.operands, configDir(), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
  if (args.command === 'events') {
    // The log alone: no settings, inventory or SSH are needed to print it.
    const [{ runEvents }, { stateDir }] = await Promise.all([import('./run-events.js'), import('../persist/paths.js')]);
    return runEvents(stateDir(), { json: args.json, ...(args.since !== undefined ? { since: args.since } : {}) }, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
  const { loadStartup, StartupError } = await import('./startup.js');
  let startup;
  try {
    startup = await loadStartup(args);
  } catch (err) {
    early?.abandon();
    if (err instanceof StartupError) {
      if (args.command === 'check') {
        process.stdout.write(`REMLITE UNKNOWN - ${sanitizeLine(err.message)}\n`);
        return (await import('./check-report.js')).NAGIOS.UNKNOWN;
      }
      process.stderr.write(`remlite: ${sanitizeText(err.message)}\n`);
      return 2;
    }
    throw err;
  }
  if (args.command === 'check' || args.command === 'repair' || args.command === 'accept' || args.command === 'logs')
    for (const w of startup.warnings) process.stderr.write(`remlite: warning: ${sanitizeLine(w)}\n`);
  if (args.command === 'status') return (await import('./run-status.js')).runStatus(startup, args.json);
  if (args.command === 'check') return (await import('./run-check.js')).runCheck(startup, { pools: args.pools, hosts: args.hosts });
  if (args.command === 'repair' || args.command === 'accept' || args.command === 'logs') {
    try {
      if (args.command === 'repair') return await (await import('./run-repair.js')).runRepair(startup, args.operands, args.yes);
      if (args.command === 'accept') {
        const target = args.operands[0] !== undefined ? { host: args.operands[0] } : { pool: args.pools[0] ?? '' };
        return await (await import('./run-accept.js')).runAccept(startup, target, args.yes);
      }
      return await (await import('./run-logs.js')).runLogs(startup, args.operands, args.follow, args.lines);
    } catch (err) {
      if (err instanceof StartupError || err instanceof UsageError) {
        process.stderr.write(`remlite: ${sanitizeText(err.message)}\n`);
        return 2;
      }
      throw err;
    }
  }
  const { runTui } = await import('./run-tui.js');
  const code = await runTui(startup, early);
  // Nothing else should hold the loop open once the console is closed; do not wait on stray sockets.
  process.exit(code);
}

async function version(): Promise<string> {
  if (BUNDLED_VERSION) return BUNDLED_VERSION;
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
