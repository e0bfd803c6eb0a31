import os from 'node:os';
import path from 'node:path';
import type { CloudProvider, Machine, MetricsProvider, PollResult, UserAction } from '../model/index.js';
import { createFleetStore, type FleetStore, type Intents } from '../store/index.js';
import { SshPool } from '../ssh/pool.js';
import { HostExec } from '../exec/host-exec.js';
import { Poller } from '../poller/poller.js';
import { ActionRunner } from '../actions/runner.js';
import { LogFollower } from '../logs/log-follower.js';
import { AuditLog, type AuditRotation } from '../persist/audit-log.js';
import { detectAll, DEFAULT_THRESHOLDS, fleetCauseFindings } from '../matrix/index.js';
import { estimateFillRate } from '../matrix/fill-rate.js';
import { TrendRecorder } from '../poller/trend-recorder.js';
import { BaselineStore } from '../baseline/store.js';
import { BaselineCache } from '../baseline/cache.js';
import { createIntents } from './intents-impl.js';
import { ProviderRefresh } from '../poller/provider-refresh.js';
import { buildFleetCache, FleetCacheWriter, loadFleetCache, type CachedFindings, type FleetCacheLoad } from '../persist/fleet-cache.js';
import { cachedPolls, redetectWith, restoredRows } from './cache-restore.js';
import { firstFrameRows, screenKeep } from '../store/screen-rows.js';
import { diffFleet, type FleetChange } from './fleet-diff.js';
import { MetricsRefresh } from '../poller/metrics-refresh.js';
import { mergeMetricsFleet } from './metrics-merge.js';
import { IdleSshCloser } from './idle-ssh.js';
import { EventsLog } from '../persist/events-log.js';
import { watchEvents } from './events-watch.js';

/** The last-known fleet: loaded into the store at once (as stale), saved after polls and on close. */
export interface FleetCacheOptions {
  file: string;
  everyMs?: number;
  /** Already read (the first frame read it). */
  preloaded?: FleetCacheLoad;
  /** The terminal's height, asked on close: the next first frame's rows are kept for about that (screenKeep). */
  terminalRows?: () => number | undefined;
}

export interface ConsoleOptions {
  machines: Machine[];
  auditPath: string;
  /** When the audit log rotates (default: 50 MB, 5 kept). */
  auditRotation?: AuditRotation;
  readOnly?: boolean;
  pollIntervalMs: number;
  probeTimeoutMs: number;
  slowThresholdMs: number;
  maxConcurrent: number;
  logScrollback: number;
  actionTimeoutMs?: number;
  /** How long a pool repair waits for each host's health to come back (default: 4 polls, at least 30 s). */
  healthTimeoutMs?: number;
  /** Where baselines live (`<stateDir>/baselines`); defaults to the audit log's directory. */
  stateDir?: string;
  /** A cloud provider (EC2), re-listed every refreshMs; absent = no cloud, nothing of it loaded. */
  cloud?: { provider: CloudProvider; refreshMs: number };
  /** A metrics provider (Prometheus) whose hosts are probed by it, not over SSH; SSH to them on demand, closed after sshIdleMs idle. */
  metrics?: { provider: MetricsProvider; refreshMs: number; sshIdleMs: number };
  fleetCache?: FleetCacheOptions;
  /** The operator's own actions (`<config dir>/actions.yaml`), already checked. */
  userActions?: readonly UserAction[];
  /** disk.cleanup deletes only files older than this many days (default 7). */
  cleanupMinAgeDays?: number;
  /** The events timeline (`<stateDir>/events.log`): kept by the interactive console, not by one-shot commands. */
  events?: { file: string; rotation?: AuditRotation };
  /** How far back the per-host trends reach (default 60 minutes). */
  trendMinutes?: number;
  /** Seconds between two runs of the heavy checks (package verify, learned table lists) per host (default 300; 0 = every poll). */
  heavyCheckIntervalSec?: number;
  /** A log host's sender silent this long is a finding (default DEFAULT_THRESHOLDS.logSilentAfterSec). */
  logSilentAfterSec?: number;
}

