import type { HostBaseline } from '../model/index.js';
import type { BaselineStore } from './store.js';

/**
 * Baselines in memory (the poller needs one per host per poll): loaded from the store on first
 * use, reloaded after an accept or a dump. Load warnings (a corrupt file moved aside) go to onWarning.
 */
export class BaselineCache {
  private readonly map = new Map<string, HostBaseline | null>();

  constructor(
    readonly store: BaselineStore,
    private readonly onLoad: (machineId: string, baseline: HostBaseline | undefined, warning?: string) => void = () => undefined,
  ) {}

  get(machineId: string): HostBaseline | undefined {
    if (!this.map.has(machineId)) return this.reload(machineId);
    return this.map.get(machineId) ?? undefined;
  }

  reload(machineId: string): HostBaseline | undefined {
    let loaded: { baseline?: HostBaseline; warning?: string };
    try {
      loaded = this.store.load(machineId);
    } catch (err) {
      loaded = { warning: `baseline of ${machineId}: ${(err as Error).message}` };
    }
    this.map.set(machineId, loaded.baseline ?? null);
    this.onLoad(machineId, loaded.baseline, loaded.warning);
    return loaded.baseline;
  }
}
