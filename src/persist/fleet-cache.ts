import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Machine, PollResult } from '../model/index.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic.js';
import { FileTooLarge, readNoFollow, StatePathRefused } from './no-follow.js';

export const FLEET_CACHE_FILE = 'fleet-cache.json';
/**
 * A cache larger than this is not read (parsing one costs about three times its size in memory):
 * far above what thousands of hosts write (polls are kept without raw output).
 */
export const FLEET_CACHE_MAX_BYTES = 32 * 1024 * 1024;
const VERSION = 1;

/** The last-known fleet: what the grid draws at start, before the first fresh poll lands. */
export interface FleetCache {
  version: number;
  savedAt: number;
  machines: Machine[];
  /** The latest poll of each machine, without raw output. */
  polls: PollResult[];
}

export type FleetCacheLoad =
  | { ok: true; cache: FleetCache }
  | { ok: false; missing: true }
  | { ok: false; missing: false; reason: string; movedTo?: string };

export function fleetCachePath(stateDir: string): string {
  return path.join(stateDir, FLEET_CACHE_FILE);
}

/** Builds the cache content: machines and their latest polls, with raw probe output dropped. */
export function buildFleetCache(machines: Machine[], polls: PollResult[], savedAt = Date.now()): FleetCache {
  const ids = new Set(machines.map((m) => m.id));
  return {
    version: VERSION,
    savedAt,
    machines,
    polls: polls.filter((p) => ids.has(p.machineId)).map(({ raw: _raw, ...rest }) => rest),
  };
}

function checkShape(value: unknown): FleetCache {
  const v = value as Partial<FleetCache> | null;
  if (!v || typeof v !== 'object') throw new Error('not an object');
  if (v.version !== VERSION) throw new Error(`unknown version ${String(v.version)}`);
  if (typeof v.savedAt !== 'number') throw new Error('savedAt is not a number');
  if (!Array.isArray(v.machines) || !Array.isArray(v.polls)) throw new Error('machines or polls is not a list');
  for (const m of v.machines) {
    if (!m || typeof m !== 'object' || typeof m.id !== 'string' || typeof m.name !== 'string') throw new Error('a machine has no id or name');
  }
  for (const p of v.polls) {
    if (!p || typeof p !== 'object' || typeof p.machineId !== 'string' || typeof p.at !== 'number' || typeof p.reach !== 'string')
      throw new Error('a poll has no machineId, at or reach');
  }
  return v as FleetCache;
}

/**
 * Reads the cache. A file that cannot be read as a cache is moved aside
 * (`fleet-cache.json.corrupt-<time>`) and ignored: it is only a cache, the next save replaces it.
 * A symbolic link is never followed and a file over `maxBytes` never read: both are ignored, left
 * in place (the next save replaces the path itself, never what a link points to).
 */
export function loadFleetCache(file: string, now = Date.now(), maxBytes = FLEET_CACHE_MAX_BYTES): FleetCacheLoad {
  let text: string;
  try {
    text = readNoFollow(file, maxBytes).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
    if (err instanceof StatePathRefused) return { ok: false, missing: false, reason: `${file} is a symbolic link, not followed` };
    if (err instanceof FileTooLarge) return { ok: false, missing: false, reason: `${file} is ${err.size} bytes, over the ${maxBytes}-byte cap: not read` };
    return { ok: false, missing: false, reason: (err as Error).message };
  }
  try {
    return { ok: true, cache: checkShape(JSON.parse(text)) };
  } catch (err) {
    const reason = (err as Error).message;
    const aside = `${file}.corrupt-${now}`;
    try {
      renameSync(file, aside);
      return { ok: false, missing: false, reason, movedTo: aside };
    } catch {
      return { ok: false, missing: false, reason };
    }
  }
}

export async function saveFleetCache(file: string, cache: FleetCache): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, JSON.stringify(cache));
}

export function saveFleetCacheSync(file: string, cache: FleetCache): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomicSync(file, JSON.stringify(cache));
}

export interface FleetCacheWriterOptions {
  file: string;
  /** What to save right now. */
  snapshot: () => FleetCache;
  /** At most one write per this many ms while polls land. */
  everyMs: number;
  onError?: (err: Error) => void;
}

/**
 * Saves the cache at most once per `everyMs` after something changed (markDirty), and once more,
 * synchronously, on close. Writes never overlap.
 */
export class FleetCacheWriter {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly opts: FleetCacheWriterOptions) {}

  markDirty(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.everyMs);
    this.timer.unref();
  }

  /** Writes now if anything changed since the last write. */
  async flush(): Promise<void> {
    if (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    this.writing = saveFleetCache(this.opts.file, this.opts.snapshot())
      .catch((err: Error) => this.opts.onError?.(err))
      .finally(() => {
        this.writing = undefined;
        if (this.dirty && !this.closed) {
          this.dirty = false;
          this.markDirty();
        }
      });
    await this.writing;
  }

  /** Stops the timer and writes what is left, synchronously (safe on exit paths). */
  closeSync(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    try {
      saveFleetCacheSync(this.opts.file, this.opts.snapshot());
    } catch (err) {
      this.opts.onError?.(err as Error);
    }
  }
}
