import { watchFile, unwatchFile, type Stats } from 'node:fs';
import type { Machine } from '../model/index.js';
import type { FleetStore } from '../store/index.js';
import { describeFleetChange, type FleetChange } from './fleet-diff.js';

export interface FleetWatchDeps {
  store: FleetStore;
  files: string[];
  load(): Promise<Machine[]>;
  /** Applies the reloaded fleet and says what changed (src/app/fleet-diff.ts). */
  apply(machines: Machine[]): { change: FleetChange };
  intervalMs?: number;
}

/**
 * Re-reads the inventory and ssh config when they change on disk, so an edited file (a host with a
 * new address, a new host) takes effect without a restart. A broken edit is reported with its
 * file and line and the running fleet is kept as it was.
 */
export class FleetWatch {
  private busy = false;
  private again = false;
  private readonly onChange = (curr: Stats, prev: Stats) => {
    if (statChanged(curr, prev)) void this.reload();
  };

  constructor(private readonly deps: FleetWatchDeps) {}

  start(): void {
    for (const f of this.deps.files) watchFile(f, { interval: this.deps.intervalMs ?? 1000, persistent: false }, this.onChange);
  }

  stop(): void {
    for (const f of this.deps.files) unwatchFile(f, this.onChange);
  }

  async reload(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    const s = this.deps.store.getState();
    try {
      const r = this.deps.apply(await this.deps.load());
      s.notify(describeFleetChange(r.change), 'info');
    } catch (err) {
      s.notify(`fleet not reloaded, keeping the running one: ${(err as Error).message}`, 'error');
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    }
  }
}

/**
 * Whether a watchFile event is a real change. Node also calls the listener for a file that is
 * missing and stays missing (both stats zeroed): that is no reason to reload and say so.
 */
export function statChanged(curr: Pick<Stats, 'mtimeMs' | 'size' | 'ino'>, prev: Pick<Stats, 'mtimeMs' | 'size' | 'ino'>): boolean {
  return curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size || curr.ino !== prev.ino;
}
