import type { FleetStore } from '../store/index.js';
import type { EventsLog } from '../persist/events-log.js';
import { sanitizeLine } from '../util/sanitize.js';
import { FleetEventDiff } from './fleet-events.js';

/**
 * Turns store changes into events (src/app/fleet-events.ts), keeps them in the store for the Events
 * screen and appends them to the events log. Returns the unsubscribe.
 */
export function watchEvents(store: FleetStore, log: EventsLog, who: string): () => void {
  const diff = new FleetEventDiff(who);
  diff.update(store.getState());
  let warned = false;
  return store.subscribe((s, prev) => {
    if (s.hosts === prev.hosts && s.actions === prev.actions && s.providers === prev.providers) return;
    const events = diff.update(s);
    if (events.length === 0) return;
    // After this change has reached every subscriber: a store update from inside one would reach the rest out of order.
    queueMicrotask(() => store.getState().recordEvents(events));
    log.append(events).catch((err: unknown) => {
      if (warned) return;
      warned = true;
      store.getState().notify(`events log ${log.path} not written (the Events screen still lists them): ${sanitizeLine((err as Error).message)}`, 'warning');
    });
  });
}
