import path from 'node:path';
import { FLEET_EVENT_KINDS, type FleetEvent } from '../model/index.js';
import { ensurePrivateDir, readNoFollow } from './no-follow.js';
import { openForAppend, rotateIfFull } from './audit-rotate.js';
import type { AuditRotation } from './audit-log.js';
import { SerialQueue } from '../util/serial-queue.js';

/** The events log is a timeline, not evidence: a few MB of it is days of a busy fleet's changes. */
export const DEFAULT_EVENTS_ROTATION: Readonly<AuditRotation> = Object.freeze({ maxBytes: 4 * 1024 * 1024, keep: 2 });

export const EVENTS_FILE = 'events.log';

const KINDS = new Set<string>(FLEET_EVENT_KINDS);

export function isFleetEvent(v: unknown): v is FleetEvent {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return typeof e['at'] === 'string' && !Number.isNaN(Date.parse(e['at'])) && typeof e['kind'] === 'string' && KINDS.has(e['kind']) && typeof e['summary'] === 'string';
}

/**
 * The console's timeline (`<state dir>/events.log`): one JSON object per line, mode 0600, appended
 * in batches, never through a symbolic link. Bounded: before a batch would take it over
 * `rotation.maxBytes` it is renamed `events.log.1` (older ones shift up, `keep` are kept).
 * Unlike the audit log it is not fsynced: losing the last events to a crash loses no evidence.
 */
export class EventsLog {
  private readonly queue = new SerialQueue();

  constructor(
    readonly path: string,
    readonly rotation: AuditRotation = DEFAULT_EVENTS_ROTATION,
  ) {}

  append(events: readonly FleetEvent[]): Promise<void> {
    if (events.length === 0) return this.queue.idle();
    const text = events.map((e) => JSON.stringify(e) + '\n').join('');
    return this.queue.run(() => this.write(text));
  }

  /** Resolves once every batch queued so far is written (or failed). */
  flush(): Promise<void> {
    return this.queue.idle();
  }

  private async write(text: string): Promise<void> {
    ensurePrivateDir(path.dirname(this.path));
    await rotateIfFull(this.path, this.rotation, Buffer.byteLength(text));
    const fh = await openForAppend(this.path);
    try {
      // A last line cut short by a crash is ended first, so this batch's first event stays whole.
      const { size } = await fh.stat();
      const last = Buffer.alloc(1);
      const cut = size > 0 && (await fh.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a;
      await fh.write(cut ? '\n' + text : text);
    } finally {
      await fh.close();
    }
  }

  /**
   * Every readable event, oldest first, the rotated files before the current one; `badLines` name
   * the lines that are not events (cut short by a crash, edited) as `file:line`.
   */
  readAll(): { events: FleetEvent[]; badLines: string[] } {
    const events: FleetEvent[] = [];
    const badLines: string[] = [];
    const files = [...Array.from({ length: this.rotation.keep }, (_, i) => `${this.path}.${this.rotation.keep - i}`), this.path];
    for (const file of files) {
      let text: string;
      try {
        text = readNoFollow(file).toString('utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      text.split('\n').forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          const value: unknown = JSON.parse(line);
          if (isFleetEvent(value)) events.push(value);
          else badLines.push(`${file}:${i + 1}`);
        } catch {
          badLines.push(`${file}:${i + 1}`);
        }
      });
    }
    return { events, badLines };
  }
}
