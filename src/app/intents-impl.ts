import type { ActionIntent, ActionPlan } from '../model/index.js';
import type { FleetStore, Intents } from '../store/index.js';
import type { SshPool } from '../ssh/pool.js';
import type { Poller } from '../poller/poller.js';
import type { ActionRunner } from '../actions/runner.js';
import type { LogFollower } from '../logs/log-follower.js';
import type { AuditLog } from '../persist/audit-log.js';
import { planAction } from '../actions/planner.js';
import { appendKnownHost } from '../ssh/known-hosts.js';
import { randomUUID } from 'node:crypto';
import { runRollout } from '../actions/rollout.js';
import { appliedPollAfter } from '../store/index.js';
import { poolRepairHosts } from '../actions/pool-hosts.js';

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
}

/** The core's answer to every view intent. */
export function createIntents(d: IntentDeps): Intents {
  return {
    plan(intent: ActionIntent) {
      const s = d.store.getState();
      return planAction(intent, s.hosts[intent.machineId], s.readOnly);
    },

    run(plan: ActionPlan) {
      return d.runner.run(plan);
    },

    openLog(machineId, sourceId) {
      const host = d.store.getState().hosts[machineId];
      if (!host) return;
      d.logs.open(host.machine, sourceId);
    },

    closeLog() {
      d.logs.close();
    },

    async trustHostKey(machineId) {
      const s = d.store.getState();
      const host = s.hosts[machineId];
      if (s.readOnly) {
        s.notify('read-only mode: trusting host keys is disabled', 'warning');
        return;
      }
      const offered = host?.last?.hostKey ?? d.pool.trustOffered(machineId);
      const file = host?.machine.ssh?.knownHostsFiles[0];
      if (!host || !offered || !file) {
        s.notify(`no offered host key to trust for ${machineId}`, 'warning');
        return;
      }
      if (offered.status !== 'unknown') {
        // A changed key may be a man in the middle: remlite never replaces a known key from the UI.
        s.notify(
          `${host.machine.name}: the host key CHANGED (${offered.fingerprint}). Check with the host's owner, then remove the old line with: ssh-keygen -R ${offered.knownHostsName} -f ${file}`,
          'error',
        );
        return;
      }
      await appendKnownHost(file, offered.knownHostsName, offered.type, offered.base64);
      await d.audit.append({
        id: randomUUID(),
        phase: 'finished',
        at: new Date().toISOString(),
        who: d.who,
        machineId,
        host: host.machine.name,
        action: 'hostkey.trust',
        command: `append to ${file}: ${offered.knownHostsName} ${offered.type} ${offered.fingerprint}`,
        exitCode: 0,
      });
      s.notify(`${host.machine.name}: trusted ${offered.type} ${offered.fingerprint} (written to ${file})`, 'info');
      d.pool.drop(machineId);
      d.poller.refresh(machineId);
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
      const hosts = poolRepairHosts(s, req.machineId, req.clears);
      await runRollout(
        {
          store: d.store,
          audit: d.audit,
          who: d.who,
          plan: (intent) => planAction(intent, d.store.getState().hosts[intent.machineId], d.store.getState().readOnly),
          run: (plan) => d.runner.run(plan),
          pollAfter: (machineId, since) => appliedPollAfter(d.store, machineId, since),
        },
        { hosts, action: req.action, params: req.params, batchSize: req.batchSize ?? 1, clears: req.clears, healthTimeoutMs: d.healthTimeoutMs },
      );
    },

    refresh(machineId) {
      d.poller.refresh(machineId);
    },
  };
}
