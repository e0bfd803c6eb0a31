import { randomUUID } from 'node:crypto';
import type { ActionIntent, ActionResult, FailureClass, PollResult } from '../model/index.js';
import { sanitizeLine, sanitizeText } from '../util/sanitize.js';
import type { FleetStore, RolloutStep } from '../store/index.js';
import type { AuditLog } from '../persist/audit-log.js';
import type { PlanOutcome } from './planner.js';
import { rolloutWaves } from './rollout-plan.js';

export interface RolloutDeps {
  store: FleetStore;
  audit: AuditLog;
  who: string;
  plan(intent: ActionIntent): PlanOutcome;
  /** Runs a plan; resolves with the reason when the runner refused it before running. */
  run(plan: Extract<PlanOutcome, { plan: unknown }>['plan']): Promise<{ refused: string } | void>;
  /** Resolves once the store holds a poll of the host started at or after `since` (see appliedPollAfter). */
  pollAfter(machineId: string, since: number): Promise<PollResult>;
}

export interface RolloutRequest {
  hosts: string[];
  action: string;
  params: Record<string, string>;
  batchSize: number;
  /** The finding the repair is meant to clear: health is back when the host no longer has it. */
  clears?: { class: FailureClass; subject?: string };
  /** How long to wait for a host's health to come back after its repair. */
  healthTimeoutMs: number;
}

/**
 * Pool repair with a canary: the first host alone, its health checked by a fresh probe, then the
 * rest `batchSize` at a time; the first failure (command or health) stops the rollout and the hosts
 * not reached are left untouched. Progress lives in store.rollout; every step is audited.
 */
export async function runRollout(deps: RolloutDeps, req: RolloutRequest): Promise<'done' | 'stopped'> {
  const { store } = deps;
  const id = randomUUID();
  const title = `${req.action} ${Object.values(req.params).join(' ')} on ${req.hosts.length} hosts (canary first, then ${req.batchSize} at a time)`;
  const steps: RolloutStep[] = req.hosts.map((machineId) => ({ machineId, state: 'pending' }));
  store.getState().setRollout({ id, title, state: 'running', steps });
  const audit = (phase: 'started' | 'finished', extra: { exitCode?: number; error?: string } = {}) =>
    deps.audit.append({
      id,
      phase,
      at: new Date().toISOString(),
      who: deps.who,
      machineId: req.hosts.join(','),
      host: `${req.hosts.length} hosts`,
      action: 'rollout',
      command: `${req.action} ${JSON.stringify(req.params)} batch=${req.batchSize}`,
      ...extra,
    });
  await audit('started');

  let failed: string | undefined;
  for (const wave of rolloutWaves(req.hosts, req.batchSize)) {
    const results = await Promise.all(wave.map((machineId) => repairOne(deps, req, machineId)));
    const bad = results.find((r) => r !== undefined);
    if (bad) {
      failed = bad;
      break;
    }
  }
  for (const s of store.getState().rollout?.steps ?? []) if (s.state === 'pending') store.getState().updateRolloutStep(s.machineId, { state: 'skipped' });
  store.getState().finishRollout(failed ? 'stopped' : 'done', failed);
  await audit('finished', failed ? { exitCode: 1, error: failed } : { exitCode: 0 });
  return failed ? 'stopped' : 'done';
}

/** Repairs one host and waits for its health; returns the reason it failed, or undefined. */
async function repairOne(deps: RolloutDeps, req: RolloutRequest, machineId: string): Promise<string | undefined> {
  const { store } = deps;
  const step = (patch: Partial<RolloutStep>) => store.getState().updateRolloutStep(machineId, patch);
  const outcome = deps.plan({ action: req.action, machineId, params: req.params });
  if ('refused' in outcome) {
    step({ state: 'failed', detail: outcome.refused });
    return `${machineId}: ${outcome.refused}`;
  }
  step({ state: 'running', detail: outcome.plan.command });
  const refusal = await deps.run(outcome.plan);
  const run = store.getState().actions.find((a) => a.plan === outcome.plan);
  if (run?.state !== 'succeeded') {
    const failure = run?.result ? failureOf(run.result) : { detail: `refused: ${refusal ? refusal.refused : 'not run'}`, output: '' };
    step({ state: 'failed', detail: failure.detail, ...(failure.output ? { output: failure.output } : {}) });
    const lastLine = failure.output.split('\n').pop();
    return `${machineId}: ${failure.detail}${lastLine ? ` (${lastLine})` : ''}`;
  }
  step({ state: 'verifying', detail: 'waiting for a fresh probe' });
  const since = run.finishedAt ?? Date.now();
  const deadline = since + req.healthTimeoutMs;
  let after = since;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const poll = await Promise.race([deps.pollAfter(machineId, after), sleep(remaining).then(() => undefined)]);
    if (!poll) break;
    if (healthAfter(store, machineId, poll, req.clears) === 'ok') {
      step({ state: 'ok', detail: 'healthy again' });
      return undefined;
    }
    after = poll.at + 1;
  }
  step({ state: 'failed', detail: 'health did not come back in time' });
  return `${machineId}: health did not come back within ${Math.round(req.healthTimeoutMs / 1000)} s`;
}

/** Lines of a failed command's output kept on its rollout step. */
const FAILED_OUTPUT_LINES = 6;

/** Why a command failed, in the operator's words: its exit code (and transport error), and its last lines of output. */
function failureOf(r: ActionResult): { detail: string; output: string } {
  const detail = `exit ${r.exitCode ?? '-'}${r.error ? ': ' + sanitizeLine(r.error) : ''}`;
  const lines = sanitizeText(r.outputTail)
    .split('\n')
    .filter((l) => l.trim() !== '');
  return { detail, output: lines.slice(-FAILED_OUTPUT_LINES).join('\n') };
}

function healthAfter(store: FleetStore, machineId: string, poll: PollResult, clears: RolloutRequest['clears']): 'ok' | 'not-yet' {
  if (poll.reach !== 'ok' && poll.reach !== 'slow') return 'not-yet';
  const host = store.getState().hosts[machineId];
  if (!host || host.last !== poll) return 'not-yet';
  const still = host.findings.some((f) =>
    clears ? f.class === clears.class && (clears.subject === undefined || f.subject === clears.subject) : f.severity === 'critical',
  );
  return still ? 'not-yet' : 'ok';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
