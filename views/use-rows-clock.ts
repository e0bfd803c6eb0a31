import { useRef } from 'react';
import { nextRowChange } from '../src/store/selectors.js';
import type { FleetData } from '../src/store/fleet-store.js';

/**
 * The clock for fleet-wide selectors (the grid's rows, the summary): `now` when the fleet changed or a
 * row turned stale since, else the clock they were last worked out at. The once-a-second redraw then
 * reuses 10,000 sorted rows and the counts instead of rebuilding them; ages are drawn from `now`.
 */
export function useRowsClock(hosts: FleetData['hosts'], order: FleetData['order'], now: number): number {
  const last = useRef<{ at: number; until: number; hosts?: FleetData['hosts']; order?: FleetData['order'] }>({ at: 0, until: Number.NEGATIVE_INFINITY });
  const l = last.current;
  if (l.hosts !== hosts || l.order !== order || now >= l.until || now < l.at) {
    last.current = { at: now, until: nextRowChange({ hosts, order }, now), hosts, order };
  }
  return last.current.at;
}
