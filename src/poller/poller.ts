import type { Finding, HostBaseline, Machine, PollResult } from '../model/index.js';
import type { DeriveFindings, FleetStore } from '../store/index.js';
import type { HostExec } from '../exec/host-exec.js';
import { probeHost, type ProbeOptions } from './probe-host.js';
import type { TrendRecorder } from './trend-recorder.js';
import { PollHistory } from './poll-history.js';

export interface PollerOptions extends ProbeOptions {
  intervalMs: number;
  /** How long results are gathered before one store update (one render) applies them. */
  batchMs: number;
  /** The host's accepted baseline, handed to the detectors with every poll. */
  baselineOf?: (machineId: string) => HostBaseline | undefined;
  /** Polls kept per host for the detectors (sustained load and memory pressure); default 10. */
  historyLength?: number;
  /** Asked to refresh hosts whose polls come from a metrics provider (they are never SSH-probed here). */
  refreshMetrics?: (ids: string[]) => void;
  /** Findings derived from the whole fleet after each batch (a file server named by its clients' mounts). */
  derive?: DeriveFindings;
  /** The bounded per-host history: every poll is recorded there before the detectors see it. */
  trends?: TrendRecorder;
}

/**
 * What a detector gets besides the poll: the host's baseline and its previous polls (oldest first,
 * without this one). `history` is built when first read, and only during the detection call: most
 * hosts' detectors never read it (nothing sustained to check), and it is not kept past the call.
 */
export interface DetectExtra {
  baseline?: HostBaseline;
  readonly history: PollResult[];
}

/** The whole failure matrix run over one poll (detectAll over a DetectContext); each failure class is one matrix Detector. */
export type DetectFindings = (machine: Machine, poll: PollResult, now: number, extra: DetectExtra) => Finding[];

/**
 * Polls every machine on its own timer, never two probes of one host at once, so a slow or
 * unreachable host never delays the others. Results are batched into one store update.
 */
