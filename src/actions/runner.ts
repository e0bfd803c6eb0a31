import { randomUUID } from 'node:crypto';
import type { ActionPlan, ActionResult, AuditEntry, CloudActionOutcome, Machine } from '../model/index.js';
import type { FleetStore } from '../store/index.js';
import type { HostExec } from '../exec/host-exec.js';
import type { AuditLog } from '../persist/audit-log.js';
import { outputTail } from './output-tail.js';

export interface RunnerDeps {
  store: FleetStore;
  hostExec: HostExec;
  audit: AuditLog;
  /** "user@workstation" of the operator. */
  who: string;
  timeoutMs: number;
  /** Runs plans whose transport is 'cloud' (the provider's API); injected so this module never loads a cloud SDK. */
  cloud?(machine: Machine, action: string): Promise<CloudActionOutcome>;
  /** Called after every action so the next probe verifies its effect at once. */
  afterRun?(machineId: string, plan: ActionPlan): void;
}

/**
 * Runs confirmed plans: audit "started" (fsync'd) before anything is sent, then the command,
 * then audit "finished" with exit code and output tail. One action per host at a time.
 */
export class ActionRunner {
  constructor(private readonly deps: RunnerDeps) {}

  async run(plan: ActionPlan): Promise<void> {
    const { store, audit, who } = this.deps;
    const machineId = plan.intent.machineId;
    const host = store.getState().hosts[machineId];
    const base = { who, machineId, host: plan.hostName, action: plan.intent.action, command: plan.command };
    const id = randomUUID();
    const now = () => new Date().toISOString();

    if (store.getState().readOnly || !host || host.busyAction) {
      const error = store.getState().readOnly
        ? 'read-only mode: actions are disabled'
        : !host
          ? `unknown host "${machineId}"`
          : `${plan.hostName} is busy with another action`;
      await audit.append({ id, phase: 'refused', at: now(), ...base, error });
      store.getState().notify(`${plan.title} refused: ${error}`, 'warning');
      return;
    }

    store.getState().actionStarted({ id, plan, state: 'running', startedAt: Date.now() });
    try {
      await audit.append({ id, phase: 'started', at: now(), ...base });
    } catch (err) {
      const error = `audit log not writable, action not run: ${(err as Error).message}`;
      store.getState().actionFinished(id, { exitCode: null, outputTail: '', durationMs: 0, error });
      store.getState().notify(error, 'error');
      return;
    }

    const result = plan.transport === 'cloud' ? await this.runCloud(host.machine, plan) : await this.runShell(host.machine, plan);
    const finished: AuditEntry = { id, phase: 'finished', at: now(), ...base, ...result };
    try {
      await audit.append(finished);
    } catch (err) {
      store.getState().notify(`audit log write failed: ${(err as Error).message}`, 'error');
    }
    store.getState().actionFinished(id, result);
    const ok = result.exitCode === 0 && !result.error;
    store
      .getState()
      .notify(
        ok ? `${plan.title} on ${plan.hostName}: done` : `${plan.title} on ${plan.hostName} failed (exit ${result.exitCode ?? '-'})${result.error ? ': ' + result.error : ''}`,
        ok ? 'info' : 'error',
      );
    this.deps.afterRun?.(machineId, plan);
  }

  private async runShell(machine: Machine, plan: ActionPlan): Promise<ActionResult> {
    const r = await this.deps.hostExec.exec(machine, plan.command, this.deps.timeoutMs);
    return { exitCode: r.code, outputTail: outputTail(r.stdout, r.stderr), durationMs: r.latencyMs, error: r.failure?.message };
  }

  private async runCloud(machine: Machine, plan: ActionPlan): Promise<ActionResult> {
    if (!this.deps.cloud) return { exitCode: null, outputTail: '', durationMs: 0, error: 'no cloud provider is enabled' };
    const r = await this.deps.cloud(machine, plan.intent.action);
    return { exitCode: r.ok ? 0 : 1, outputTail: outputTail(r.output, ''), durationMs: r.durationMs, ...(r.error ? { error: r.error } : {}) };
  }
}
