import { readFileSync, renameSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { AuditLog } from './audit-log.js';

export type AuditCheck =
  | { ok: true; missing: boolean; entries: number; tornLines: number[] }
  | { ok: false; reason: string; badLines: number[]; movedTo?: string };

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
 * Checks the audit log before remlite appends to it. Lines cut short by a crash are tolerated
 * (reported as torn); any other unreadable line means the file is not our log as we wrote it: it is
 * moved aside as `<file>.corrupt-<time>` (never rewritten), and the next append starts a new log.
 */
export function checkAuditLog(file: string, now: Date = new Date()): AuditCheck {
  const { entries, badLines } = new AuditLog(file).readAll();
  if (badLines.length === 0) return { ok: true, missing: entries.length === 0, entries: entries.length, tornLines: [] };
  const lines = readFileSync(file, 'utf8').split('\n');
  const corrupt = badLines.filter((n) => !isTornEntry(lines[n - 1] ?? ''));
  if (corrupt.length === 0) return { ok: true, missing: false, entries: entries.length, tornLines: badLines };
  const shown = corrupt.slice(0, 5).join(', ') + (corrupt.length > 5 ? ', …' : '');
  const reason = `${corrupt.length} unreadable line${corrupt.length === 1 ? '' : 's'} (line ${shown})`;
  const aside = `${file}.corrupt-${timeStamp(now)}`;
  try {
    renameSync(file, aside);
    return { ok: false, reason, badLines: corrupt, movedTo: aside };
  } catch {
    return { ok: false, reason, badLines: corrupt };
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
