import type { Finding, Machine, PollResult } from '../model/index.js';
import { NETMOUNT_CLASS } from './netmount-unavailable.js';
import { fit } from './text.js';

/** Subject of the finding a file server gets for the mounts it serves that fail elsewhere. */
export const SERVED_MOUNTS_SUBJECT = 'served network mounts';

export interface FleetHostView {
  machine: Machine;
  last?: PollResult;
}

/** The fleet machine a mount's server names: by address dialled, name or id. */
function serverMachine(server: string, hosts: readonly FleetHostView[], client: string): Machine | undefined {
  const s = server.toLowerCase();
  return hosts.find(
    (h) => h.machine.id !== client && (h.machine.ssh?.host.toLowerCase() === s || h.machine.name.toLowerCase() === s || h.machine.id.toLowerCase() === s),
  )?.machine;
}

/**
 * One root cause, many symptoms: every host whose network mount hangs, went stale or is missing names
 * its server; when that server is a machine of the fleet, the server's own row gets one critical
 * finding listing the hosts affected, so the grid points at the file server, not only at each web host.
 * Pure: from each host's last poll to the derived findings by machine id.
 */
export function netmountCauseFindings(hosts: readonly FleetHostView[]): Map<string, Finding[]> {
  const affected = new Map<string, { server: Machine; lines: string[]; clients: Set<string> }>();
  for (const h of hosts) {
    for (const m of h.last?.probe?.netMounts ?? []) {
      if (m.state === 'ok' || m.state === 'unchecked' || !m.server) continue;
      const server = serverMachine(m.server, hosts, h.machine.id);
      if (!server) continue;
      const entry = affected.get(server.id) ?? { server, lines: [], clients: new Set<string>() };
      entry.clients.add(h.machine.name);
      entry.lines.push(fit(`${h.machine.name}: ${m.mount} (${m.fstype}) ${m.state === 'missing' ? 'not mounted' : m.state}`));
      affected.set(server.id, entry);
    }
  }
  const out = new Map<string, Finding[]>();
  for (const [id, { lines, clients }] of affected) {
    const names = [...clients].sort();
    out.set(id, [
      {
        machineId: id,
        class: NETMOUNT_CLASS,
        severity: 'critical',
        summary: fit(`likely cause: mounts from this host fail on ${names.length} host(s) (${names.join(', ')})`),
        evidence: [...lines.sort().slice(0, 20), 'one root cause, many symptoms: check this server first (is it up, is its sshd/nfsd answering?)'],
        subject: SERVED_MOUNTS_SUBJECT,
        repairs: [],
      },
    ]);
  }
  return out;
}
