import type { Machine, MetricsProvider, PollResult } from '../model/index.js';
import type { FleetStore } from '../store/index.js';
import { RepeatingRun } from './repeating-run.js';
import { samePlainData } from '../util/same-plain-data.js';

export interface MetricsRefreshOptions {
  /** Between two refreshes of the whole fleet. */
  intervalMs: number;
  /** The provider's machines changed: put the composed fleet into the store. */
  compose(): void;
  /** The refresh's polls, for the detectors (Poller.ingest). */
  ingest(polls: readonly PollResult[]): void;
}

/**
 * Refreshes a metrics provider (Prometheus) on a timer: one refresh lists the fleet and brings one
 * poll per host. A refresh that fails marks the provider and keeps the machines it had.
 */
export class MetricsRefresh {
  private readonly repeat = new RepeatingRun(
    () => this.refreshOnce(),
    () => this.opts.intervalMs,
  );
  private current: Machine[] = [];
  private partNames = new Set<string>();

  constructor(
    private readonly store: FleetStore,
    private readonly provider: MetricsProvider,
    private readonly opts: MetricsRefreshOptions,
  ) {}

  /** The provider's machines as of its last refresh. */
  machines(): readonly Machine[] {
    return this.current;
  }

  start(): Promise<void> {
    return this.refreshNow();
  }

  stop(): void {
    this.repeat.stop();
  }

  /** Refreshes now; resolves once the store holds the result. A refresh in flight is followed by another. */
  refreshNow(): Promise<void> {
    return this.repeat.now();
  }

  private async refreshOnce(): Promise<void> {
    let snapshot;
    try {
      snapshot = await this.provider.refresh();
    } catch (err) {
      this.store.getState().setProvider(this.provider.name, { ok: false, message: `refresh failed: ${(err as Error)?.message ?? String(err)}`, machines: this.current.length });
      this.partNames.add(this.provider.name);
      return;
    }
    if (this.repeat.stopped) return;
    const before = this.current;
    this.current = snapshot.machines;
    if (!sameFleet(before, snapshot.machines)) this.opts.compose();
    const names = new Set(Object.keys(snapshot.parts));
    for (const old of this.partNames) if (!names.has(old)) this.store.getState().setProvider(old, { ok: true, message: 'no longer listed', machines: 0 });
    this.partNames = names;
    for (const [name, health] of Object.entries(snapshot.parts)) this.store.getState().setProvider(name, health);
    this.opts.ingest(snapshot.polls);
  }
}

/** Same machines, described the same way (a label or address change re-composes the fleet). */
function sameFleet(a: readonly Machine[], b: readonly Machine[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!samePlainData(a[i], b[i])) return false;
  return true;
}
