import type { ServiceStatus, Severity } from '../model/index.js';

/** Unit states in which a service counts as running. */
export const RUNNING_STATES = new Set(['active', 'reloading']);

/** How bad a service that is not running is: one on its way up or down is a warning, else critical. */
export function severityOf(s: ServiceStatus): Severity {
  // activating/auto-restart is a crashed unit waiting for its next try, not a slow start.
  if (s.active === 'activating' && s.sub !== 'auto-restart') return 'warning';
  if (s.active === 'deactivating') return 'warning';
  return 'critical';
}
