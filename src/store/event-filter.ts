import { SEVERITY_RANK, type FleetEvent, type Severity } from '../model/index.js';

const FIELDS = {
  host: (e: FleetEvent) => [e.host, e.machineId],
  class: (e: FleetEvent) => [e.class],
  kind: (e: FleetEvent) => [e.kind],
  alert: (e: FleetEvent) => [e.alert],
  provider: (e: FleetEvent) => [e.provider],
  action: (e: FleetEvent) => [e.action],
  operator: (e: FleetEvent) => [e.operator],
} as const;

const everything = (e: FleetEvent) => [e.host, e.machineId, e.class, e.kind, e.severity, e.alert, e.provider, e.action, e.operator, e.summary];

const has = (values: readonly (string | undefined)[], needle: string) => values.some((v) => v?.toLowerCase().includes(needle));

function tokenMatches(e: FleetEvent, token: string): boolean {
  const m = /^(\w+):(.*)$/.exec(token);
  if (m) {
    const [, key = '', value = ''] = m;
    const k = key.toLowerCase();
    if (k === 'sev' || k === 'severity') {
      const floor = SEVERITY_RANK[value.toLowerCase() as Severity];
      if (floor !== undefined) return e.severity !== undefined && SEVERITY_RANK[e.severity] >= floor;
      return has([e.severity], value.toLowerCase());
    }
    const field = FIELDS[k as keyof typeof FIELDS];
    if (field) return has(field(e), value.toLowerCase());
  }
  return has(everything(e), token.toLowerCase());
}

/**
 * The Events screen's `/` filter: words all of which an event must match. `host:`, `class:`,
 * `kind:`, `alert:`, `provider:`, `action:`, `operator:` match within that field, `sev:X` keeps
 * events at least that severe; a bare word matches anywhere (summary included).
 */
export function filterEvents(events: readonly FleetEvent[], filter: string): readonly FleetEvent[] {
  const tokens = filter.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return events;
  return events.filter((e) => tokens.every((t) => tokenMatches(e, t)));
}
