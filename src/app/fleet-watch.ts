import { statSync, watchFile, unwatchFile, type Stats } from 'node:fs';
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
  private readonly listeners = new Map<string, (curr: Stats) => void>();

  constructor(private readonly deps: FleetWatchDeps) {}

  /**
   * Each file's stat is taken here, at once, and every later stat is compared with the last one seen:
   * an edit made right after start() is not lost (fs.watchFile takes its own first stat later, and
   * would count an edit made before it as the starting point).
   */
  start(): void {
    for (const f of this.deps.files) {
      let seen: StatKey = statKey(f);
      const listener = (curr: Stats) => {
        if (!statChanged(curr, seen)) return;
        seen = { mtimeMs: curr.mtimeMs, size: curr.size, ino: curr.ino };
        void this.reload();
      };
      this.listeners.set(f, listener);
      watchFile(f, { interval: this.deps.intervalMs ?? 1000, persistent: false }, listener);
    }
  }

  stop(): void {
    for (const [f, listener] of this.listeners) unwatchFile(f, listener);
    this.listeners.clear();
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

type StatKey = Pick<Stats, 'mtimeMs' | 'size' | 'ino'>;

/** A file's stat as watchFile reports it: all zero when the file is missing (or cannot be stat'ed). */
function statKey(file: string): StatKey {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st) return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
  } catch {
    // unreadable: as watchFile sees it
  }
  return { mtimeMs: 0, size: 0, ino: 0 };
}

/**
 * Whether a watchFile event is a real change. Node also calls the listener for a file that is
 * missing and stays missing (both stats zeroed): that is no reason to reload and say so.
 */
export function statChanged(curr: StatKey, prev: StatKey): boolean {
  return curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size || curr.ino !== prev.ino;
}
