import type { ActionIntent, ActionPlan } from '../model/index.js';
import type { HostState } from '../store/index.js';
import { CATALOGUE } from './catalogue.js';

export type PlanOutcome = { plan: ActionPlan } | { refused: string };

/** Intent → exact plan, or the reason it cannot run. Pure. */
export function planAction(intent: ActionIntent, host: HostState | undefined, readOnly: boolean): PlanOutcome {
  if (readOnly) return { refused: 'read-only mode: actions are disabled' };
  if (!host) return { refused: `unknown host "${intent.machineId}"` };
  const entry = CATALOGUE[intent.action];
  if (!entry) return { refused: `unknown action "${intent.action}"` };
  const problem = entry.validate(intent.params);
  if (problem) return { refused: `${entry.id} on ${host.machine.name}: ${problem}` };
  const blocked = entry.precondition?.(host.machine);
  if (blocked) return { refused: `${entry.id} on ${host.machine.name}: ${blocked}` };
  if (host.busyAction) return { refused: `${host.machine.name} is busy with another action; wait for it to finish` };
  const service = intent.params['service'];
  const init = host.probe?.init === 'sysvinit' ? 'sysvinit' : 'systemd';
  const command = entry.command(intent.params, {
    machine: host.machine,
    init,
    service: service ? host.probe?.services.find((s) => s.name === service || s.name === `${service}.service`) : undefined,
  });
  return {
    plan: {
      intent,
      title: entry.title(intent.params),
      hostName: host.machine.name,
      command,
      expected: entry.expected(intent.params),
      transport: entry.transport ?? (host.machine.ssh ? 'ssh' : 'local'),
    },
  };
}
