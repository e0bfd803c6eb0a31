import { createConsole } from '../app/console.js';
import type { Startup } from './startup.js';
import { FleetWatch } from '../app/fleet-watch.js';

/** Opens the interactive console; resolves with the exit code once the operator quits. */
export async function runTui(startup: Startup): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('remlite: the console needs a terminal; for scripts use `remlite status --json`\n');
    return 2;
  }
  const core = createConsole(startup.options);
  const s = core.store.getState();
  for (const [name, status] of Object.entries(startup.providers)) s.setProvider(name, status);
  if (startup.warnings.length) s.notify(startup.warnings.join(' | '), 'warning');
  core.poller.start();
  void core.providerRefresh?.start();
  const watch = new FleetWatch({ store: core.store, files: startup.fleetFiles, load: startup.reloadFleet, apply: (m) => core.replaceStaticMachines(m) });
  watch.start();
  // Ink is loaded only here, so headless commands never pay for it.
  const { startTui } = await importInkLive(() => import('../../views/start-tui.js'));
  const { pickTheme } = await import('../../views/theme.js');
  const theme = pickTheme(startup.theme === 'high-contrast' ? 'high-contrast' : 'default');
  const tui = startTui({ store: core.store, intents: core.intents, theme });
  try {
    await tui.waitUntilExit();
  } finally {
    watch.stop();
    await core.close();
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}

/**
 * Ink draws only the final frame when CI or CONTINUOUS_INTEGRATION is set (checked once, when it is
 * loaded). A console on a terminal has a person in front of it, so those are hidden during the import.
 */
async function importInkLive<T>(load: () => Promise<T>): Promise<T> {
  const saved = { CI: process.env['CI'], CONTINUOUS_INTEGRATION: process.env['CONTINUOUS_INTEGRATION'] };
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  try {
    return await load();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}
