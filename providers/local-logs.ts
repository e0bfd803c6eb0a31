import { accessSync, constants, type Dirent, readdirSync } from 'node:fs';
import path from 'node:path';

/** Most log files the local host lists (a busy /var/log holds thousands of rotated ones). */
export const MAX_LOCAL_LOGS = 100;

// Binary login records, journald's own store, and rotated or compressed copies are not logs to follow.
const NOT_TEXT = new Set(['wtmp', 'btmp', 'lastlog', 'faillog', 'journal']);
const ROTATED = /(\.\d+|\.(gz|xz|bz2|zst|lz4|old))$|-\d{8}$/;

/** A file name worth following: printable, not a rotated, compressed or binary record. */
export function isFollowableLogName(name: string): boolean {
  return !NOT_TEXT.has(name) && !ROTATED.test(name) && !name.startsWith('.') && !/[\x00-\x1f\x7f]/.test(name);
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The readable log files under `dir` and its subdirectories one level down (apache2/, nginx/...),
 * sorted. Symbolic links are neither followed nor listed; an unreadable directory is skipped.
 */
export function discoverLogFiles(dir: string, depth = 1): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!isFollowableLogName(e.name)) continue;
    const full = path.join(dir, e.name);
    if (e.isFile() && readable(full)) out.push(full);
    else if (e.isDirectory() && depth > 0) out.push(...discoverLogFiles(full, depth - 1));
    if (out.length >= MAX_LOCAL_LOGS) break;
  }
  return out.slice(0, MAX_LOCAL_LOGS);
}
