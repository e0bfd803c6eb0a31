import type { CatalogueEntry } from '../catalogue.js';
import { ACCEPT_NEW_ENTRIES } from './accept-new.js';
import { DATABASE_ENTRIES } from './database.js';
import { DISK_CLEANUP_ENTRIES } from './disk-cleanup.js';
import { MAIL_ENTRIES } from './mail.js';
import { NETMOUNT_ENTRIES } from './netmount.js';
import { RESTORE_ENTRIES } from './restore.js';
import { SYSTEM_ENTRIES } from './system.js';

/** Repairs of the failure matrix (baseline restores, cleanup, databases, kernel and mounts). */
export const REPAIR_ENTRIES: Record<string, CatalogueEntry> = {
  ...RESTORE_ENTRIES,
  ...DISK_CLEANUP_ENTRIES,
  ...DATABASE_ENTRIES,
  ...SYSTEM_ENTRIES,
  ...ACCEPT_NEW_ENTRIES,
  ...NETMOUNT_ENTRIES,
  ...MAIL_ENTRIES,
};
