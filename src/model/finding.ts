export type Severity = 'ok' | 'info' | 'warning' | 'critical';

export const SEVERITY_RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, critical: 3 };

export function worstSeverity(list: readonly Severity[]): Severity {
  let worst: Severity = 'ok';
  for (const s of list) if (SEVERITY_RANK[s] > SEVERITY_RANK[worst]) worst = s;
  return worst;
}

/** The ways a machine breaks (the failure matrix rows). */
export type FailureClass =
  | 'service-down'
  | 'service-restart-loop'
  | 'service-missing'
  | 'service-unresponsive'
  | 'disk-full'
  | 'inodes-full'
  | 'fs-read-only'
  | 'unreachable'
  | 'untrusted-host-key'
  | 'probe-unreadable'
  | 'high-load'
  | 'memory-pressure'
  | 'config-drift'
  | 'config-test-failed'
  | 'file-perms'
  | 'file-replaced'
  | 'data-corrupt'
  | 'fs-errors'
  | 'module-missing'
  | 'db-tables-missing'
  | 'clock-skew'
  | 'not-accepted'
  | 'alert-firing'
  | 'netmount-unavailable'
  | 'mail-queue-backlog'
  | 'remote-logging-broken'

  | 'ec2-status-failed'
  | 'ec2-scheduled-event';

/** A repair the operator may fire for a finding. */
export interface RepairRef {
  /** Catalogue id, e.g. "service.restart". */
  action: string;
  /** Arguments for the planner, e.g. { service: "apache2" }. */
  params: Record<string, string>;
  label: string;
}

export interface Finding {
  machineId: string;
  class: FailureClass;
  severity: Severity;
  /** One line for the grid / list. */
  summary: string;
  /** Evidence lines (what the probe saw). */
  evidence: string[];
  /** What it concerns: a service name, a mount point... */
  subject?: string;
  repairs: RepairRef[];
}