/** The core, wired: store, SSH pool, poller, action runner, log follower and the intents views use. */
export interface RemliteConsole {
  store: FleetStore;
  intents: Intents;
  poller: Poller;
  pool: SshPool;
  hostExec: HostExec;
  baselines: BaselineStore;
  /** Re-lists the cloud provider; start() it beside the poller (its promise resolves after the first listing). */
  providerRefresh?: ProviderRefresh;
  /** Refreshes the metrics provider (Prometheus); start() it beside the poller (resolves after the first refresh). */
  metricsRefresh?: MetricsRefresh;
  /** Swap the static fleet (an edited inventory): the poller follows, moved hosts reconnect. */
  replaceStaticMachines(machines: readonly Machine[]): { added: string[]; removed: string[]; moved: string[]; change: FleetChange };
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
  const trends = new TrendRecorder((opts.trendMinutes ?? 60) * 60_000);
  const store = createFleetStore({ readOnly: opts.readOnly, logScrollback: opts.logScrollback, userActions: opts.userActions, trends });
  let staticMachines: readonly Machine[] = opts.machines;
  // The saved fleet's cloud machines are drawn (with their saved polls) until the first listing replaces them.
  const savedFleet = opts.fleetCache ? (opts.fleetCache.preloaded ?? loadFleetCache(opts.fleetCache.file)) : undefined;
  const staticIds = new Set(opts.machines.map((m) => m.id));
  const cachedCloud = opts.cloud && savedFleet?.ok ? savedFleet.cache.machines.filter((m) => m.provider === opts.cloud?.provider.name && !staticIds.has(m.id)) : [];
  store.getState().setMachines([...opts.machines, ...cachedCloud]);
  const pool = new SshPool({ maxConcurrent: opts.maxConcurrent, readyTimeoutMs: opts.probeTimeoutMs });
  const hostExec = new HostExec(pool);
  const baselines = new BaselineStore(opts.stateDir ?? path.dirname(opts.auditPath));
  const baselineCache = new BaselineCache(baselines, (machineId, baseline, warning) => {
    store.getState().setBaselineInfo(machineId, baseline && { acceptedAt: baseline.acceptedAt, acceptedBy: baseline.acceptedBy });
    if (warning) store.getState().notify(warning, 'warning');
  });
  for (const id of store.getState().order) baselineCache.get(id);
  const thresholds = opts.logSilentAfterSec === undefined ? DEFAULT_THRESHOLDS : { ...DEFAULT_THRESHOLDS, logSilentAfterSec: opts.logSilentAfterSec };
  const poller = new Poller(
    store,
    hostExec,
    (machine, poll, now, extra) =>
      detectAll({
        machine,
        poll,
        now,
        thresholds,
        baseline: extra.baseline,
        // Read through: the poller builds the history only if a detector asks for it.
        get history() {
          return extra.history;
        },
        fillRate: (mount) => estimateFillRate(trends.volume(machine.id, mount, now)),
      }),
    {
      intervalMs: opts.pollIntervalMs,
      timeoutMs: opts.probeTimeoutMs,
      slowThresholdMs: opts.slowThresholdMs,
      ...(opts.heavyCheckIntervalSec !== undefined ? { heavyIntervalSec: opts.heavyCheckIntervalSec } : {}),
      batchMs: 250, // at most 4 poll-driven redraws a second, so keypresses rarely wait on a render throttle
      baselineOf: (id) => baselineCache.get(id),
      // The sustained detectors (load, memory) look back sustainPolls polls; keeping more costs a
      // whole probe per host and poll (about 60 MB of heap at 1,000 hosts with 10).
      historyLength: DEFAULT_THRESHOLDS.sustainPolls,
      refreshMetrics: () => void metricsRefresh?.refreshNow(),
      derive: fleetCauseFindings,
      trends,
    },
  );
  const cacheWriter = opts.fleetCache ? restoreAndWatchCache(store, { ...opts.fleetCache, ...(savedFleet ? { preloaded: savedFleet } : {}) }) : undefined;
  const cloud = opts.cloud;
  const metrics = opts.metrics;
  // The static fleet with the metrics provider's hosts merged in: what the cloud listing is composed onto.
  const fleetNow = (): readonly Machine[] => (metricsRefresh ? mergeMetricsFleet(staticMachines, metricsRefresh.machines()) : staticMachines);
  const composeFleet = () => {
    if (providerRefresh) providerRefresh.compose();
    else store.getState().setMachines([...fleetNow()]);
  };
  const metricsRefresh: MetricsRefresh | undefined = metrics
    ? new MetricsRefresh(store, metrics.provider, {
        intervalMs: metrics.refreshMs,
        compose: () => composeFleet(),
        ingest: (polls) => poller.ingest(polls),
      })
    : undefined;
  const idleSsh = metrics ? new IdleSshCloser(pool, (id) => store.getState().hosts[id]?.machine.probedBy !== undefined, metrics.sshIdleMs) : undefined;
  const providerRefresh = cloud
    ? new ProviderRefresh(store, cloud.provider, fleetNow, {
        intervalMs: cloud.refreshMs,
        fastIntervalMs: Math.min(2000, cloud.refreshMs),
        fastForMs: 60_000,
        cached: cachedCloud,
        onStateChange: (ids) => ids.forEach((id) => poller.refresh(id)),
      })
    : undefined;
  const audit = new AuditLog(opts.auditPath, opts.auditRotation);
  const who = operatorName();
  const eventsLog = opts.events ? new EventsLog(opts.events.file, opts.events.rotation) : undefined;
  const stopEvents = eventsLog ? watchEvents(store, eventsLog, who) : undefined;
  const runner = new ActionRunner({
    store,
    hostExec,
    audit,
    who,
    timeoutMs: opts.actionTimeoutMs ?? 120_000,
    ...(cloud || metrics?.provider.run
      ? {
          cloud: (machine: Machine, action: string, params: Record<string, string>) =>
            action.startsWith('alertmanager.') && metrics?.provider.run
              ? metrics.provider.run(machine, action, params)
              : cloud
                ? cloud.provider.run(machine, action)
                : Promise.resolve({ ok: false, output: '', error: 'no cloud provider is enabled', durationMs: 0 }),
        }
      : {}),
    afterRun: (id, plan) => {
      baselineCache.reload(id); // a dump may have named itself in the baseline
      poller.refresh(id);
      if (plan.transport === 'cloud' && plan.intent.action.startsWith('alertmanager.')) void metricsRefresh?.refreshNow();
      else if (plan.transport === 'cloud') providerRefresh?.burst();
    },
    baselines,
  });
  const logs = new LogFollower(store, hostExec, { backlog: 200, flushMs: 100 });
  const intents = createIntents({
    store,
    pool,
    poller,
    runner,
    logs,
    audit,
    who,
    hostExec,
    baselines: baselineCache,
    acceptTimeoutMs: opts.actionTimeoutMs ?? 120_000,
    healthTimeoutMs: opts.healthTimeoutMs ?? Math.max(30_000, opts.pollIntervalMs * 4),
    ...(opts.cleanupMinAgeDays !== undefined ? { cleanupMinAgeDays: opts.cleanupMinAgeDays } : {}),
  });
  return {
    store,
    intents,
    poller,
    pool,
    hostExec,
    baselines,
    ...(providerRefresh ? { providerRefresh } : {}),
    ...(metricsRefresh ? { metricsRefresh } : {}),
    replaceStaticMachines(machines) {
      const before = new Map(staticMachines.map((m) => [m.id, JSON.stringify(m.ssh ?? null)]));
      const change = diffFleet(staticMachines, machines);
      staticMachines = machines;
      composeFleet();
      // A host whose address, port, user or keys changed must not keep its old connection.
      const moved = machines.filter((m) => before.has(m.id) && before.get(m.id) !== JSON.stringify(m.ssh ?? null)).map((m) => m.id);
      for (const id of moved) {
        pool.drop(id);
        poller.refresh(id);
      }
      return { added: machines.filter((m) => !before.has(m.id)).map((m) => m.id), removed: [...before.keys()].filter((id) => !machines.some((m) => m.id === id)), moved, change };
    },
    async close() {
      stopEvents?.();
      providerRefresh?.stop();
      metricsRefresh?.stop();
      idleSsh?.stop();
      cloud?.provider.close?.();
      await metrics?.provider.close?.();
      poller.stop();
      cacheWriter?.closeSync();
      logs.close();
      await pool.close();
      await eventsLog?.flush();
    },
  };
}

