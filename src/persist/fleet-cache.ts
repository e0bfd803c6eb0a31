import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SEVERITY_RANK, type Finding, type Machine, type PollResult } from '../model/index.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic.js';
import { FileTooLarge, NoFollowFile, StatePathRefused } from './no-follow.js';

export const FLEET_CACHE_FILE = 'fleet-cache.json';
/**
 * A cache larger than this is not read (parsing one costs about three times its size in memory):
 * far above what thousands of hosts write (polls are kept without raw output).
 */
export const FLEET_CACHE_MAX_BYTES = 32 * 1024 * 1024;
const VERSION = 1;
/**
 * The version of the screen's line (what the first frame draws) in front of the cache: 1 held every
 * row; 2 holds the first rows and the fleet's counts (src/store/screen-rows.ts).
 */
const SCREEN_VERSION = 2;

/** The last-known fleet: what the grid draws at start, before the first fresh poll lands. */
export interface FleetCache {
  version: number;
  savedAt: number;
  machines: Machine[];
  /** The latest poll of each machine, without raw output. */
  polls: PollResult[];
  /**
   * What the console showed for each machine when it saved: the first frame draws these instead of
   * running the detectors again (which cannot see the baselines, history and fleet they came from).
   * Absent in caches of earlier versions: the findings are then recomputed from the polls.
   */
  findings?: Record<string, CachedFindings>;
}

export interface CachedFindings {
  /** From the machine's own poll. */
  own: Finding[];
  /** From other machines' polls (a file server named by its clients' mounts). */
  derived?: Finding[];
}

export type FleetCacheLoad =
  | { ok: true; cache: FleetCache }
  | { ok: false; missing: true }
  | { ok: false; missing: false; reason: string; movedTo?: string };

export function fleetCachePath(stateDir: string): string {
  return join(stateDir, FLEET_CACHE_FILE);
}

/** Builds the cache content: machines, their latest polls (raw probe output dropped) and what was shown for them. */
export function buildFleetCache(machines: Machine[], polls: PollResult[], opts: { savedAt?: number; findings?: Record<string, CachedFindings> } = {}): FleetCache {
  const ids = new Set(machines.map((m) => m.id));
  const cache: FleetCache = {
    version: VERSION,
    savedAt: opts.savedAt ?? Date.now(),
    machines,
    polls: polls.filter((p) => ids.has(p.machineId)).map(({ raw: _raw, ...rest }) => rest),
  };
  if (opts.findings) {
    const polled = new Set(cache.polls.map((p) => p.machineId));
    cache.findings = Object.fromEntries(Object.entries(opts.findings).filter(([id]) => polled.has(id)));
  }
  return cache;
}

const isStringList = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');

function checkFinding(f: unknown, machineId: string): void {
  const v = f as Partial<Finding> | null;
  if (!v || typeof v !== 'object' || v.machineId !== machineId) throw new Error(`a finding of ${machineId} names another machine`);
  if (typeof v.class !== 'string' || typeof v.summary !== 'string' || !Object.hasOwn(SEVERITY_RANK, v.severity ?? ''))
    throw new Error(`a finding of ${machineId} has no class, summary or severity`);
  if (!isStringList(v.evidence) || (v.subject !== undefined && typeof v.subject !== 'string')) throw new Error(`a finding of ${machineId} has bad evidence or subject`);
  const repairs = v.repairs as unknown;
  const goodRepair = (r: { action?: unknown; label?: unknown; params?: unknown } | null) =>
    !!r && typeof r.action === 'string' && typeof r.label === 'string' && !!r.params && typeof r.params === 'object' && isStringList(Object.values(r.params));
  if (!Array.isArray(repairs) || !repairs.every(goodRepair)) throw new Error(`a finding of ${machineId} has a bad repair`);
}

function checkFindings(findings: unknown): void {
  if (findings === undefined) return;
  if (!findings || typeof findings !== 'object' || Array.isArray(findings)) throw new Error('findings is not a map');
  for (const [id, entry] of Object.entries(findings)) {
    const e = entry as Partial<CachedFindings> | null;
    if (!e || !Array.isArray(e.own) || (e.derived !== undefined && !Array.isArray(e.derived))) throw new Error(`the findings of ${id} are not lists`);
    for (const f of [...e.own, ...(e.derived ?? [])]) checkFinding(f, id);
  }
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
  checkFindings(v.findings);
  return v as FleetCache;
}

type CacheUnread = Extract<FleetCacheLoad, { ok: false }>;

