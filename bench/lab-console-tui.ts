// The real console over lab hosts (real systemd hosts, OpenSSH), drawn by Ink into a recording
// terminal in this process: for the bench modules that measure what a user sees against real hosts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { installLeanImports } from '../views/terminal/lean-imports.js';
import { createConsole, type RemliteConsole } from '../src/app/console.js';
import type { Machine } from '../src/model/index.js';
import { SETTINGS_DEFAULTS } from '../src/persist/settings.js';
import { loadFleet } from '../providers/index.js';
import { isLabSkip, labInfo, type LabInfo } from '../test/support/lab.js';
import { FakeTtyIn, FakeTtyOut } from './fake-tty.js';

export interface LabTui {
  lab: LabInfo;
  core: RemliteConsole;
  out: FakeTtyOut;
  keys: FakeTtyIn;
  close(): Promise<void>;
}

/** The lab's machines (its inventory), or a reason the lab is not there (start it with test/lab/lab.sh). */
export async function labMachines(): Promise<{ lab: LabInfo; machines: Machine[] } | { skip: string }> {
  const lab = labInfo();
  if (isLabSkip(lab)) return lab;
  const fleet = await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false });
  return { lab, machines: fleet.machines };
}

/** A console with the default settings (poll interval, timeouts, concurrency) over `machines`, rendered. */
export async function startLabTui(lab: LabInfo, machines: Machine[]): Promise<LabTui> {
  const core = createConsole({
    machines,
    auditPath: path.join(mkdtempSync(path.join(tmpdir(), 'remlite-bench-lab-')), 'audit.log'),
    pollIntervalMs: SETTINGS_DEFAULTS.pollIntervalMs,
    probeTimeoutMs: SETTINGS_DEFAULTS.probeTimeoutMs,
    slowThresholdMs: SETTINGS_DEFAULTS.slowThresholdMs,
    maxConcurrent: SETTINGS_DEFAULTS.maxConcurrent,
    logScrollback: SETTINGS_DEFAULTS.logScrollback,
  });
  const out = new FakeTtyOut(120, 40);
  const keys = new FakeTtyIn();
  process.env['NODE_ENV'] ??= 'production';
  installLeanImports();
  const { startTui } = await import('../views/terminal/start-tui.js');
  const { pickTheme } = await import('../views/theme.js');
  const tui = startTui({ store: core.store, intents: core.intents, stdin: keys as unknown as NodeJS.ReadStream, stdout: out as unknown as NodeJS.WriteStream, theme: pickTheme('default') });
  core.poller.start();
  return {
    lab,
    core,
    out,
    keys,
    async close() {
      tui.unmount();
      await core.close();
    },
  };
}
