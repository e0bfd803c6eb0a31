import os from 'node:os';
import type { CloudProvider, Machine } from '../model/index.js';
import { createFleetStore, type FleetStore, type Intents } from '../store/index.js';
import { SshPool } from '../ssh/pool.js';
import { HostExec } from '../exec/host-exec.js';
import { Poller } from '../poller/poller.js';
import { ActionRunner } from '../actions/runner.js';
import { LogFollower } from '../logs/log-follower.js';
import { AuditLog } from '../persist/audit-log.js';
import { detectAll, DEFAULT_THRESHOLDS } from '../matrix/index.js';
import { createIntents } from './intents-impl.js';
import { ProviderRefresh } from '../poller/provider-refresh.js';

export interface ConsoleOptions {
  machines: Machine[];
  auditPath: string;
  readOnly?: boolean;
  pollIntervalMs: number;
  probeTimeoutMs: number;
  slowThresholdMs: number;
  maxConcurrent: number;
  logScrollback: number;
  actionTimeoutMs?: number;
  /** A cloud provider (EC2), re-listed every refreshMs; absent = no cloud, nothing of it loaded. */
  cloud?: { provider: CloudProvider; refreshMs: number };
}

/** The core, wired: store, SSH pool, poller, action runner, log follower and the intents views use. */
export interface RemliteConsole {
  store: FleetStore;
  intents: Intents;
  poller: Poller;
  pool: SshPool;
  hostExec: HostExec;
  /** Re-lists the cloud provider; start() it beside the poller (its promise resolves after the first listing). */
  providerRefresh?: ProviderRefresh;
  close(): Promise<void>;
}

export function operatorName(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    user = process.env['USER'] ?? 'unknown';
  }
  return `${user}@${os.hostname()}`;
}

export function createConsole(opts: ConsoleOptions): RemliteConsole {
  const store = createFleetStore({ readOnly: opts.readOnly, logScrollback: opts.logScrollback });
  store.getState().setMachines(opts.machines);
  const pool = new SshPool({ maxConcurrent: opts.maxConcurrent });
  const hostExec = new HostExec(pool);
  const poller = new Poller(
    store,
    hostExec,
    (machine, poll, now) => detectAll({ machine, poll, now, thresholds: DEFAULT_THRESHOLDS }),
    { intervalMs: opts.pollIntervalMs, timeoutMs: opts.probeTimeoutMs, slowThresholdMs: opts.slowThresholdMs, batchMs: 50 },
  );
  const cloud = opts.cloud;
  const providerRefresh = cloud
    ? new ProviderRefresh(store, cloud.provider, opts.machines, {
        intervalMs: cloud.refreshMs,
        fastIntervalMs: Math.min(2000, cloud.refreshMs),
        fastForMs: 60_000,
        onStateChange: (ids) => ids.forEach((id) => poller.refresh(id)),
      })
    : undefined;
  const audit = new AuditLog(opts.auditPath);
  const who = operatorName();
  const runner = new ActionRunner({
    store,
    hostExec,
    audit,
    who,
    timeoutMs: opts.actionTimeoutMs ?? 120_000,
    ...(cloud ? { cloud: (machine: Machine, action: string) => cloud.provider.run(machine, action) } : {}),
    afterRun: (id, plan) => {
      poller.refresh(id);
      if (plan.transport === 'cloud') providerRefresh?.burst();
    },
  });
  const logs = new LogFollower(store, hostExec, { backlog: 200, flushMs: 100 });
  const intents = createIntents({ store, pool, poller, runner, logs, audit, who });
  return {
    store,
    intents,
    poller,
    pool,
    hostExec,
    ...(providerRefresh ? { providerRefresh } : {}),
    async close() {
      providerRefresh?.stop();
      cloud?.provider.close?.();
      poller.stop();
      logs.close();
      await pool.close();
    },
  };
}