/** The cache file opened, or why it cannot be (missing, a link, over the cap, unreadable). */
function openCache(file: string, maxBytes: number): { ok: true; file: NoFollowFile } | CacheUnread {
  try {
    return { ok: true, file: new NoFollowFile(file, maxBytes) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
    if (err instanceof StatePathRefused) return { ok: false, missing: false, reason: `${file} is a symbolic link, not followed` };
    if (err instanceof FileTooLarge) return { ok: false, missing: false, reason: `${file} is ${err.size} bytes, over the ${maxBytes}-byte cap: not read` };
    return { ok: false, missing: false, reason: (err as Error).message };
  }
}

const NEWLINE = 0x0a;

/** The cache itself, from its JSON text; a file that is not one is moved aside. */
function parseCacheBody(file: string, body: Buffer, now: number): FleetCacheLoad {
  try {
    return { ok: true, cache: checkShape(JSON.parse(body.toString('utf8'))) };
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

/**
 * Reads the cache. A file that cannot be read as a cache is moved aside
 * (`fleet-cache.json.corrupt-<time>`) and ignored: it is only a cache, the next save replaces it.
 * A symbolic link is never followed and a file over `maxBytes` never read: both are ignored, left
 * in place (the next save replaces the path itself, never what a link points to).
 */
export function loadFleetCache(file: string, now = Date.now(), maxBytes = FLEET_CACHE_MAX_BYTES): FleetCacheLoad {
  return readFleetCache(file, now, maxBytes).load();
}

/** The cache file read for the first frame: the screen's line at once, the cache itself only when asked. */
export interface FleetCacheRead {
  /** What the console left for the next first frame when it closed (unchecked JSON), when the file starts with it. */
  screen(): object | undefined;
  /** The cache, read and parsed on the first call (the same answer afterwards), as loadFleetCache says. */
  load(): FleetCacheLoad;
}

/**
 * Reads the cache file's first line only (the screen's line) now, and the cache itself from the same
 * open file when asked: at 200 hosts the cache is about 500 KB of JSON, and reading and parsing it
 * cost more than the rest of the first frame.
 */
export function readFleetCache(file: string, now = Date.now(), maxBytes = FLEET_CACHE_MAX_BYTES): FleetCacheRead {
  const opened = openCache(file, maxBytes);
  if (!opened.ok) return { screen: () => undefined, load: () => opened };
  const f = opened.file;
  const unread = (err: unknown): FleetCacheLoad => ({ ok: false, missing: false, reason: (err as Error).message });
  let head: Buffer | undefined;
  try {
    head = screenLine(f);
  } catch (err) {
    f.close();
    const failed = unread(err);
    return { screen: () => undefined, load: () => failed };
  }
  let loaded: FleetCacheLoad | undefined;
  return {
    screen: () => head && screenValue(head.subarray(0, -1)),
    load: () => {
      if (loaded) return loaded;
      try {
        // Without the screen's line the file is the cache alone (of an earlier version): all of it.
        loaded = parseCacheBody(file, f.read(head?.length ?? 0), now);
      } catch (err) {
        loaded = unread(err);
      } finally {
        f.close();
      }
      return loaded;
    },
  };
}

/** How the screen's line starts (fleetCacheText writes its key first): any other file is the cache alone. */
const SCREEN_START = Buffer.from('{"screen":');

/**
 * The screen's line with its line break, read in growing parts; none when the file does not start
 * with one (or it never ends).
 */
function screenLine(f: NoFollowFile): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  let part = 64 * 1024;
  while (at < f.size) {
    const bytes = f.read(at, Math.min(f.size, at + part));
    if (bytes.length === 0) break;
    if (at === 0 && !bytes.subarray(0, SCREEN_START.length).equals(SCREEN_START)) return undefined;
    const eol = bytes.indexOf(NEWLINE);
    if (eol >= 0) {
      parts.push(bytes.subarray(0, eol + 1));
      return parts.length === 1 ? parts[0] : Buffer.concat(parts);
    }
    parts.push(bytes);
    at += bytes.length;
    part *= 2;
  }
  return undefined;
}

function screenValue(line: Buffer): object | undefined {
  try {
    const head = JSON.parse(line.toString('utf8')) as { screen?: unknown } | null;
    return head && typeof head === 'object' && head.screen === SCREEN_VERSION ? head : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file's text: the cache as one JSON line, after a line holding what the next first frame draws
 * (`screen`) when given. JSON.stringify writes no raw line break, so the first one ends that line.
 */
export function fleetCacheText(cache: FleetCache, screen?: object): string {
  const body = JSON.stringify(cache);
  return screen ? `${JSON.stringify({ screen: SCREEN_VERSION, ...screen })}\n${body}` : body;
}

export async function saveFleetCache(file: string, cache: FleetCache, screen?: object): Promise<void> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, fleetCacheText(cache, screen));
}

export function saveFleetCacheSync(file: string, cache: FleetCache, screen?: object): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomicSync(file, fleetCacheText(cache, screen));
}

export interface FleetCacheWriterOptions {
  file: string;
  /** What to save right now. */
  snapshot: () => FleetCache;
  /** At most one write per this many ms while polls land. */
  everyMs: number;
  /**
   * What the next start's first frame draws of this cache once restored (its rows and counts): worked
   * out on close only (at 10,000 hosts it costs a restore of the whole fleet; not worth it every save).
   */
  screenOnClose?: (cache: FleetCache) => object | undefined;
  onError?: (err: Error) => void;
}

/**
 * Saves the cache at most once per `everyMs` after something changed (markDirty), and once more,
 * synchronously, on close (always, when it has the screen's line to add). Writes never overlap, and
 * a write still in flight at close cannot land over the close's: the close's is made again after it.
 */
export class FleetCacheWriter {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;
  /** The close's write, made again if an earlier write finishes after it. */
  private closeWrite: (() => void) | undefined;

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
        const again = this.closeWrite;
        this.closeWrite = undefined;
        again?.();
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
    if (!this.dirty && !this.opts.screenOnClose) return;
    this.dirty = false;
    const write = (cache: FleetCache, screen: object | undefined) => {
      try {
        saveFleetCacheSync(this.opts.file, cache, screen);
      } catch (err) {
        this.opts.onError?.(err as Error);
      }
    };
    let cache: FleetCache;
    let screen: object | undefined;
    try {
      cache = this.opts.snapshot();
      screen = this.opts.screenOnClose?.(cache);
    } catch (err) {
      this.opts.onError?.(err as Error);
      return;
    }
    write(cache, screen);
    if (this.writing) this.closeWrite = () => write(cache, screen);
  }
}