export class Poller {
  private timers = new Map<string, NodeJS.Timeout>();
  private inFlight = new Set<string>();
  private again = new Set<string>();
  private pending: { result: PollResult; findings: Finding[] }[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private waiters: { machineId: string; resolve: (r: PollResult) => void }[] = [];
  private unsubscribe: (() => void) | undefined;
  private readonly history: PollHistory;
  /** While paused (an interactive shell owns the terminal), the hosts that were due are held here. */
  private held: Set<string> | undefined;

  constructor(
    private readonly store: FleetStore,
    private readonly hostExec: HostExec,
    private readonly detect: DetectFindings,
    private readonly opts: PollerOptions,
  ) {
    this.history = new PollHistory(opts.historyLength ?? 10);
  }

  /**
   * Starts polling every machine in the store, spreading first probes over a short window, and
   * follows the fleet as providers re-list it: new machines are scheduled, removed ones dropped.
   */
  start(): void {
    this.scheduleNew(this.store.getState().order);
    let order = this.store.getState().order;
    this.unsubscribe = this.store.subscribe((state) => {
      if (state.order === order) return;
      order = state.order;
      const present = new Set(order);
      for (const [id, timer] of this.timers) {
        if (present.has(id)) continue;
        clearTimeout(timer);
        this.timers.delete(id);
      }
      this.history.keepOnly(present);
      this.opts.trends?.keepOnly(present);
      this.scheduleNew(order.filter((id) => !this.timers.has(id) && !this.inFlight.has(id)));
    });
  }

  private scheduleNew(all: string[]): void {
    const ids = all.filter((id) => !this.fedElsewhere(id));
    const spread = Math.min(this.opts.intervalMs, 1000);
    ids.forEach((id, i) => this.schedule(id, ids.length > 1 ? Math.floor((spread * i) / ids.length) : 0));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flush();
  }

  /** A host whose polls come from a metrics provider (Prometheus): ingested, never probed over SSH here. */
  private fedElsewhere(id: string): boolean {
    return this.store.getState().hosts[id]?.machine.probedBy !== undefined;
  }

  /** Holds every host's next probe (probes in flight finish); resume() probes them all at once. */
  pause(): void {
    if (this.held || this.stopped) return;
    this.held = new Set(this.timers.keys());
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  resume(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    this.scheduleNew([...held]);
  }

  get paused(): boolean {
    return this.held !== undefined;
  }

  /** Probe now: one host, or all. A probe already in flight is followed by another. */
  refresh(machineId?: string): void {
    const ids = machineId ? [machineId] : this.store.getState().order;
    const metrics = ids.filter((id) => this.fedElsewhere(id));
    if (metrics.length) this.opts.refreshMetrics?.(metrics);
    for (const id of ids) {
      if (this.fedElsewhere(id)) continue;
      if (this.inFlight.has(id)) this.again.add(id);
      else this.schedule(id, 0);
    }
  }

  /** Resolves with the next completed poll of a host (tests, headless commands). */
  nextPoll(machineId: string): Promise<PollResult> {
    return new Promise((resolve) => this.waiters.push({ machineId, resolve }));
  }

  private schedule(id: string, delayMs: number): void {
    if (this.stopped) return;
    if (this.held) {
      this.held.add(id);
      return;
    }
    const old = this.timers.get(id);
    if (old) clearTimeout(old);
    this.timers.set(
      id,
      setTimeout(() => void this.pollOne(id), delayMs),
    );
  }

  /**
   * Polls made elsewhere (a metrics provider's refresh) go through the same detectors, history and
   * batching as SSH probes. A poll of the same scrape as the host's last one is ignored.
   */
  ingest(results: readonly PollResult[]): void {
    if (this.stopped) return;
    for (const result of results) {
      const host = this.store.getState().hosts[result.machineId];
      if (!host) continue;
      // The same scrape again (the refresh outran the scrape interval): nothing new, unless its alerts changed.
      if (this.history.isRepeat(result)) continue;
      this.record(host.machine, result);
    }
  }

  private record(machine: Machine, result: PollResult): void {
    const id = machine.id;
    this.opts.trends?.record(result);
    const findings = this.detectWithHistory(machine, result);
    this.history.push(result);
    this.pending.push({ result, findings });
    this.scheduleFlush();
    this.waiters = this.waiters.filter((w) => {
      if (w.machineId !== id) return true;
      w.resolve(result);
      return false;
    });
  }

  private detectWithHistory(machine: Machine, result: PollResult): Finding[] {
    const history = this.history;
    let during = true;
    let list: PollResult[] | undefined;
    const extra: DetectExtra = {
      baseline: this.opts.baselineOf?.(machine.id),
      get history(): PollResult[] {
        if (!during) throw new Error('DetectExtra.history is only readable during the detection call');
        list ??= history.list(machine.id);
        return list;
      },
    };
    try {
      return this.detect(machine, result, Date.now(), extra);
    } finally {
      during = false;
    }
  }

  private async pollOne(id: string): Promise<void> {
    this.timers.delete(id);
    const host = this.store.getState().hosts[id];
    if (!host || this.stopped || this.inFlight.has(id) || host.machine.probedBy) return;
    this.inFlight.add(id);
    let result: PollResult;
    const started = Date.now();
    // Last line of defence: whatever hangs below (a slot never freed, a channel never opened), the
    // host gets a result and stays scheduled. The SSH layer's own timeouts normally answer first.
    const deadlineMs = this.opts.timeoutMs * 2 + 5000;
    let deadline: NodeJS.Timeout | undefined;
    try {
      result = await Promise.race([
        probeHost(this.hostExec, host.machine, this.opts, this.opts.baselineOf?.(id)),
        new Promise<PollResult>((resolve) => {
          deadline = setTimeout(
            () => resolve({ machineId: id, at: started, reach: 'timeout', latencyMs: Date.now() - started, error: `probe gave no answer in ${Math.round(deadlineMs / 1000)} s` }),
            deadlineMs,
          );
        }),
      ]);
    } catch (err) {
      result = { machineId: id, at: started, reach: 'unreadable', error: `probe failed: ${(err as Error).message}` };
    } finally {
      clearTimeout(deadline);
    }
    this.inFlight.delete(id);
    this.record(host.machine, result);
    if (this.again.delete(id)) this.schedule(id, 0);
    else this.schedule(id, this.opts.intervalMs);
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.opts.batchMs);
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.store.getState().applyPolls(batch, this.opts.derive);
  }
}
