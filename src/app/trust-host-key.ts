import { randomUUID } from 'node:crypto';
import type { HostKeyInfo, SshTarget } from '../model/index.js';
import { hostOf, type FleetStore, type ReviewedHostKey, type TrustOutcome } from '../store/index.js';
import type { SshPool } from '../ssh/pool.js';
import type { AuditLog } from '../persist/audit-log.js';
import { appendKnownHost, checkHostKey, hostKeyLookupName, isLiteralKnownHostsName, readKnownHostsFiles } from '../ssh/known-hosts.js';
import { sshFingerprintOfBase64 } from '../util/ssh-fingerprint.js';

export interface TrustDeps {
  store: FleetStore;
  pool: SshPool;
  audit: AuditLog;
  who: string;
}

/**
 * Why the reviewed key must not be written, or undefined when it may. The only key that can be
 * trusted is the one a live handshake of this run offered (never a cached poll's), it must be the
 * very key the operator reviewed, and the fingerprint shown must be the one computed from it.
 */
export function trustRefusal(live: HostKeyInfo | undefined, reviewed: ReviewedHostKey): string | undefined {
  if (!live) {
    return 'no connection in this run is offering a host key right now (a key from the fleet cache or an earlier poll is not an offer): poll the host (R) and review the key it offers';
  }
  if (live.type !== reviewed.type || live.base64 !== reviewed.base64) {
    return `the host now offers a DIFFERENT key (${live.type} ${sshFingerprintOfBase64(live.base64)}) than the one you reviewed (${reviewed.type} ${reviewed.fingerprint}): review the new key`;
  }
  if (sshFingerprintOfBase64(live.base64) !== reviewed.fingerprint) return `the fingerprint shown (${reviewed.fingerprint}) is not the key's own`;
  if (live.status === 'revoked') return `the key ${reviewed.fingerprint} is revoked in known_hosts: it will not be trusted`;
  if (live.status === 'changed') {
    return `the host key CHANGED: known_hosts already holds another key for ${live.knownHostsName} and remlite never replaces a known key. Check with the host's owner, then remove the old line (ssh-keygen -R '${live.knownHostsName}')`;
  }
  if (!isLiteralKnownHostsName(live.knownHostsName)) return `"${live.knownHostsName}" is a pattern, not one host name: nothing written`;
  return undefined;
}

/** Writes the reviewed host key to the machine's first known_hosts file after every check passes; audited either way. */
export async function trustHostKey(d: TrustDeps, machineId: string, reviewed: ReviewedHostKey): Promise<TrustOutcome> {
  const s = d.store.getState();
  const host = hostOf(s.hosts, machineId);
  const live = d.pool.trustOffered(machineId);
  // The offer may come from a jump host on the way: its key belongs in that hop's known_hosts.
  const files = (host?.machine.ssh && live ? hopNamed(host.machine.ssh, live.knownHostsName) : host?.machine.ssh)?.knownHostsFiles ?? [];
  const file = files[0];
  if (!host || !file) {
    const reason = `no SSH target with a known_hosts file for ${machineId}`;
    s.notify(reason, 'warning');
    return { trusted: false, reason };
  }
  let reason = trustRefusal(live, reviewed);
  if (!reason && live) {
    // known_hosts may have gained a line since the handshake: decide against the file as it is now.
    const now = checkHostKey((await readKnownHostsFiles(files)).entries, live.knownHostsName, live.type, live.base64);
    if (now === 'match') reason = 'this key is already in known_hosts: nothing written';
    else if (now !== 'unknown') reason = `known_hosts now holds another key for ${live.knownHostsName} (${now}): nothing written`;
  }
  const name = live?.knownHostsName ?? host.machine.name;
  const entry = { id: randomUUID(), at: new Date().toISOString(), who: d.who, machineId, host: host.machine.name, action: 'hostkey.trust' };
  const command = `append to ${file}: ${name} ${reviewed.type} ${reviewed.fingerprint}`;
  if (reason || !live) {
    reason ??= 'no offered key';
    await d.audit.append({ ...entry, phase: 'refused', command, error: reason });
    s.notify(`${host.machine.name}: trust refused: ${reason}`, 'error');
    return { trusted: false, reason };
  }
  await appendKnownHost(file, live.knownHostsName, live.type, live.base64);
  await d.audit.append({ ...entry, phase: 'finished', command, exitCode: 0 });
  const message = `${host.machine.name}: trusted ${live.type} ${reviewed.fingerprint} (written to ${file})`;
  s.notify(message, 'info');
  return { trusted: true, message };
}

/** The hop (the target or one of its jump hosts) whose keys are looked up under `name`; the target when none is. */
function hopNamed(target: SshTarget, name: string): SshTarget {
  for (let hop: SshTarget | undefined = target; hop; hop = hop.jump) if (hostKeyLookupName(hop) === name) return hop;
  return target;
}
