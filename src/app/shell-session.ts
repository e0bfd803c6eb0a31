import { randomUUID } from 'node:crypto';
import type { Machine } from '../model/index.js';
import { hostOf, type FleetStore, type ForegroundRunner } from '../store/index.js';
import type { Poller } from '../poller/poller.js';
import type { AuditLog } from '../persist/audit-log.js';
import { sshShellArgv, type ShellArgv } from '../ssh/shell-argv.js';
import { shCommand } from '../util/shell-quote.js';
import { sanitizeLine } from '../util/sanitize.js';

export interface ShellDeps {
  store: FleetStore;
  poller: Poller;
  audit: AuditLog;
  who: string;
}

/** The ssh argv for a host, or why there is no shell to open (said with the host's name). */
export function shellArgvFor(machine: Machine): ShellArgv {
  const name = sanitizeLine(machine.name);
  if (machine.notProbed) return { refused: `${name} is not reached over SSH: ${sanitizeLine(machine.notProbed)}` };
  if (!machine.ssh) {
    if (machine.provider === 'ec2') {
      const id = machine.cloud?.instanceId ? ` ${sanitizeLine(machine.cloud.instanceId)}` : '';
      return { refused: `${name} (EC2 instance${id}) has no SSH address: no shell to open (use the EC2 console's Session Manager or give it an address)` };
    }
    return { refused: `${name} is this machine: open a shell in your own terminal` };
  }
  const r = sshShellArgv(machine.ssh);
  return 'refused' in r ? { refused: `${name}: ${r.refused}` } : r;
}

/**
 * Suspends polling, hands the terminal to the operator's own ssh, and resumes polling (this host
 * first) when it exits. Audited as a session: `started` with the exact argv before ssh runs,
 * `finished` with its exit code.
 */
export async function openShellSession(d: ShellDeps, machineId: string, foreground: ForegroundRunner): Promise<{ refused: string } | { exitCode: number | null }> {
  const s = d.store.getState();
  if (s.readOnly) return { refused: 'read-only mode: actions are disabled' };
  const host = hostOf(s.hosts, machineId);
  if (!host) return { refused: `unknown host "${sanitizeLine(machineId)}"` };
  const planned = shellArgvFor(host.machine);
  if ('refused' in planned) return planned;

  const id = randomUUID();
  const base = { id, who: d.who, machineId, host: host.machine.name, action: 'ssh.shell', command: shCommand(...planned.argv) };
  await d.audit.append({ ...base, phase: 'started', at: new Date().toISOString() });
  const started = Date.now();
  d.poller.pause();
  let outcome: { exitCode: number | null; error?: string };
  try {
    outcome = await foreground(planned.argv);
  } catch (err) {
    outcome = { exitCode: null, error: (err as Error).message };
  } finally {
    d.poller.resume();
    d.poller.refresh(machineId);
  }
  await d.audit.append({
    ...base,
    phase: 'finished',
    at: new Date().toISOString(),
    exitCode: outcome.exitCode,
    durationMs: Date.now() - started,
    ...(outcome.error ? { error: outcome.error } : {}),
  });
  const name = sanitizeLine(host.machine.name);
  if (outcome.error) d.store.getState().notify(`shell on ${name} failed: ${sanitizeLine(outcome.error)}`, 'error');
  else d.store.getState().notify(`shell on ${name} ended (exit ${outcome.exitCode ?? 'none'})`, outcome.exitCode === 0 ? 'info' : 'warning');
  return { exitCode: outcome.exitCode };
}
