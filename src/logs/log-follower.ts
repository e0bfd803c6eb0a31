import type { Machine } from '../model/index.js';
import type { FleetStore } from '../store/index.js';
import type { HostExec } from '../exec/host-exec.js';
import { sanitizeLine } from '../util/sanitize.js';
import { followCommand, sourceFromId } from './log-command.js';

export interface LogFollowerOptions {
  backlog: number;
  /** Lines are gathered this long before one store update, so a chatty log cannot flood renders. */
  flushMs: number;
}

/** Streams one log source at a time into store.log, sanitized and batched. */
export class LogFollower {
  private current: { stop(): void } | undefined;
  private buffer: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;

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
    let command: string;
    try {
      command = followCommand(source, this.opts.backlog);
    } catch (err) {
      state.setLogStatus('error', (err as Error).message);
      return;
    }
    this.current = this.hostExec.stream(machine, command, {
      onOpen: () => {
        if (gen === this.generation && this.store.getState().log?.status === 'connecting') this.store.getState().setLogStatus('streaming');
      },
      onLines: (lines) => {
        if (gen !== this.generation) return;
        for (const l of lines) this.buffer.push(sanitizeLine(l));
        this.scheduleFlush(gen);
      },
      onEnd: (err) => {
        if (gen !== this.generation) return;
        this.flush();
        this.store.getState().setLogStatus(err ? 'error' : 'ended', err ? `${machine.name}: ${err.message}` : undefined);
      },
    });
  }

  close(): void {
    this.generation++;
    this.current?.stop();
    this.current = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = [];
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
    this.buffer = [];
    this.store.getState().appendLog(lines);
  }
}
