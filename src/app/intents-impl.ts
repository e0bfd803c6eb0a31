import type { ActionIntent, ActionPlan } from '../model/index.js';
import type { FleetStore, Intents } from '../store/index.js';
import type { SshPool } from '../ssh/pool.js';
import type { Poller } from '../poller/poller.js';
import type { ActionRunner } from '../actions/runner.js';
import type { LogFollower } from '../logs/log-follower.js';
import type { AuditLog } from '../persist/audit-log.js';
import type { HostExec } from '../exec/host-exec.js';
import type { BaselineCache } from '../baseline/cache.js';
import { planAction } from '../actions/planner.js';
import { acceptHost, mapBounded, type AcceptOutcome } from '../baseline/accept.js';
import { summarizeCleanupPreview } from '../actions/catalogue/disk-cleanup.js';
import { outputTail } from '../actions/output-tail.js';
import { sanitizeLine, sanitizeText } from '../util/sanitize.js';
import { trustHostKey } from './trust-host-key.js';
import { runRollout } from '../actions/rollout.js';
import { healthFindingOf } from '../actions/rollout-plan.js';
import { appliedPollAfter, hostOf } from '../store/index.js';
import { poolRepairHosts } from '../store/pool-hosts.js';
import { userCatalogue } from '../actions/user/user-catalogue.js';
import { openShellSession } from './shell-session.js';

export interface IntentDeps {
  store: FleetStore;
  pool: SshPool;
  poller: Poller;
  runner: ActionRunner;
  logs: LogFollower;
  audit: AuditLog;
  who: string;
  /** How long a rollout waits for a repaired host's health to come back. */
  healthTimeoutMs: number;
  hostExec: HostExec;
  baselines: BaselineCache;
  /** Per exec of an accept (capture, each dump). */
  acceptTimeoutMs: number;
  cleanupMinAgeDays?: number;
}

/** Hosts of a pool accepted at once. */
const ACCEPT_PARALLEL = 4;
const PREVIEW_TIMEOUT_MS = 60_000;

