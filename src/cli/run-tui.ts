import path from 'node:path';
import { createConsole } from '../app/console.js';
import { fleetCachePath } from '../persist/fleet-cache.js';
import type { Startup } from './startup.js';
import type { EarlyScreen } from './early-paint.js';
import { FleetWatch } from '../app/fleet-watch.js';
import { BUNDLED_VERSION } from './build-info.js';
import { startupMark } from './startup-trace.js';
import { resolveTheme } from '../theme/load-theme.js';
import { configDir } from '../persist/paths.js';
import { EVENTS_FILE } from '../persist/events-log.js';
import { applyHeapSettings } from '../util/heap-settings.js';

/** Opens the interactive console; resolves with the exit code once the operator quits. */
export async function runTui(startup: Startup, early?: EarlyScreen): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stderr.write('remlite: the console needs a terminal; for scripts use `remlite status --json`\n');
    return 2;
  }
  // After the first frame: a V8 flag set before it would cost node's code cache for its own modules.
  applyHeapSettings();
  // The last-known fleet is drawn at once (stale) and replaced as fresh polls land.
  const stateDir = startup.options.stateDir ?? path.dirname(startup.options.auditPath);
  const core = createConsole({ ...startup.options, events: { file: path.join(stateDir, EVENTS_FILE) }, fleetCache: { file: fleetCachePath(stateDir), terminalRows: () => process.stdout.rows, ...(early ? { preloaded: early.cache() } : {}) } });
  const s = core.store.getState();
  for (const [name, status] of Object.entries(startup.providers)) s.setProvider(name, status);
  // A missing or broken theme file falls back to the default theme and says so, like any startup warning.
  const resolved = resolveTheme(startup.theme, configDir());
  const warnings = [...startup.warnings, ...(resolved.warning ? [resolved.warning] : [])];
  if (warnings.length) s.notify(warnings.join(' | '), 'warning');
  startupMark('core');
  void core.metricsRefresh?.start();
  core.poller.start();
  void core.providerRefresh?.start();
  const watch = new FleetWatch({ store: core.store, files: startup.fleetFiles, load: startup.reloadFleet, apply: (m) => core.replaceStaticMachines(m) });
  watch.start();
  // Ink is loaded only here, so headless commands never pay for it.
  const { startTui } = await importInkLive(() => import('../../views/terminal/start-tui.js'));
  const { pickTheme } = await import('../../views/theme.js');
  const theme = pickTheme(resolved);
  startupMark('ink-loaded');
  const tui = startTui({ store: core.store, intents: core.intents, theme, mouse: startup.mouse, notify: startup.notify, ...(early?.writer ? { writer: early.writer } : {}) });
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
  // React's production build: much less to load and several times faster to render than its development build.
  process.env['NODE_ENV'] ??= 'production';
  // The bundle has no es-toolkit index to avoid (and a loader thread would only cost time).
  if (!BUNDLED_VERSION) (await import('../../views/terminal/lean-imports.js')).installLeanImports();
  try {
    return await load();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
  }
}
