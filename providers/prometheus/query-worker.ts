import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SHARE_ENV, type Worker } from 'node:worker_threads';
import type { PrometheusConfig } from './config.js';
import { pollsOf, type FleetColumns, type PreviousPolls } from './fleet-columns.js';
import type { QueryTarget } from './http-text.js';
import type { FleetDefaults, MappedFleet } from './map.js';
import { queryServer } from './server-query.js';
import { SLOW_QUERY_MAX_AGE_MS } from './queries.js';
import { startWorker } from '../../src/util/heap-settings.js';

export interface WorkerRequest {
  id: number;
  target: QueryTarget;
  cfg: PrometheusConfig;
  defaults: FleetDefaults;
  /** The key of the machines the console holds from this server: the same ones again are not sent. */
  machinesKey?: string;
}

/**
 * The mapped fleet: its polls as columns (their typed arrays moved, not copied), the machines as JSON
 * text (one JSON.parse costs about half the structured clone of 10,000 machines) only when they
 * changed since `machinesKey`.
 */
export type WorkerReply = { id: number; columns: FleetColumns; warnings: string[]; machinesKey: string; machines?: string } | { id: number; error: string };

/** The machines of a server's last refresh and their key (a digest of their JSON). */
export interface KnownMachines {
  key: string;
  machines: MappedFleet['machines'];
}

/** A refresh's result: the fleet, and the key of its machines when a worker mapped it. */
export type WorkerFleet = Pick<MappedFleet, 'machines' | 'polls' | 'warnings'> & { machinesKey?: string };

/**
 * The worker script beside this module: refresh-worker.js in tsc's output, prometheus-worker.mjs in
 * the bundle (whose chunks sit one folder down). None found: the queries run on the main thread.
 */
function workerScript(): string | undefined {
  for (const rel of ['./refresh-worker.js', './prometheus-worker.mjs', '../prometheus-worker.mjs']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * A worker idle this long is stopped (see QueryWorker): as long as its kept slow answers may be
 * reused, so a console refreshing every few minutes or more often keeps them.
 */
export const QUERY_WORKER_IDLE_MS = SLOW_QUERY_MAX_AGE_MS;

/**
 * Runs each server's queries in one worker thread, started on first use. The worker keeps the
 * process alive only while a refresh is waiting on it; one that dies fails the refreshes it held
 * (a provider failure, as any query error) and the next refresh starts another. It keeps the slow
 * answers between refreshes (server-query.ts) and starts warm: stopping it after each refresh gave
 * its heap back to the system but read every answer and ran cold code each time. One idle for
 * `idleMs` (no refresh for that long) is stopped.
 */
export class QueryWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly waiting = new Map<number, { url: string; resolve(f: WorkerFleet): void; reject(e: Error): void; known?: KnownMachines | undefined }>();
  /** Each server's last columns and polls: what did not change since is not made again (see pollsOf). */
  private readonly previous = new Map<string, PreviousPolls>();

  /** `script` false: the queries run on the main thread. */
  constructor(
    private readonly script: string | false = workerScript() ?? false,
    private readonly idleMs = QUERY_WORKER_IDLE_MS,
  ) {}

  /** Whether a worker thread is running now. */
  get alive(): boolean {
    return this.worker !== undefined;
  }

  /** Whether the queries run off the main thread (false: no worker script was built). */
  get threaded(): boolean {
    return this.script !== false;
  }

  /** One server's fleet; `known` (its last machines and their key) lets the worker leave out machines that did not change. */
  run(target: QueryTarget, cfg: PrometheusConfig, defaults: FleetDefaults, known?: KnownMachines): Promise<WorkerFleet> {
    clearTimeout(this.idleTimer);
    const worker = this.start();
    if (!worker) return queryServer(target, cfg, defaults).then(({ machines, polls, warnings }) => ({ machines, polls, warnings }));
    const id = this.nextId++;
    return new Promise<WorkerFleet>((resolve, reject) => {
      this.waiting.set(id, { url: target.url, resolve, reject, known });
      worker.ref();
      worker.postMessage({ id, target, cfg, defaults, ...(known ? { machinesKey: known.key } : {}) } satisfies WorkerRequest);
    });
  }

  close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const w = this.worker;
    this.worker = undefined;
    this.previous.clear();
    this.failAll(new Error('the console is closing'));
    return w ? w.terminate().then(() => undefined) : Promise.resolve();
  }

  private start(): Worker | undefined {
    if (this.worker || this.script === false) return this.worker;
    // SHARE_ENV: a bearer token or password read from the environment at use is the console's own.
    // Its young generation: src/util/heap-settings.ts.
    const w = startWorker(this.script, { env: SHARE_ENV });
    w.unref();
    w.on('message', (reply: WorkerReply) => {
      const wait = this.waiting.get(reply.id);
      if (!wait) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) {
        w.unref();
        this.idleTimer = setTimeout(() => this.stopIdle(w), this.idleMs);
        this.idleTimer.unref();
      }
      if ('error' in reply) return wait.reject(new Error(reply.error));
      try {
        let machines: MappedFleet['machines'];
        if (reply.machines !== undefined) machines = JSON.parse(reply.machines) as MappedFleet['machines'];
        else if (wait.known && wait.known.key === reply.machinesKey) machines = wait.known.machines;
        else throw new Error('the query worker sent no machines');
        const polls = pollsOf(reply.columns, this.previous.get(wait.url));
        this.previous.set(wait.url, { columns: reply.columns, polls });
        wait.resolve({ machines, polls, warnings: reply.warnings, machinesKey: reply.machinesKey });
      } catch (err) {
        wait.reject(err as Error);
      }
    });
    const lost = (why: string) => {
      // A worker stopped when idle (or at close) has no refresh waiting: only the current one's count.
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll(new Error(`the query worker ${why}`));
    };
    w.on('error', (err) => lost(`failed: ${err.message}`));
    w.on('exit', (code) => lost(`exited (${code})`));
    this.worker = w;
    return w;
  }

  private stopIdle(w: Worker): void {
    if (this.worker !== w || this.waiting.size > 0) return;
    this.worker = undefined;
    this.previous.clear();
    void w.terminate();
  }

  private failAll(err: Error): void {
    for (const wait of this.waiting.values()) wait.reject(err);
    this.waiting.clear();
  }
}
