import { readFileSync, constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { AuditEntry } from '../model/index.js';

const PHASES = new Set(['started', 'finished', 'refused', 'note']);

function isAuditEntry(v: unknown): v is AuditEntry {
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

/**
 * The append-only audit log: one JSON object per line, mode 0600. Appends are queued so lines
 * never interleave within this process, and each is fsynced before its promise resolves.
 */
export class AuditLog {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  append(entry: AuditEntry): Promise<void> {
    const line = JSON.stringify(entry) + '\n';
    const run = this.queue.then(() => this.write(line));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every append queued so far is on disk (or failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  private async write(line: string): Promise<void> {
    await mkdir(path.dirname(this.path), { recursive: true, mode: 0o700 });
    const fh = await open(this.path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      // A crash may have left a last line without its newline: end it so this entry stays whole.
      const { size } = await fh.stat();
      let text = line;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) text = '\n' + line;
      }
      await fh.write(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** Every readable entry; `badLines` are 1-based numbers of lines that are not entries (e.g. cut short by a crash). */
  readAll(): { entries: AuditEntry[]; badLines: number[] } {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
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
