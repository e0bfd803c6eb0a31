import type { Finding } from '../model/index.js';
import { netmountCauseFindings, type FleetHostView } from './netmount-cause.js';
import { logHostCauseFindings } from './remote-logging-broken.js';

/** Every "likely cause" finding a server gets from its clients' polls (file servers, log hosts). */
export function fleetCauseFindings(hosts: readonly FleetHostView[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const part of [netmountCauseFindings(hosts), logHostCauseFindings(hosts)]) {
    for (const [id, list] of part) out.set(id, [...(out.get(id) ?? []), ...list]);
  }
  return out;
}
