import { randomUUID } from 'node:crypto';
import type { ActionPlan, ActionResult, AuditEntry, CloudActionOutcome, Machine } from '../model/index.js';
import type { FleetStore } from '../store/index.js';
import type { HostExec } from '../exec/host-exec.js';
import type { AuditLog } from '../persist/audit-log.js';
import type { BaselineStore } from '../baseline/store.js';
import { MAX_DUMP_BYTES, storeDump } from '../baseline/dumps.js';
import { outputTail } from './output-tail.js';
import { readPlanInput, stdoutIsData } from './run-io.js';
import { acceptNewCommand, extendBaseline, newChecksPlan } from '../baseline/accept-new.js';

export interface RunnerDeps {
  store: FleetStore;
  hostExec: HostExec;
  audit: AuditLog;
  /** "user@workstation" of the operator. */
  who: string;
  timeoutMs: number;
  /** Runs plans whose transport is 'cloud' (the provider's API); injected so this module never loads a cloud SDK. */
  cloud?(machine: Machine, action: string, params: Record<string, string>): Promise<CloudActionOutcome>;
  /** Called after every action so the next probe verifies its effect at once. */
  afterRun?(machineId: string, plan: ActionPlan): void;
  /** Stored known-good copies and dumps (plans with an input, db.dump). */
  baselines?: BaselineStore;
}

/**
 * Runs confirmed plans: audit "started" (fsync'd) before anything is sent, then the command,
 * then audit "finished" with exit code and output tail. One action per host at a time.
 */
