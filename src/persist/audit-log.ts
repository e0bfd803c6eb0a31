import path from 'node:path';
import type { AuditEntry } from '../model/index.js';
import { ensurePrivateDir, readNoFollow, StatePathRefused } from './no-follow.js';
import { openForAppend, rotateIfFull, rotationNote } from './audit-rotate.js';
import { SerialQueue } from '../util/serial-queue.js';

const PHASES = new Set(['started', 'finished', 'refused', 'note']);

export function isAuditEntry(v: unknown): v is AuditEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e['id'] === 'string' &&
    typeof e['phase'] === 'string' &&
    PHASES.has(e['phase']) &&
    typeof e['at'] === 'string' &&
    typeof e['machineId'] === 'string' &&
    typeof e['action'] === 'string' &&
    typeof e['command'] === 'string'
  );
}

/** When the log is rotated: over `maxBytes` it becomes `<file>.1` (older ones shift up), `keep` rotated files are kept. */
export interface AuditRotation {
  maxBytes: number;
  keep: number;
}

export const DEFAULT_AUDIT_ROTATION: Readonly<AuditRotation> = Object.freeze({ maxBytes: 50 * 1024 * 1024, keep: 5 });

/** An entry that could not be made durable: nothing it stands for may happen (or be reported as audited). */
export class AuditWriteError extends Error {
  readonly code: string | undefined;

  constructor(file: string, cause: unknown, written: number, wanted: number) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'no space left on the device (ENOSPC)' : code ? `${code}: ${(cause as Error).message}` : (cause as Error).message;
    super(`audit log ${file} could not be written (${written} of ${wanted} bytes): ${why}`);
    this.code = code;
  }
}

/**
 * The append-only audit log: one JSON object per line, mode 0600, never through a symbolic link.
 * Appends are queued so lines never interleave within this process; each is written whole and
 * fsynced before its promise resolves, or rejects with AuditWriteError (a short write is taken back).
 * Over `rotation.maxBytes` the log is rotated first, and the new log's first entry says so.
 */
export class AuditLog {
  private readonly queue = new SerialQueue();

  constructor(
    readonly path: string,
    readonly rotation: AuditRotation = DEFAULT_AUDIT_ROTATION,
  ) {}

  append(entry: AuditEntry): Promise<void> {
    return this.queue.run(() => this.write(entry));
  }

  /** Resolves once every append queued so far is on disk (or failed). */
  flush(): Promise<void> {
    return this.queue.idle();
  }

  private async write(entry: AuditEntry): Promise<void> {
    ensurePrivateDir(path.dirname(this.path));
    const line = JSON.stringify(entry) + '\n';
    const rotated = await rotateIfFull(this.path, this.rotation, Buffer.byteLength(line));
    if (rotated) await this.writeLine(JSON.stringify(rotationNote(entry, rotated, this.rotation)) + '\n');
    await this.writeLine(line);
  }

  private async writeLine(line: string): Promise<void> {
    let fh;
    try {
      fh = await openForAppend(this.path);
    } catch (err) {
      if (err instanceof StatePathRefused) throw err;
      throw new AuditWriteError(this.path, err, 0, Buffer.byteLength(line));
    }
    try {
      // A crash may have left a last line without its newline: end it so this entry stays whole.
      const { size } = await fh.stat();
      let text = line;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) text = '\n' + line;
      }
      const buf = Buffer.from(text);
      let written = 0;
      try {
        while (written < buf.length) {
          const { bytesWritten } = await fh.write(buf, written, buf.length - written);
          if (bytesWritten <= 0) throw Object.assign(new Error('the write made no progress'), { code: 'EIO' });
          written += bytesWritten;
        }
        await fh.sync();
      } catch (err) {
        // Take back a partial line (a full disk), unless another process appended after it meanwhile.
        if ((await fh.stat().catch(() => undefined))?.size === size + written) await fh.truncate(size).catch(() => undefined);
        throw new AuditWriteError(this.path, err, written, buf.length);
      }
    } finally {
      await fh.close();
    }
  }

  /** Every readable entry; `badLines` are 1-based numbers of lines that are not entries (e.g. cut short by a crash). */
  readAll(): { entries: AuditEntry[]; badLines: number[] } {
    let text: string;
    try {
      text = readNoFollow(this.path).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], badLines: [] };
      throw err;
    }
    const entries: AuditEntry[] = [];
    const badLines: number[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const value: unknown = JSON.parse(line);
        if (isAuditEntry(value)) entries.push(value);
        else badLines.push(i + 1);
      } catch {
        badLines.push(i + 1);
      }
    });
    return { entries, badLines };
  }
}
