import type { HostBaseline, Machine } from '../model/index.js';
import { shCommand } from '../util/shell-quote.js';
import { withPrivilege } from '../util/privilege.js';
import { capturePlan, captureScript, MAX_CAPTURE_BYTES, type CapturePlan } from './capture-script.js';
import { parseCapture } from './capture-parse.js';
import { recordCapture, type AcceptDeps } from './accept.js';

/** The capture of only the declared files and databases the baseline has no entry for (modules are not baseline-bound). */
export function newChecksPlan(machine: Machine, baseline: HostBaseline): CapturePlan {
  const full = capturePlan(machine);
  return {
    files: full.files.filter((f) => !baseline.files[f.path]),
    modules: false,
    databases: full.databases.filter((d) => !baseline.databases[d]),
    skipped: [],
    learn: false,
  };
}

export function isEmptyPlan(plan: CapturePlan): boolean {
  return plan.files.length === 0 && plan.databases.length === 0;
}

/** The exact remote command of that capture: read-only, as root (sudo -n for other users), in sh. */
export function acceptNewCommand(machine: Machine, plan: CapturePlan): string {
  const script = captureScript(plan, MAX_CAPTURE_BYTES);
  return machine.ssh && machine.ssh.user !== 'root' ? withPrivilege(machine, script) : shCommand('sh', '-c', script);
}

/**
 * Adds what the capture of `plan` printed to the host's stored baseline, keeping every entry it
 * already had (nothing else is re-accepted; acceptedAt/By stay those of the accept it extends).
 * Throws when the capture output is unreadable or cut short; nothing is stored then.
 */
export async function extendBaseline(
  deps: Pick<AcceptDeps, 'hostExec' | 'baselines' | 'timeoutMs'>,
  machine: Machine,
  baseline: HostBaseline,
  plan: CapturePlan,
  output: string,
): Promise<{ captured: string[]; problems: string[] }> {
  const parsed = parseCapture(plan, output);
  if (!parsed.complete) throw new Error('the capture output was cut short: nothing stored');
  const extended: HostBaseline = { ...baseline, files: { ...baseline.files }, databases: { ...baseline.databases } };
  const r = await recordCapture(deps, machine, parsed, extended);
  await deps.baselines.save(extended);
  return r;
}
