import { createHash } from 'node:crypto';
import { senderOfPath } from '../util/log-senders.js';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { BaselineDatabase, BaselineFile, HostBaseline } from '../model/index.js';
import { writeFileAtomic } from '../persist/atomic.js';
import { readNoFollow, refuseLink } from '../persist/no-follow.js';

export interface DumpInfo {
  /** File name inside the host's dumps directory: "<database>-<timestamp>.sql". */
  name: string;
  database: string;
  bytes: number;
  sha256: string;
  /** ISO time the dump was stored. */
  at: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** MySQL/MariaDB names remlite accepts: no quoting games in file names or commands. */
export const SAFE_DATABASE = /^[A-Za-z0-9_]{1,64}$/;
const DUMPS_KEPT = 2;

export function sha256Of(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * A machine id as one safe file name, reversibly: letters, digits, "_" and "-" stay, every other
 * byte (and a leading ".") becomes %HH, so "../x" or "a/b" can never leave the baselines directory.
 */
export function safeFileName(machineId: string): string {
  if (machineId === '') throw new Error('empty machine id');
  let out = '';
  for (const byte of Buffer.from(machineId, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) || (c === '.' && out !== '') ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const optString = (v: unknown) => v === undefined || typeof v === 'string';

function isBaselineFile(v: unknown): v is BaselineFile {
  if (!isRecord(v)) return false;
  return (
    (v['kind'] === 'config' || v['kind'] === 'log' || v['kind'] === 'data') &&
    optString(v['sha256']) &&
    optString(v['mode']) &&
    optString(v['owner']) &&
    optString(v['group']) &&
    optString(v['copy']) &&
    (v['size'] === undefined || typeof v['size'] === 'number')
  );
}

function isBaselineDatabase(v: unknown): v is BaselineDatabase {
  if (!isRecord(v)) return false;
  return Array.isArray(v['tables']) && v['tables'].every((t) => typeof t === 'string') && optString(v['dump']) && optString(v['dumpedAt']) && optString(v['dumpSha256']);
}

const LEARNED_UNIT_NAME = /^[A-Za-z0-9:_.@\\][A-Za-z0-9:_.@\\-]{0,200}\.service$/;

/** The learned part: unit names and socket addresses reach the probe script (quoted), so their shape is checked again. */
function learnedProblem(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (!isRecord(v)) return '"learned" is not an object';
  if (!Array.isArray(v['units']) || !v['units'].every((u) => typeof u === 'string' && LEARNED_UNIT_NAME.test(u))) return '"learned.units" is not a list of unit names';
  const socketOk = (k: unknown): boolean =>
    isRecord(k) &&
    typeof k['unit'] === 'string' &&
    LEARNED_UNIT_NAME.test(k['unit']) &&
    typeof k['address'] === 'string' &&
    /^[0-9A-Fa-f.:]{2,45}$/.test(k['address']) &&
    Number.isInteger(k['port']) &&
    (k['port'] as number) > 0 &&
    (k['port'] as number) < 65536 &&
    (k['protocol'] === 'http' || k['protocol'] === 'tcp');
  if (!Array.isArray(v['sockets']) || !v['sockets'].every(socketOk)) return '"learned.sockets" is not a list of sockets';
  const logOk = (l: unknown): boolean =>
    isRecord(l) && typeof l['unit'] === 'string' && LEARNED_UNIT_NAME.test(l['unit']) && typeof l['path'] === 'string' && l['path'].startsWith('/var/log/') && !/[\x00-\x1f\x7f]|(^|\/)\.\.(\/|$)/.test(l['path']);
  if (v['logs'] !== undefined && (!Array.isArray(v['logs']) || !v['logs'].every(logOk))) return '"learned.logs" is not a list of log files';
  if (v['databases'] !== undefined && (!Array.isArray(v['databases']) || !v['databases'].every((d) => typeof d === 'string' && SAFE_DATABASE.test(d)))) return '"learned.databases" is not a list of database names';
  if (v['logSenders'] !== undefined && (!Array.isArray(v['logSenders']) || !v['logSenders'].every((s) => typeof s === 'string' && senderOfPath(`/d/${s}.log`) === s))) return '"learned.logSenders" is not a list of sender names';
  return undefined;
}

/** Shape check of a parsed baseline.json; a reason when it is not a HostBaseline. */
export function baselineProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'not a JSON object';
  for (const k of ['machineId', 'acceptedAt', 'acceptedBy']) if (typeof v[k] !== 'string') return `"${k}" is missing or not a string`;
  if (!isRecord(v['files']) || !Object.values(v['files']).every(isBaselineFile)) return '"files" is not a map of baseline files';
  if (!Array.isArray(v['modules']) || !v['modules'].every((m) => typeof m === 'string')) return '"modules" is not a list of names';
  if (!isRecord(v['databases']) || !Object.values(v['databases']).every(isBaselineDatabase)) return '"databases" is not a map of databases';
  return learnedProblem(v['learned']);
}

function stamp(d: Date): string {
  return d.toISOString().replace(/:/g, '-').replace('.', '-');
}

/**
 * Known-good state per host, as plain files: `<stateDir>/baselines/<machine>/baseline.json`, copies
 * named by their sha256 under `files/`, database dumps under `dumps/`. Writes are atomic; dirs 0700, files 0600.
 */
export class BaselineStore {
  readonly root: string;

  constructor(stateDir: string) {
    this.root = path.join(stateDir, 'baselines');
  }

  hostDir(machineId: string): string {
    return path.join(this.root, safeFileName(machineId));
  }

  private ensureDir(dir: string): string {
    refuseLink(dir); // a link planted here would send baselines (and chmod) elsewhere
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    return dir;
  }

  /** Refuses (StatePathRefused) a symbolic link at any directory between the state dir and `dir`. */
  private noLinksDown(dir: string): string {
    this.presentWithoutLinks(dir);
    return dir;
  }

  /**
   * Whether `dir` exists, refusing (StatePathRefused) a symbolic link at any directory from the
   * baselines dir down to it. Stops at the first one absent: nothing below it exists to be a link.
   */
  private presentWithoutLinks(dir: string): boolean {
    const rel = path.relative(this.root, dir).split(path.sep).filter(Boolean);
    let at = this.root;
    if (!refuseLink(at)) return false;
    for (const part of rel) if (!refuseLink((at = path.join(at, part)))) return false;
    return true;
  }

  private filesDir(machineId: string, create: boolean): string {
    const dir = path.join(this.hostDir(machineId), 'files');
    if (!create) return this.noLinksDown(dir);
    this.ensureDir(this.root);
    this.ensureDir(this.hostDir(machineId));
    this.ensureDir(dir);
    return dir;
  }

  private dumpsDir(machineId: string, create: boolean): string {
    const dir = path.join(this.hostDir(machineId), 'dumps');
    if (!create) return this.noLinksDown(dir);
    this.ensureDir(this.root);
    this.ensureDir(this.hostDir(machineId));
    this.ensureDir(dir);
    return dir;
  }

  /** The host's baseline; a corrupt file is moved aside (never overwritten silently) and reported. */
  load(machineId: string): { baseline?: HostBaseline; warning?: string } {
    const file = path.join(this.hostDir(machineId), 'baseline.json');
    let text: string;
    try {
      // Most hosts have no baseline: no directory, no open of a file that is not there.
      if (!this.presentWithoutLinks(this.hostDir(machineId))) return {};
      text = readNoFollow(file).toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      return { warning: `baseline of ${machineId} is unreadable (${(err as Error).message})` };
    }
    let problem: string | undefined;
    try {
      const value: unknown = JSON.parse(text);
      problem = baselineProblem(value);
      if (!problem && (value as HostBaseline).machineId !== machineId) problem = `it belongs to "${(value as HostBaseline).machineId}"`;
      if (!problem) return { baseline: value as HostBaseline };
    } catch (err) {
      problem = `invalid JSON: ${(err as Error).message}`;
    }
    const aside = `${file}.corrupt-${stamp(new Date())}`;
    try {
      renameSync(file, aside);
    } catch (err) {
      return { warning: `baseline of ${machineId} is corrupt (${problem}) and could not be moved aside: ${(err as Error).message}` };
    }
    return { warning: `baseline of ${machineId} was corrupt (${problem}); moved to ${aside}, accept the host again` };
  }

  async save(baseline: HostBaseline): Promise<void> {
    this.filesDir(baseline.machineId, true);
    await writeFileAtomic(path.join(this.hostDir(baseline.machineId), 'baseline.json'), JSON.stringify(baseline, null, 2) + '\n');
  }

  /** Stores a known-good copy under its own sha256 (content-addressed) and returns that name. */
  async putCopy(machineId: string, content: Buffer): Promise<string> {
    const sha = sha256Of(content);
    const file = path.join(this.filesDir(machineId, true), sha);
    if (!existsSync(file) || this.checksumOf(file) !== sha) await writeFileAtomic(file, content);
    return sha;
  }

  private checksumOf(file: string): string | undefined {
    try {
      return sha256Of(readNoFollow(file));
    } catch {
      return undefined;
    }
  }

  /** A stored copy, verified against its name: a missing or tampered copy throws. */
  readCopy(machineId: string, sha256: string): Buffer {
    if (!SHA256.test(sha256)) throw new Error(`"${sha256}" is not a sha256 copy name`);
    const file = path.join(this.filesDir(machineId, false), sha256);
    let content: Buffer;
    try {
      content = readNoFollow(file);
    } catch (err) {
      throw new Error(`no stored copy ${sha256.slice(0, 12)}… for ${machineId}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const actual = sha256Of(content);
    if (actual !== sha256) throw new Error(`stored copy ${file} fails its checksum (sha256 ${actual.slice(0, 12)}…): refusing to send it`);
    return content;
  }

  hasCopy(machineId: string, sha256: string): boolean {
    return SHA256.test(sha256) && existsSync(path.join(this.filesDir(machineId, false), sha256));
  }

  /** Removes copies no longer named by the baseline (after a new accept). */
  pruneCopies(baseline: HostBaseline): number {
    const keep = new Set(Object.values(baseline.files).flatMap((f) => (f.copy ? [f.copy] : [])));
    const dir = this.filesDir(baseline.machineId, false);
    let removed = 0;
    for (const name of this.list(dir)) {
      if (keep.has(name) || !SHA256.test(name)) continue;
      unlinkSync(path.join(dir, name));
      removed++;
    }
    return removed;
  }

  private list(dir: string): string[] {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  }

  /** Stores a database dump; keeps the newest two of that database. Returns the dump's name. */
  async putDump(machineId: string, database: string, content: Buffer | string, at = new Date()): Promise<string> {
    if (!SAFE_DATABASE.test(database)) throw new Error(`"${database}" is not a database name remlite stores`);
    const dir = this.dumpsDir(machineId, true);
    // Names sort by time; two dumps in the same millisecond get the next one.
    let ms = at.getTime();
    while (existsSync(path.join(dir, `${database}-${stamp(new Date(ms))}.sql`))) ms++;
    const name = `${database}-${stamp(new Date(ms))}.sql`;
    await writeFileAtomic(path.join(dir, name), content);
    const all = this.dumpNames(machineId, database);
    for (const old of all.slice(0, Math.max(0, all.length - DUMPS_KEPT))) unlinkSync(path.join(dir, old));
    return name;
  }

  /** Dump file names of one database, oldest first (the timestamp sorts). */
  private dumpNames(machineId: string, database: string): string[] {
    const re = new RegExp(`^${database}-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z\\.sql$`);
    return this.list(this.dumpsDir(machineId, false))
      .filter((n) => re.test(n))
      .sort();
  }

  newestDump(machineId: string, database: string): DumpInfo | undefined {
    if (!SAFE_DATABASE.test(database)) return undefined;
    const name = this.dumpNames(machineId, database).at(-1);
    if (!name) return undefined;
    const file = path.join(this.dumpsDir(machineId, false), name);
    const content = readNoFollow(file);
    return { name, database, bytes: content.length, sha256: sha256Of(content), at: statSync(file).mtime.toISOString() };
  }

  /** A stored dump, verified against the checksum the plan named. */
  readDump(machineId: string, name: string, sha256: string): Buffer {
    if (!/^[A-Za-z0-9_]+-[0-9TZ-]+\.sql$/.test(name)) throw new Error(`"${name}" is not a dump name`);
    const file = path.join(this.dumpsDir(machineId, false), name);
    let content: Buffer;
    try {
      content = readNoFollow(file);
    } catch (err) {
      throw new Error(`no stored dump ${name} for ${machineId}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (sha256Of(content) !== sha256) throw new Error(`stored dump ${file} does not match its checksum: refusing to send it`);
    return content;
  }
}