export class ActionRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /** Resolves once the plan ran (its result is in the store), or with the reason it was refused before running. */
  async run(plan: ActionPlan): Promise<{ refused: string } | undefined> {
    const { store, audit, who } = this.deps;
    const machineId = plan.intent.machineId;
    const host = store.getState().hosts[machineId];
    const base = { who, machineId, host: plan.hostName, action: plan.intent.action, command: plan.command };
    const id = randomUUID();
    const now = () => new Date().toISOString();

    let stdin: Buffer | undefined;
    let inputError: string | undefined;
    try {
      stdin = readPlanInput(plan, this.deps.baselines);
      if (host && plan.intent.action === 'baseline.accept-new') this.newChecksOf(host.machine, plan);
    } catch (err) {
      inputError = (err as Error).message;
    }
    if (store.getState().readOnly || !host || host.busyAction || inputError) {
      const error = store.getState().readOnly
        ? 'read-only mode: actions are disabled'
        : !host
          ? `unknown host "${machineId}"`
          : host.busyAction
            ? `${plan.hostName} is busy with another action`
            : (inputError ?? '');
      try {
        await audit.append({ id, phase: 'refused', at: now(), ...base, error });
        store.getState().notify(`${plan.title} refused: ${error}`, 'warning');
      } catch (err) {
        store.getState().notify(`${plan.title} refused: ${error}; the refusal is not in the audit log: ${(err as Error).message}`, 'error');
      }
      return { refused: error };
    }

    store.getState().actionStarted({ id, plan, state: 'running', startedAt: Date.now() });
    try {
      await audit.append({ id, phase: 'started', at: now(), ...base });
    } catch (err) {
      const error = `${plan.title} on ${plan.hostName} not run: ${(err as Error).message}`;
      store.getState().actionFinished(id, { exitCode: null, outputTail: '', durationMs: 0, error, auditError: { phase: 'started', message: error } });
      store.getState().notify(error, 'error');
      return undefined;
    }

    const result = plan.transport === 'cloud' ? await this.runCloud(host.machine, plan) : await this.runShell(host.machine, plan, stdin);
    const finished: AuditEntry = { id, phase: 'finished', at: now(), ...base, ...result };
    try {
      await audit.append(finished);
    } catch (err) {
      const message = `${plan.title} on ${plan.hostName} ran (exit ${result.exitCode ?? '-'}) but its "finished" entry is not in the audit log: ${(err as Error).message}`;
      result.auditError = { phase: 'finished', message };
    }
    store.getState().actionFinished(id, result);
    const ok = result.exitCode === 0 && !result.error;
    // An unrecorded end outranks the outcome on the status line: the log no longer tells the truth.
    if (result.auditError) store.getState().notify(result.auditError.message, 'error');
    else
      store
        .getState()
        .notify(
          ok ? `${plan.title} on ${plan.hostName}: done` : `${plan.title} on ${plan.hostName} failed (exit ${result.exitCode ?? '-'})${result.error ? ': ' + result.error : ''}`,
          ok ? 'info' : 'error',
        );
    this.deps.afterRun?.(machineId, plan);
    return undefined;
  }

  private async runShell(machine: Machine, plan: ActionPlan, stdin: Buffer | undefined): Promise<ActionResult> {
    const dataOut = stdoutIsData(plan);
    const r = await this.deps.hostExec.exec(machine, plan.command, this.deps.timeoutMs, stdin, dataOut ? { maxOutputBytes: MAX_DUMP_BYTES } : {});
    // Dumps are data: stored, never shown nor audited (only their name, size and checksum are).
    const result: ActionResult = {
      exitCode: r.code,
      outputTail: outputTail(dataOut ? '' : r.stdout, r.stderr),
      durationMs: r.latencyMs,
      error: r.failure?.message,
    };
    if (dataOut && r.code === 0 && !r.failure) {
      const stored =
        plan.intent.action === 'baseline.accept-new'
          ? await this.storeNewChecks(machine, plan, r.stdout, r.truncated === true)
          : await this.storeDumpOutput(plan, r.stdout, r.truncated === true);
      if ('error' in stored) result.error = stored.error;
      else result.outputTail = [result.outputTail, stored.line].filter(Boolean).join('\n');
    }
    return result;
  }

  private async runCloud(machine: Machine, plan: ActionPlan): Promise<ActionResult> {
    if (!this.deps.cloud) return { exitCode: null, outputTail: '', durationMs: 0, error: 'no cloud provider is enabled' };
    const r = await this.deps.cloud(machine, plan.intent.action, plan.intent.params);
    return { exitCode: r.ok ? 0 : 1, outputTail: outputTail(r.output, ''), durationMs: r.durationMs, ...(r.error ? { error: r.error } : {}) };
  }

  /**
   * The stored baseline and the capture plan of a baseline.accept-new plan, checked to be what the
   * operator confirmed: when the baseline or the declared checks changed since, it throws (refused).
   */
  private newChecksOf(machine: Machine, plan: ActionPlan) {
    const baseline = this.deps.baselines?.load(machine.id).baseline;
    if (!baseline) throw new Error(`no baseline stored for ${plan.hostName}: accept the whole host first`);
    const capture = newChecksPlan(machine, baseline);
    if (acceptNewCommand(machine, capture) !== plan.command) throw new Error('the baseline or the declared checks changed since this was planned: plan it again');
    return { baseline, capture };
  }

  private async storeNewChecks(machine: Machine, plan: ActionPlan, stdout: string, truncated: boolean): Promise<{ line: string } | { error: string }> {
    if (!this.deps.baselines) return { error: 'no baseline store: nothing accepted' };
    if (truncated) return { error: 'the capture output was larger than remlite reads at once: nothing accepted' };
    try {
      const { baseline, capture } = this.newChecksOf(machine, plan);
      const r = await extendBaseline({ hostExec: this.deps.hostExec, baselines: this.deps.baselines, timeoutMs: this.deps.timeoutMs }, machine, baseline, capture, stdout);
      const line = `added to the baseline: ${r.captured.join('; ') || 'nothing'}`;
      if (r.problems.length) return { error: `${line}; not captured: ${r.problems.join('; ')}` };
      return { line };
    } catch (err) {
      return { error: `the new checks were not accepted: ${(err as Error).message}` };
    }
  }

  private async storeDumpOutput(plan: ActionPlan, stdout: string, truncated: boolean): Promise<{ line: string } | { error: string }> {
    const database = plan.intent.params['database'] ?? '';
    if (!this.deps.baselines) return { error: 'no baseline store: the dump was not kept' };
    if (truncated) return { error: `the dump of ${database} is larger than ${MAX_DUMP_BYTES} bytes: not stored` };
    if (stdout.trim() === '') return { error: `mysqldump printed nothing for ${database}: not stored` };
    try {
      const d = await storeDump(this.deps.baselines, plan.intent.machineId, database, Buffer.from(stdout, 'utf8'));
      return { line: `stored dump ${d.name} (${d.bytes} bytes, sha256 ${d.sha256})` };
    } catch (err) {
      return { error: `the dump could not be stored: ${(err as Error).message}` };
    }
  }
}
