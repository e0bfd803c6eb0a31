import { constants, existsSync, renameSync, unlinkSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../model/index.js';
import { LINK_REFUSED, refuseLink, StatePathRefused } from './no-follow.js';
import type { AuditRotation } from './audit-log.js';

const APPEND_NO_FOLLOW = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** Opens the log for appending (created 0600), never through a symbolic link. */
export async function openForAppend(file: string): Promise<FileHandle> {
  try {
    return await open(file, APPEND_NO_FOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new StatePathRefused(file, LINK_REFUSED);
    throw err;
  }
}

export interface Rotated {
  previousBytes: number;
  movedTo: string;
  /** The oldest rotated file, deleted to keep `keep` of them. */
  dropped?: string;
}

/**
 * Rotates the log when appending `incoming` bytes would take it over `maxBytes`: `<file>.<keep>` is
 * deleted, `<file>.<n>` becomes `<file>.<n+1>`, the log becomes `<file>.1`. Renames only: nothing
 * is read or copied, so rotating a huge log costs nothing. A link is refused, never followed.
 */
export async function rotateIfFull(file: string, rotation: AuditRotation, incoming: number): Promise<Rotated | undefined> {
  const st = refuseLink(file);
  if (!st || st.size === 0 || st.size + incoming <= rotation.maxBytes) return undefined;
  const nth = (n: number) => `${file}.${n}`;
  let dropped: string | undefined;
  if (existsSync(nth(rotation.keep))) {
    unlinkSync(nth(rotation.keep));
    dropped = nth(rotation.keep);
  }
  for (let n = rotation.keep - 1; n >= 1; n--) if (existsSync(nth(n))) renameSync(nth(n), nth(n + 1));
  renameSync(file, nth(1));
  return { previousBytes: st.size, movedTo: nth(1), ...(dropped ? { dropped } : {}) };
}

/** The new log's first entry: the rotation is itself audited. */
export function rotationNote(by: AuditEntry, rotated: Rotated, rotation: AuditRotation): AuditEntry {
  const dropped = rotated.dropped ? `; deleted the oldest, ${rotated.dropped}` : '';
  return {
    id: randomUUID(),
    phase: 'note',
    at: new Date().toISOString(),
    who: by.who,
    machineId: '',
    host: '',
    action: 'audit.rotated',
    command: '',
    note: `previous log (${rotated.previousBytes} bytes, limit ${rotation.maxBytes}) moved to ${rotated.movedTo}; ${rotation.keep} rotated files are kept${dropped}`,
  };
}
