import type { CloudListing, CloudProvider, Machine } from '../model/index.js';
import type { FleetStore } from '../store/index.js';
import { partDelayMs } from './part-delay.js';
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

/** A part (an EC2 region) refreshed on its own schedule, with its own backoff. */
interface PartRun {
  run: RepeatingRun;
  failures: number;
  /** When (in ProviderRefresh.seq) this part's own listing last landed. */
  listedSeq: number;
}

/**
 * Re-lists a cloud provider on a timer and merges its machines with the static ones (local, ssh
 * config, inventory; those win on an id clash) into the store. Per-part health goes to the store's
 * providers; a listing that throws marks the whole provider and keeps the last machines.
 * After the first listing, every part the provider can list alone (each EC2 region) has its own
 * repeating run, so a slow or failing part (with its own backoff) never delays the others' next
 * refresh; the whole provider is listed again only while some part cannot be listed alone.
 */
export class ProviderRefresh {
  private fastUntil = 0;
  private stopped = false;
  private wholeFailures = 0;
  /** Counts landed part listings, so a whole listing that began earlier never overwrites a newer part's health. */
  private seq = 0;
  /** Some part (or the lack of any) needs the whole provider listed: no credentials, an account without regions. */
  private wholeNeeded = true;
  private readonly whole = new RepeatingRun(
    () => this.listOnce(),
    () => (this.wholeNeeded ? this.delay(this.wholeFailures) : undefined),
  );
  private readonly partRuns = new Map<string, PartRun>();
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
    this.stopped = true;
    this.whole.stop();
    for (const part of this.partRuns.values()) part.run.stop();
  }

  /** List faster for a while (after a cloud action), starting now. */
  burst(): void {
    this.fastUntil = Date.now() + this.opts.fastForMs;
    void this.refreshNow();
  }

  /**
   * Lists now (every part on its own schedule, or the whole provider); resolves once the store holds
   * the result. A listing already in flight is followed by another.
   */
  async refreshNow(): Promise<void> {
    if (this.wholeNeeded) return this.whole.now();
    await Promise.all([...this.partRuns.values()].map((p) => p.run.now()));
  }

  private delay(failures: number): number {
    return partDelayMs({ ...this.opts, fastUntil: this.fastUntil, now: Date.now(), failures });
  }

  /** From the first time a part answers, it refreshes on its own schedule if the provider can list it alone. */
  private ensurePartRun(name: string): void {
    if (this.stopped || this.partRuns.has(name)) return;
    const lister = this.provider.partLister?.(name);
    if (!lister) return;
    const part: PartRun = { failures: 0, listedSeq: 0, run: new RepeatingRun(() => this.listPart(name, part, lister), () => this.delay(part.failures)) };
    this.partRuns.set(name, part);
    part.run.later();
  }

  private async listPart(name: string, part: PartRun, lister: () => Promise<CloudListing>): Promise<void> {
    const before = new Map(this.cloudMachines.map((m) => [m.id, m.cloud?.state]));
    let listing: CloudListing;
    try {
      listing = await lister();
    } catch (err) {
      part.failures++;
      if (!this.stopped) this.store.getState().setProvider(name, { ok: false, message: `listing failed: ${(err as Error)?.message ?? String(err)}`, machines: 0 });
      return;
    }
    if (this.stopped || !this.partRuns.has(name)) return;
    part.failures = listing.parts[name]?.ok === false ? part.failures + 1 : 0;
    part.listedSeq = ++this.seq;
    this.cloudMachines = listing.machines;
    this.compose();
    for (const [n, health] of Object.entries(listing.parts)) this.store.getState().setProvider(n, health);
    const changed = listing.machines.filter((m) => before.has(m.id) && before.get(m.id) !== m.cloud?.state).map((m) => m.id);
    if (changed.length) this.opts.onStateChange?.(changed);
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
    const since = this.seq;
    const newerAlone = (name: string) => (this.partRuns.get(name)?.listedSeq ?? 0) > since;
    try {
      listing = await this.provider.list((partial) => {
        if (this.stopped) return;
        // A part that answered shows at once; the parts still out keep their rows.
        this.cloudMachines = partial.machines;
        this.compose();
        for (const [name, health] of Object.entries(partial.parts)) {
          if (!newerAlone(name)) this.store.getState().setProvider(name, health);
          this.partNames.add(name); // cleared below if the final listing no longer names it
          this.ensurePartRun(name);
        }
      });
    } catch (err) {
      this.wholeFailures++;
      s.setProvider(this.provider.name, { ok: false, message: `listing failed: ${(err as Error)?.message ?? String(err)}`, machines: this.cloudMachines.length });
      this.partNames.add(this.provider.name);
      return;
    }
    if (this.stopped) return;
    this.wholeFailures = 0;
    this.cloudMachines = listing.machines;
    this.compose();
    // Parts that disappeared (the "no credentials" line after credentials arrived) are cleared.
    const names = new Set(Object.keys(listing.parts));
    for (const old of this.partNames) if (!names.has(old)) this.store.getState().setProvider(old, { ok: true, message: 'no longer listed', machines: 0 });
    this.partNames = names;
    // A part that answered during the listing but is not in its result (no credentials after all) stops.
    for (const [name, part] of this.partRuns) {
      if (names.has(name)) continue;
      part.run.stop();
      this.partRuns.delete(name);
    }
    for (const name of names) this.ensurePartRun(name);
    this.wholeNeeded = names.size === 0 || [...names].some((n) => !this.partRuns.has(n));
    for (const [name, health] of Object.entries(listing.parts)) if (!newerAlone(name)) this.store.getState().setProvider(name, health);
    const changed = listing.machines.filter((m) => before.has(m.id) && before.get(m.id) !== m.cloud?.state).map((m) => m.id);
    if (changed.length) this.opts.onStateChange?.(changed);
  }
}
