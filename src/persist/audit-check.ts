import { closeSync, fstatSync, readSync, renameSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { AuditLog, isAuditEntry } from './audit-log.js';
import { openNoFollow } from './no-follow.js';

/** How much of the log's end is checked at start: crash damage is only ever at the end. */
export const AUDIT_TAIL_BYTES = 64 * 1024;

/** Set when the log is longer than the tail checked: line numbers count from `from` (a byte offset). */
export interface TailWindow {
  from: number;
  bytesRead: number;
}

export type AuditCheck =
  | { ok: true; missing: boolean; entries: number; tornLines: number[]; window?: TailWindow }
  | { ok: false; reason: string; badLines: number[]; movedTo?: string; window?: TailWindow };

/**
 * A line our own appender began and a crash (or a full disk) cut short: it starts the way every
 * entry is serialized (`{"id":"`) and does not parse. Such a line is expected after a crash and is
 * not a reason to set the log aside.
 */
export function isTornEntry(line: string): boolean {
  if (!line.startsWith('{"id":"')) return false;
  try {
    JSON.parse(line);
    return false;
  } catch {
    return true;
  }
}

function timeStamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/**
 * The last `tailBytes` of the log, from the first line that starts inside them (the whole file when
 * it is smaller); nothing when there is no log. A symbolic link is refused, never followed.
 */
function readTail(file: string, tailBytes: number): { lines: string[]; window?: TailWindow } | undefined {
  let fd: number;
  try {
    fd = openNoFollow(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = fstatSync(fd);
    const from = Math.max(0, size - tailBytes);
    const buf = Buffer.alloc(size - from);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    let text = buf.subarray(0, got).toString('utf8');
    if (from === 0) return { lines: text.split('\n') };
    // The window began inside a line (or right after one): that first piece is not checked.
    const firstBreak = text.indexOf('\n');
    text = firstBreak < 0 ? '' : text.slice(firstBreak + 1);
    return { lines: text.split('\n'), window: { from, bytesRead: got } };
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks the end of the audit log before remlite appends to it (the last AUDIT_TAIL_BYTES: a long
 * log costs no more than a short one). Lines cut short by a crash are tolerated (reported as torn);
 * any other unreadable line means the file is not our log as we wrote it: it is moved aside as
 * `<file>.corrupt-<time>` (never rewritten), and the next append starts a new log.
 */
export function checkAuditLog(file: string, now: Date = new Date(), tailBytes = AUDIT_TAIL_BYTES): AuditCheck {
  const tail = readTail(file, tailBytes);
  if (!tail) return { ok: true, missing: true, entries: 0, tornLines: [] };
  const win = tail.window ? { window: tail.window } : {};
  let entries = 0;
  const badLines: number[] = [];
  tail.lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      if (isAuditEntry(JSON.parse(line))) entries++;
      else badLines.push(i + 1);
    } catch {
      badLines.push(i + 1);
    }
  });
  if (badLines.length === 0) return { ok: true, missing: entries === 0 && !tail.window, entries, tornLines: [], ...win };
  const corrupt = badLines.filter((n) => !isTornEntry(tail.lines[n - 1] ?? ''));
  if (corrupt.length === 0) return { ok: true, missing: false, entries, tornLines: badLines, ...win };
  const shown = corrupt.slice(0, 5).join(', ') + (corrupt.length > 5 ? ', …' : '');
  const where = tail.window ? ` of its last ${tail.window.bytesRead} bytes` : '';
  const reason = `${corrupt.length} unreadable line${corrupt.length === 1 ? '' : 's'} (line ${shown}${where})`;
  const aside = `${file}.corrupt-${timeStamp(now)}`;
  try {
    renameSync(file, aside);
    return { ok: false, reason, badLines: corrupt, movedTo: aside, ...win };
  } catch {
    return { ok: false, reason, badLines: corrupt, ...win };
  }
}

/**
 * Checks the log (see checkAuditLog); when it was set aside, the new log's first entry says where
 * the old one went. Answers the warning to show the operator, if any.
 */
export async function prepareAuditLog(file: string, who: string, now: Date = new Date()): Promise<string | undefined> {
  const check = checkAuditLog(file, now);
  if (check.ok) return undefined;
  if (!check.movedTo) return `audit log ${file} has ${check.reason}; it could not be moved aside, new entries are appended after them`;
  const note = `previous audit log had ${check.reason}; moved to ${check.movedTo}`;
  await new AuditLog(file).append({ id: randomUUID(), phase: 'note', at: now.toISOString(), who, machineId: '', host: '', action: 'audit.moved-aside', command: '', note });
  return `audit log ${file} has ${check.reason}; moved it to ${check.movedTo} and started a new log`;
}
