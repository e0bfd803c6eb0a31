// A console core over some lab hosts (from the lab's inventory), for fault tests that watch the
// poller while something breaks on a host.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabInfo } from './lab.js';
import { loadFleet } from '../../providers/index.js';
import { createConsole, type ConsoleOptions, type RemliteConsole } from '../../src/app/console.js';

/** The console's audit log goes to a directory of its own, removed when the console is closed. */
export async function labConsole(lab: LabInfo, ids: string[], opts: Partial<ConsoleOptions> = {}): Promise<RemliteConsole> {
  const fleet = await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false });
  const dir = mkdtempSync(join(tmpdir(), 'remlite-labcore-'));
  const core = createConsole({
    machines: fleet.machines.filter((m) => ids.includes(m.id)),
    auditPath: join(dir, 'audit.log'),
    pollIntervalMs: 500,
    probeTimeoutMs: 3000,
    slowThresholdMs: 2500,
    maxConcurrent: 8,
    logScrollback: 100,
    ...opts,
  });
  const close = core.close.bind(core);
  core.close = () => close().finally(() => rmSync(dir, { recursive: true, force: true }));
  return core;
}

/** True for a poll in which the host answered its probe. */
export const answered = (reach: string | undefined): boolean => reach === 'ok' || reach === 'slow';

/**
 * A console over the whole lab fleet with its own state directory, polling every second with room
 * for a loaded machine (the matrix tests that break one host and watch the others).
 */
export async function labFleetConsole(lab: LabInfo, name: string, opts: Partial<ConsoleOptions> = {}): Promise<{ core: RemliteConsole; stateDir: string }> {
  const fleet = await loadFleet({ inventoryPath: lab.inventoryPath, noSshConfig: true, includeLocal: false });
  const stateDir = mkdtempSync(join(tmpdir(), `remlite-${name}-`));
  const core = createConsole({
    machines: fleet.machines,
    auditPath: join(stateDir, 'audit.log'),
    stateDir,
    pollIntervalMs: 1000,
    probeTimeoutMs: 15_000,
    slowThresholdMs: 10_000,
    maxConcurrent: 16,
    logScrollback: 100,
    ...opts,
  });
  return { core, stateDir };
}
