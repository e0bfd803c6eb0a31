import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { removeStaleTemps } from './atomic.js';
import { LINK_REFUSED, lstatOrNone, StatePathRefused } from './no-follow.js';

const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;
/** Deep enough for `baselines/<host>/files/<sha>`; nothing of ours is deeper. */
const MAX_DEPTH = 4;

export interface StateDirReport {
  /** Paths whose mode was narrowed, with the mode they had. */
  tightened: { path: string; from: number }[];
  /** Temp files left by atomic writes of processes that are gone. */
  staleTempsRemoved: string[];
}

function uid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/**
 * Narrows the mode of one entry through a descriptor opened without following links (no window
 * between checking and changing in which the path could become a link).
 */
function tighten(file: string, dir: boolean, report: StateDirReport): void {
  const want = dir ? PRIVATE_DIR : PRIVATE_FILE;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | (dir ? constants.O_DIRECTORY : 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new StatePathRefused(file, LINK_REFUSED);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    const me = uid();
    if (me !== undefined && st.uid !== me) throw new StatePathRefused(file, `is owned by uid ${st.uid}, not by you (uid ${me})`);
    if ((st.mode & 0o777 & ~want) !== 0) {
      fchmodSync(fd, st.mode & 0o777 & want);
      report.tightened.push({ path: file, from: st.mode & 0o777 });
    }
  } finally {
    closeSync(fd);
  }
}

function walk(dir: string, depth: number, report: StateDirReport): void {
  tighten(dir, true, report);
  report.staleTempsRemoved.push(...removeStaleTemps(dir).map((n) => path.join(dir, n)));
  for (const name of readdirSync(dir)) {
    const entry = path.join(dir, name);
    const st = lstatOrNone(entry);
    if (!st) continue;
    if (st.isSymbolicLink()) throw new StatePathRefused(entry, LINK_REFUSED);
    if (st.isDirectory() && depth < MAX_DEPTH) walk(entry, depth + 1, report);
    else if (st.isFile()) tighten(entry, false, report);
  }
}

/**
 * Makes remlite's state dir safe to use before anything in it is read or written: created 0700 when
 * missing; any symbolic link in it (audit log, fleet cache, baselines and everything under them) or
 * anything owned by another user is refused with StatePathRefused; looser modes of our own files
 * and dirs are narrowed to 0600/0700 (reported, never widened); stale atomic-write temp files go.
 */
export function prepareStateDir(dir: string): StateDirReport {
  const report: StateDirReport = { tightened: [], staleTempsRemoved: [] };
  const st = lstatOrNone(dir);
  if (st?.isSymbolicLink()) throw new StatePathRefused(dir, `${LINK_REFUSED} (set REMLITE_STATE_DIR to the real directory)`);
  if (st && !st.isDirectory()) throw new StatePathRefused(dir, 'is not a directory');
  if (!st) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  walk(dir, 1, report);
  return report;
}

/** The settings file remlite writes: a link is refused, a looser mode narrowed to 0600. */
export function prepareSettingsFile(file: string): StateDirReport {
  const report: StateDirReport = { tightened: [], staleTempsRemoved: [] };
  const st = lstatOrNone(file);
  if (!st) return report;
  if (st.isSymbolicLink()) throw new StatePathRefused(file, LINK_REFUSED);
  if (st.isFile()) tighten(file, false, report);
  return report;
}

/** One line for the operator about what was narrowed, or nothing. */
export function tightenedWarning(report: StateDirReport): string | undefined {
  const t = report.tightened;
  if (t.length === 0) return undefined;
  const shown = t
    .slice(0, 3)
    .map((x) => `${x.path} (was ${x.from.toString(8).padStart(4, '0')})`)
    .join(', ');
  return `narrowed the mode of ${t.length} path${t.length === 1 ? '' : 's'} other users could reach to 0600/0700: ${shown}${t.length > 3 ? ', …' : ''}`;
}
