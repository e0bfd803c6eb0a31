import type { CloudProvider, Machine } from '../model/index.js';
import type { FleetStore } from '../store/index.js';
import { RepeatingRun } from './repeating-run.js';

export interface ProviderRefreshOptions {
  /** Between two listings. */
  intervalMs: number;
  /** After a cloud action: list this often… */
  fastIntervalMs: number;
  /** …for this long, so pending → running and stopping → stopped show live. */
  fastForMs: number;
  /** This provider's machines as the fleet cache saved them: on screen until the first listing replaces them. */
  cached?: readonly Machine[];
  /** Called with the ids of machines whose cloud state changed (the poller probes them at once). */
  onStateChange?(ids: string[]): void;
}

/**
 * Re-lists a cloud provider on a timer and merges its machines with the static ones (local, ssh
 * config, inventory; those win on an id clash) into the store. Per-part health goes to the store's
 * providers; a listing that throws marks the whole provider and keeps the last machines.
 */
export class ProviderRefresh {
  private fastUntil = 0;
  private readonly repeat = new RepeatingRun(
    () => this.listOnce(),
    () => (Date.now() < this.fastUntil ? this.opts.fastIntervalMs : this.opts.intervalMs),
  );
  private cloudMachines: Machine[] = [];
  private partNames = new Set<string>();

  constructor(
    private readonly store: FleetStore,
    private readonly provider: CloudProvider,
    /** The static machines (local, ssh config, inventory) as they are now: they may be reloaded. */
    private readonly staticMachines: () => readonly Machine[],
    private readonly opts: ProviderRefreshOptions,
  ) {}

  /**
   * The saved fleet's machines of this provider (fleet cache) stay on screen while the first listing
   * is out, with the status bar saying what is being listed; then each part's rows replace them as it answers.
   */
  start(): Promise<void> {
    const mine = (this.opts.cached ?? []).filter((m) => m.provider === this.provider.name);
    if (mine.length) {
      this.provider.seed?.(mine);
      this.cloudMachines = [...mine];
      this.compose();
    }
    const text = this.provider.listingText?.();
    if (text) {
      this.store.getState().setProvider(this.provider.name, { ok: true, listing: true, message: text, machines: mine.length });
      this.partNames.add(this.provider.name);
    }
    return this.refreshNow();
  }

  stop(): void {
    this.repeat.stop();
  }

  /** List faster for a while (after a cloud action), starting now. */
  burst(): void {
    this.fastUntil = Date.now() + this.opts.fastForMs;
    void this.refreshNow();
  }

  /** Lists now; resolves once the store holds the result. A listing already in flight is followed by another. */
  refreshNow(): Promise<void> {
    return this.repeat.now();
  }

  /** Puts static + cloud machines into the store (static ones win an id clash); call after a static reload too. */
  compose(): void {
    const statics = this.staticMachines();
    const taken = new Set(statics.map((m) => m.id));
    this.store.getState().setMachines([...statics, ...this.cloudMachines.filter((m) => !taken.has(m.id))]);
  }

  private async listOnce(): Promise<void> {
    const s = this.store.getState();
    let listing;
    const before = new Map(this.cloudMachines.map((m) => [m.id, m.cloud?.state]));
    try {
      listing = await this.provider.list((partial) => {
        if (this.repeat.stopped) return;
        // A part that answered shows at once; the parts still out keep their rows.
        this.cloudMachines = partial.machines;
        this.compose();
        for (const [name, health] of Object.entries(partial.parts)) {
          this.store.getState().setProvider(name, health);
          this.partNames.add(name); // cleared below if the final listing no longer names it
        }
      });
    } catch (err) {
      s.setProvider(this.provider.name, { ok: false, message: `listing failed: ${(err as Error)?.message ?? String(err)}`, machines: this.cloudMachines.length });
      this.partNames.add(this.provider.name);
      return;
    }
    if (this.repeat.stopped) return;
    this.cloudMachines = listing.machines;
    this.compose();
    // Parts that disappeared (the "no credentials" line after credentials arrived) are cleared.
    const names = new Set(Object.keys(listing.parts));
    for (const old of this.partNames) if (!names.has(old)) this.store.getState().setProvider(old, { ok: true, message: 'no longer listed', machines: 0 });
    this.partNames = names;
    for (const [name, health] of Object.entries(listing.parts)) this.store.getState().setProvider(name, health);
    const changed = listing.machines.filter((m) => before.has(m.id) && before.get(m.id) !== m.cloud?.state).map((m) => m.id);
    if (changed.length) this.opts.onStateChange?.(changed);
  }
}