/** The core's answer to every view intent. */
export function createIntents(d: IntentDeps): Intents {
  const userEntries = userCatalogue(d.store.getState().userActions);
  // One planner for the console, the headless commands and each host of a pool repair: every plan
  // sees the host's baseline, stored copies and dumps.
  const plan = (intent: ActionIntent) => {
    const s = d.store.getState();
    const id = intent.machineId;
    const store = d.baselines.store;
    return planAction(intent, hostOf(s.hosts, id), s.readOnly, {
      baseline: d.baselines.get(id),
      hasCopy: (sha) => store.hasCopy(id, sha),
      newestDump: (db) => store.newestDump(id, db),
      userEntries,
      cleanupMinAgeDays: d.cleanupMinAgeDays,
    });
  };

  return {
    plan,

    unavailable(intent) {
      const r = plan(intent);
      return 'refused' in r ? r.refused : undefined;
    },

    run(plan: ActionPlan) {
      return d.runner.run(plan);
    },

    openLog(machineId, sourceId) {
      const host = hostOf(d.store.getState().hosts, machineId);
      if (!host) return;
      d.logs.open(host.machine, sourceId);
    },

    openPoolLog(machineIds, sourceId) {
      const hosts = d.store.getState().hosts;
      d.logs.openMany(machineIds.flatMap((id) => hostOf(hosts, id)?.machine ?? []), sourceId);
    },

    closeLog() {
      d.logs.close();
    },

    async trustHostKey(machineId, reviewed) {
      const s = d.store.getState();
      if (s.readOnly) {
        const reason = 'read-only mode: trusting host keys is disabled';
        s.notify(reason, 'warning');
        return { trusted: false, reason };
      }
      const outcome = await trustHostKey(d, machineId, reviewed);
      if (outcome.trusted) {
        d.pool.drop(machineId);
        d.poller.refresh(machineId);
      }
      return outcome;
    },

    async repairPool(req) {
      const s = d.store.getState();
      if (s.readOnly) {
        s.notify('read-only mode: actions are disabled', 'warning');
        return;
      }
      if (s.rollout?.state === 'running') {
        s.notify('a pool repair is already running; wait for it to end', 'warning');
        return;
      }
      const hosts = req.hosts?.filter((id) => hostOf(s.hosts, id)) ?? poolRepairHosts(s, req.machineId, req.clears);
      // Marked hosts were picked by hand: a service verb is checked by its own service, not by every critical finding.
      const clears = req.clears ?? (req.hosts ? healthFindingOf(req.action, req.params) : undefined);
      await runRollout(
        {
          store: d.store,
          audit: d.audit,
          who: d.who,
          plan,
          run: (plan) => d.runner.run(plan),
          pollAfter: (machineId, since) => appliedPollAfter(d.store, machineId, since),
        },
        { hosts, action: req.action, params: req.params, batchSize: req.batchSize ?? 1, clears, healthTimeoutMs: d.healthTimeoutMs },
      );
    },

    openShell(machineId, foreground) {
      return openShellSession(d, machineId, foreground);
    },

    refresh(machineId) {
      d.poller.refresh(machineId);
    },

    async acceptBaseline(scope) {
      const s = d.store.getState();
      if (s.readOnly) {
        s.notify('read-only mode: accepting baselines is disabled', 'warning');
        return;
      }
      const machines =
        'machineId' in scope
          ? [hostOf(s.hosts, scope.machineId)?.machine]
          : s.order.map((id) => s.hosts[id]?.machine).filter((m) => m?.pool === scope.pool);
      const targets = machines.filter((m) => m !== undefined);
      const label = 'machineId' in scope ? (targets[0]?.name ?? scope.machineId) : `pool ${scope.pool}`;
      if (targets.length === 0) {
        s.notify(`no host to accept for ${label}`, 'warning');
        return;
      }
      s.notify(`accepting the current state of ${label}${targets.length > 1 ? ` (${targets.length} hosts)` : ''} as good…`, 'info');
      const deps = { hostExec: d.hostExec, baselines: d.baselines.store, audit: d.audit, who: d.who, timeoutMs: d.acceptTimeoutMs };
      const outcomes = await mapBounded(targets, ACCEPT_PARALLEL, async (m): Promise<AcceptOutcome> => {
        let outcome: AcceptOutcome;
        try {
          outcome = await acceptHost(deps, m);
        } catch (err) {
          const summary = `${m.name}: baseline not accepted: ${(err as Error).message}`;
          outcome = { machineId: m.id, ok: false, problems: [summary], summary };
        }
        d.baselines.reload(m.id);
        d.poller.refresh(m.id);
        return outcome;
      });
      const failed = outcomes.filter((o) => !o.ok);
      const partial = outcomes.filter((o) => o.ok && o.problems.length > 0);
      const text =
        'machineId' in scope
          ? (outcomes[0]?.summary ?? '')
          : `${label}: baseline accepted for ${outcomes.length - failed.length}/${outcomes.length} hosts` +
            [...failed, ...partial].map((o) => ` | ${o.summary}`).join('');
      d.store.getState().notify(sanitizeLine(text), failed.length ? 'error' : partial.length ? 'warning' : 'info');
    },

    async preview(plan) {
      const host = hostOf(d.store.getState().hosts, plan.intent.machineId);
      if (!plan.preview) return 'this action has no preview';
      if (!host) return `unknown host "${plan.intent.machineId}"`;
      const r = await d.hostExec.exec(host.machine, plan.preview.command, PREVIEW_TIMEOUT_MS);
      if (r.failure) return `preview failed: ${sanitizeLine(r.failure.message)}`;
      if (r.code !== 0) return `preview failed (exit ${r.code ?? 'none'}):\n${outputTail('', r.stderr || r.stdout, 6)}`;
      if (plan.intent.action === 'disk.cleanup') return sanitizeText(summarizeCleanupPreview(r.stdout).text);
      return outputTail(r.stdout, r.stderr, 12);
    },
  };
}
