import { ACCEPT_NEW_ENTRIES } from './accept-new.js';
import { ALERTMANAGER_ENTRIES } from './alertmanager.js';
import { CLOUD_ENTRIES } from './cloud.js';
import { DATABASE_ENTRIES } from './database.js';
import { DISK_CLEANUP_ENTRIES } from './disk-cleanup.js';
import { MAIL_ENTRIES } from './mail.js';
import { NETMOUNT_ENTRIES } from './netmount.js';
import { RESTORE_ENTRIES } from './restore.js';
import { SERVICE_ENTRIES } from './service.js';
import { SYSTEM_ENTRIES } from './system.js';
import { SERVICE_FORCE_ENTRIES } from './service-force.js';
import { LOG_REOPEN_ENTRIES } from './log-reopen.js';
import type { CatalogueEntry } from './types.js';

export type { CatalogueEntry, PlanContext } from './types.js';

/**
 * Every built-in action the planner knows, by id: service verbs, the repairs of the failure matrix
 * (baseline restores, cleanup, databases, kernel and mounts, accepting new items) and cloud actions.
 */
export const CATALOGUE: Record<string, CatalogueEntry> = {
  ...SERVICE_ENTRIES,
  ...RESTORE_ENTRIES,
  ...DISK_CLEANUP_ENTRIES,
  ...DATABASE_ENTRIES,
  ...SYSTEM_ENTRIES,
  ...ACCEPT_NEW_ENTRIES,
  ...SERVICE_FORCE_ENTRIES,
  ...LOG_REOPEN_ENTRIES,
  ...CLOUD_ENTRIES,
  ...ALERTMANAGER_ENTRIES,
  ...NETMOUNT_ENTRIES,
  ...MAIL_ENTRIES,
};
