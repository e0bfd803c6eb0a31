import { statSync, type Stats } from 'node:fs';
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
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: FleetWatchDeps) {}

  /**
   * Each file's stat is taken here, at once, and every tick compares a fresh stat with the last one
   * seen. (fs.watchFile reports only changes after its own first stat, taken later on the thread
   * pool: an edit made right after start() became its starting point and was never reported.)
   */
  start(): void {
    const seen = new Map(this.deps.files.map((f) => [f, statKey(f)] as const));
    this.timer = setInterval(() => {
      let changed = false;
      for (const [f, last] of seen) {
        const now = statKey(f);
        if (statChanged(now, last)) {
          seen.set(f, now);
          changed = true;
        }
      }
      if (changed) void this.reload();
    }, this.deps.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
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

/** A file's stat, all zero when the file is missing (or cannot be stat'ed). */
function statKey(file: string): StatKey {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st) return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
  } catch {
    // unreadable: as if missing
  }
  return { mtimeMs: 0, size: 0, ino: 0 };
}

/**
 * Whether a fresh stat differs from the last one seen. A file missing before and after (both
 * zeroed) is no change: no reason to reload and say so.
 */
export function statChanged(curr: StatKey, prev: StatKey): boolean {
  return curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size || curr.ino !== prev.ino;
}
