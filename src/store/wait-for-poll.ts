import type { PollResult } from '../model/index.js';
import type { FleetStore } from './fleet-store.js';

/** Resolves once the store holds a poll of the host that started at or after `since` (findings applied). */
export function appliedPollAfter(store: FleetStore, machineId: string, since: number): Promise<PollResult> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const last = store.getState().hosts[machineId]?.last;
      if (last && last.at >= since) {
        resolve(last);
        return true;
      }
      return false;
    };
    if (check()) return;
    const unsubscribe = store.subscribe(() => {
      if (check()) unsubscribe();
    });
  });
}
