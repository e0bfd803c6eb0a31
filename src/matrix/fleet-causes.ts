import type { Finding } from '../model/index.js';
import { netmountCauseFindings, type FleetHostView } from './netmount-cause.js';
import { logHostCauseFindings } from './remote-logging-broken.js';
import { silentSenderFindings, type SenderSilentView } from './log-sender-silent.js';

/** Every "likely cause" finding a host gets from the others' polls and findings (file servers, log hosts, silent log senders). */
export function fleetCauseFindings(hosts: readonly (FleetHostView & SenderSilentView)[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const part of [netmountCauseFindings(hosts), logHostCauseFindings(hosts), silentSenderFindings(hosts)]) {
    for (const [id, list] of part) out.set(id, [...(out.get(id) ?? []), ...list]);
  }
  return out;
}