/** Seeds the store from the fleet cache (the findings shown when it was saved) and saves it again as polls land. */
function restoreAndWatchCache(store: FleetStore, cache: FleetCacheOptions): FleetCacheWriter {
  const loaded = cache.preloaded ?? loadFleetCache(cache.file);
  if (loaded.ok) store.getState().restoreCached(cachedPolls(store.getState().hosts, loaded.cache, redetectWith({ detectAll, DEFAULT_THRESHOLDS })));
  else if (!loaded.missing) {
    const where = loaded.movedTo ? `moved to ${loaded.movedTo}` : 'left in place';
    store.getState().notify(`fleet cache ignored (${loaded.reason}); ${where}`, 'warning');
  }
  const writer = new FleetCacheWriter({
    file: cache.file,
    everyMs: cache.everyMs ?? 10_000,
    snapshot: () => {
      const s = store.getState();
      const machines = s.order.flatMap((id) => (s.hosts[id] ? [s.hosts[id].machine] : []));
      const polls: PollResult[] = [];
      const findings: Record<string, CachedFindings> = {};
      for (const id of s.order) {
        const h = s.hosts[id];
        if (!h?.last) continue;
        polls.push(h.last);
        const derived = h.derived ?? [];
        findings[id] = { own: derived.length ? h.findings.filter((f) => !derived.includes(f)) : h.findings, ...(derived.length ? { derived } : {}) };
      }
      return buildFleetCache(machines, polls, { findings });
    },
    screenOnClose: (saved) => {
      const rows = restoredRows(saved);
      return rows && firstFrameRows(rows, screenKeep(cache.terminalRows?.()));
    },
    onError: (err) => store.getState().notify(`fleet cache not saved: ${err.message}`, 'warning'),
  });
  let lastPollAt = store.getState().lastPollAt;
  store.subscribe((s) => {
    if (s.lastPollAt === lastPollAt) return;
    lastPollAt = s.lastPollAt;
    writer.markDirty();
  });
  return writer;
}
