import type { ActionPlan } from '../model/index.js';
import type { BaselineStore } from '../baseline/store.js';

const COPY_NAME = /^[0-9a-f]{64}$/;

/**
 * The stored content a plan sends on stdin, checked against the checksum the operator confirmed.
 * Throws (the action is refused) when it is missing, tampered with, or no store is wired.
 */
export function readPlanInput(plan: ActionPlan, baselines: BaselineStore | undefined): Buffer | undefined {
  const input = plan.input;
  if (!input) return undefined;
  if (!baselines) throw new Error('no baseline store: stored copies cannot be sent');
  const machineId = plan.intent.machineId;
  const content = COPY_NAME.test(input.baselineFile)
    ? baselines.readCopy(machineId, input.baselineFile)
    : baselines.readDump(machineId, input.baselineFile, input.sha256);
  if (COPY_NAME.test(input.baselineFile) && input.baselineFile !== input.sha256)
    throw new Error(`the plan names copy ${input.baselineFile.slice(0, 12)}… but checksum ${input.sha256.slice(0, 12)}…: refusing`);
  return content;
}

/** Actions whose stdout is data for the store, never shown nor audited. */
export function stdoutIsData(plan: ActionPlan): boolean {
  return plan.intent.action === 'db.dump' || plan.intent.action === 'baseline.accept-new';
}
