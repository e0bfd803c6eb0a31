import type { LogSource, Machine } from '../model/index.js';
import { POOL_LOG_ID, type FleetStore } from '../store/index.js';
import type { HostExec } from '../exec/host-exec.js';
import { sanitizeLine } from '../util/sanitize.js';
import { followCommand, sourceFromId } from './log-command.js';

export interface LogFollowerOptions {
  backlog: number;
  /** Lines are gathered this long before one store update, so a chatty log cannot flood renders. */
  flushMs: number;
  /** Longest wait between attempts to resume a broken stream. */
  maxRetryMs?: number;
}

const MAX_BUFFERED_CHARS = 1024 * 1024;

/** Streams one log source at a time into store.log (from one host, or interleaved from several), sanitized and batched. */
export class LogFollower {
  /** The stream of each host followed, by its index (-1 for a one-host log). */
  private current = new Map<number, { stop(): void }>();
  private buffer: string[] = [];
  /** For a log across several hosts: the host index of each buffered line. */
  private origins: number[] | undefined;
  /** Characters in `buffer`: a flood is handed to the (byte-capped) store early rather than held here. */
  private bufferChars = 0;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: FleetStore,
    private readonly hostExec: HostExec,
    private readonly opts: LogFollowerOptions,
  ) {}

  open(machine: Machine, sourceId: string): void {
    this.close();
    const gen = ++this.generation;
    const state = this.store.getState();
    state.openLog(machine.id, sourceId);
    const source = machine.logs.find((l) => l.id === sourceId) ?? sourceFromId(sourceId);
    if (!source) {
      state.setLogStatus('error', `unknown log source "${sourceId}"`);
      return;
    }
    try {
      followCommand(source, this.opts.backlog);
    } catch (err) {
      state.setLogStatus('error', (err as Error).message);
      return;
    }
    this.follow(machine, source, gen, 0);
  }

  /** Follows the same source on every machine at once, interleaved as lines arrive, each line tagged with its host. */
  openMany(machines: readonly Machine[], sourceId: string): void {
    this.close();
    const gen = ++this.generation;
    const state = this.store.getState();
    state.openLog(POOL_LOG_ID, sourceId, machines.map((m) => m.id));
    const source = sourceFromId(sourceId);
    try {
      if (!source) throw new Error(`unknown log source "${sourceId}"`);
      followCommand(source, this.opts.backlog);
    } catch (err) {
      state.setLogStatus('error', (err as Error).message);
      return;
    }
    this.origins = [];
    machines.forEach((m, i) => this.follow(m, source, gen, 0, i));
  }

  /**
   * One attempt at following the source. When the stream breaks (host rebooted, connection lost)
   * it is resumed with backoff while the pane stays open; a resumed stream starts at the end of the
   * log and says so, rather than replaying its backlog as if it were new.
   */
  private follow(machine: Machine, source: LogSource, gen: number, attempt: number, origin = -1): void {
    const command = followCommand(source, attempt === 0 ? this.opts.backlog : 0);
    let opened = false;
    const push = (line: string) => {
      this.buffer.push(line);
      this.origins?.push(origin);
      this.bufferChars += line.length;
    };
    this.current.set(
      origin,
      this.hostExec.stream(machine, command, {
      onOpen: () => {
        if (gen !== this.generation) return;
        opened = true;
        const log = this.store.getState().log;
        if (attempt > 0) push(`--- remlite: stream resumed (lines written while it was down are not shown) ---`);
        if (log && log.status !== 'streaming') this.store.getState().setLogStatus('streaming');
        if (attempt > 0) this.scheduleFlush(gen);
      },
      onLines: (lines) => {
        if (gen !== this.generation) return;
        for (const l of lines) push(sanitizeLine(l));
        if (this.bufferChars > MAX_BUFFERED_CHARS) this.flush();
        else this.scheduleFlush(gen);
      },
      onEnd: (err) => {
        if (gen !== this.generation) return;
        this.flush();
        if (!err) {
          // One host of several ending is said in its own line; the log ends with the last stream.
          if (origin >= 0) push(`--- remlite: ${sanitizeLine(machine.name)}: stream ended ---`);
          if (origin < 0) this.store.getState().setLogStatus('ended');
          else this.scheduleFlush(gen);
          return;
        }
        const next = opened ? 1 : attempt + 1;
        const delay = Math.min(this.opts.maxRetryMs ?? 30_000, 1000 * 2 ** Math.min(next - 1, 5));
        this.store.getState().setLogStatus('reconnecting', `${machine.name}: ${err.message}; retrying in ${Math.round(delay / 1000)}s`);
        this.retry = setTimeout(() => {
          this.retry = undefined;
          if (gen === this.generation) this.follow(machine, source, gen, next, origin);
        }, delay);
      },
      }),
    );
  }

  close(): void {
    this.generation++;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    for (const c of this.current.values()) c.stop();
    this.current.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = [];
    this.origins = undefined;
    this.bufferChars = 0;
    this.store.getState().closeLog();
  }

  private scheduleFlush(gen: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (gen === this.generation) this.flush();
    }, this.opts.flushMs);
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const lines = this.buffer;
    const origins = this.origins;
    this.buffer = [];
    if (origins) this.origins = [];
    this.bufferChars = 0;
    this.store.getState().appendLog(lines, origins);
  }
}
