// Framing for a resident shell: many scripts run one after another on the same remote `sh -s`, so
// each run's output has to be cut out of one long stream. Every run is wrapped between a start and an
// end marker carrying a fresh random nonce, on stdout and on stderr; output before the start marker
// (a late write from an earlier run's background process) and after the end marker is not this run's.
import { createHash, randomBytes } from 'node:crypto';

/** A fresh nonce: 128 random bits, so neither chance nor the probe's own data can forge a marker. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** What a framed run's start and end lines begin with, before the run's nonce. */
export const START_MARK = 'REMLITE-S-';
export const END_MARK = 'REMLITE-E-';
const startMark = (nonce: string) => `${START_MARK}${nonce}`;
const endMark = (nonce: string) => `${END_MARK}${nonce}`;

/**
 * The text sent to the resident shell for one run. The script runs in a subshell with stdin from
 * /dev/null, so it can neither read the next run's text nor leave variables, traps or a changed
 * directory behind; its exit status follows the end marker on stdout.
 */
export function frameScript(script: string, nonce: string): string {
  const body = script.endsWith('\n') ? script : `${script}\n`;
  const s = startMark(nonce);
  const e = endMark(nonce);
  return `printf '%s\\n' '${s}'; printf '%s\\n' '${s}' >&2\n(\n${body}) </dev/null\nprintf '\\n%s %s\\n' '${e}' "$?"; printf '\\n%s\\n' '${e}' >&2\n`;
}

/** Scripts at least this long are sent to a shell once, as a function, and called by name after. */
export const KEEP_AS_FUNCTION_MIN_BYTES = 1024;

/** What the name of a kept script's function begins with; hex digits follow. */
export const KEPT_FUNCTION_PREFIX = 'remlite_run_';

/** The function a script is kept under: named by its content's hash, so a changed script is a new function. */
export function keptFunctionName(script: string): string {
  return `${KEPT_FUNCTION_PREFIX}${createHash('sha256').update(script).digest('hex').slice(0, 32)}`;
}

/**
 * Shell text that unsets the functions in `drop`, then defines `name` with the script as its body.
 * It prints nothing; a script with a syntax error ends a non-interactive shell here as it would
 * when run, so a broken definition never leaves a shell that answers with something else.
 */
export function defineFunction(name: string, script: string, drop: readonly string[] = []): string {
  const body = script.endsWith('\n') ? script : `${script}\n`;
  return `${drop.map((d) => `unset -f ${d}\n`).join('')}${name}() {\n${body}}\n`;
}

/**
 * Collects one stream (stdout or stderr) of one framed run, up to a byte cap. Chunks are kept as
 * they come; a marker is looked for in the new chunk plus the few bytes before it, so a marker split
 * across chunks is found and the work stays linear in the output.
 */
export class FrameReader {
  private readonly start: Buffer;
  private readonly end: Buffer;
  /** Before the start marker: the last bytes that could still begin it. */
  private pending: Buffer = Buffer.alloc(0);
  private started = false;
  private chunks: Buffer[] = [];
  private kept = 0;
  /** Set once the end marker has been seen: the run's own bytes (without the newline we added before the marker). */
  private body?: Buffer;
  /** The rest of the end marker's line (the exit status on stdout). */
  private trailer = '';
  truncated = false;

  constructor(
    nonce: string,
    private readonly capBytes: number,
  ) {
    this.start = Buffer.from(`${startMark(nonce)}\n`);
    this.end = Buffer.from(`\n${endMark(nonce)}`);
  }

  get done(): boolean {
    return this.body !== undefined && this.trailer.includes('\n');
  }

  push(chunk: Buffer): void {
    // Past the cap the run is abandoned by its caller: nothing more is read.
    if (this.done || this.truncated) return;
    if (this.body !== undefined) {
      this.trailer += chunk.toString('latin1');
      return;
    }
    if (!this.started) {
      const window = Buffer.concat([this.pending, chunk]);
      const at = window.indexOf(this.start);
      if (at < 0) {
        this.pending = window.subarray(Math.max(0, window.length - this.start.length + 1));
        return;
      }
      this.started = true;
      this.pending = Buffer.alloc(0);
      chunk = window.subarray(at + this.start.length);
    }
    const overlap = this.lastBytes(this.end.length - 1);
    const window = overlap.length ? Buffer.concat([overlap, chunk]) : chunk;
    const at = window.indexOf(this.end);
    if (at < 0) {
      this.keep(chunk);
      return;
    }
    const all = Buffer.concat([...this.chunks, chunk]);
    const endAt = this.kept - overlap.length + at;
    this.body = all.subarray(0, endAt);
    this.trailer = all.subarray(endAt + this.end.length).toString('latin1');
    this.chunks = [];
  }

  private keep(chunk: Buffer): void {
    if (this.kept + chunk.length > this.capBytes + this.end.length) this.truncated = true;
    if (this.truncated) return;
    this.chunks.push(chunk);
    this.kept += chunk.length;
  }

  private lastBytes(n: number): Buffer {
    const parts: Buffer[] = [];
    let have = 0;
    for (let i = this.chunks.length - 1; i >= 0 && have < n; i--) {
      const c = this.chunks[i]!;
      const take = Math.min(c.length, n - have);
      parts.unshift(c.subarray(c.length - take));
      have += take;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** The exit status written after the end marker on stdout, or null. */
  exitCode(): number | null {
    const m = /^ (\d{1,3})\n/.exec(this.trailer);
    return m ? Number(m[1]) : null;
  }

  /** The run's output, cut at the cap. */
  text(): string {
    const body = this.body ?? Buffer.concat(this.chunks);
    return body.subarray(0, this.capBytes).toString('utf8');
  }
}
