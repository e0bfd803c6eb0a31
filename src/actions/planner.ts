import type { ActionIntent, ActionPlan, HostBaseline } from '../model/index.js';
import type { HostState } from '../store/index.js';
import { CATALOGUE, type CatalogueEntry, type PlanContext } from './catalogue/index.js';

export type PlanOutcome = { plan: ActionPlan } | { refused: string };

/** What the console keeps about a host beyond the store: its baseline and stored copies/dumps. */
export interface PlanExtras {
  baseline?: HostBaseline;
  hasCopy?: PlanContext['hasCopy'];
  newestDump?: PlanContext['newestDump'];
  cleanupMinAgeDays?: number;
  /** The operator's own actions (`user:NAME`, see src/actions/user), beside the built-in catalogue. */
  userEntries?: Readonly<Record<string, CatalogueEntry>>;
}

/** Intent → exact plan, or the reason it cannot run. Pure (the extras are lookups, not effects). */
export function planAction(intent: ActionIntent, host: HostState | undefined, readOnly: boolean, extras: PlanExtras = {}): PlanOutcome {
  if (readOnly) return { refused: 'read-only mode: actions are disabled' };
  if (!host) return { refused: `unknown host "${intent.machineId}"` };
  const entry = CATALOGUE[intent.action] ?? extras.userEntries?.[intent.action];
  if (!entry) return { refused: `unknown action "${intent.action}"` };
  const problem = entry.validate(intent.params);
  if (problem) return { refused: `${entry.id} on ${host.machine.name}: ${problem}` };
  const blocked = entry.precondition?.(host.machine);
  if (blocked) return { refused: `${entry.id} on ${host.machine.name}: ${blocked}` };
  if (host.busyAction) return { refused: `${host.machine.name} is busy with another action; wait for it to finish` };
  const service = intent.params['service'];
  const init = host.probe?.init === 'sysvinit' ? 'sysvinit' : 'systemd';
  const ctx: PlanContext = {
    machine: host.machine,
    init,
    service: service ? host.probe?.services.find((s) => s.name === service || s.name === `${service}.service`) : undefined,
    probe: host.probe,
    baseline: extras.baseline,
    hasCopy: extras.hasCopy,
    newestDump: extras.newestDump,
    ...(extras.cleanupMinAgeDays !== undefined ? { cleanupMinAgeDays: extras.cleanupMinAgeDays } : {}),
  };
  const unavailable = entry.check?.(intent.params, ctx);
  if (unavailable) return { refused: `${entry.id} on ${host.machine.name}: ${unavailable}` };
  const plan: ActionPlan = {
    intent,
    title: entry.title(intent.params),
    hostName: host.machine.name,
    command: entry.command(intent.params, ctx),
    expected: entry.expected(intent.params),
    transport: entry.transport ?? (host.machine.ssh ? 'ssh' : 'local'),
  };
  const input = entry.input?.(intent.params, ctx);
  if (input) plan.input = input;
  const preview = entry.preview?.(intent.params, ctx);
  if (preview) plan.preview = preview;
  const preconditions = entry.preconditions?.(intent.params, ctx);
  if (preconditions?.length) plan.preconditions = preconditions;
  return { plan };
}
