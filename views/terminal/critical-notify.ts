import type { FleetEvent, NotifyMode } from '../../src/model/index.js';
import type { FleetStore } from '../../src/store/index.js';
import { sanitizeLine } from '../../src/util/sanitize.js';

const BEL = '\u0007';
const OSC = '\u001b]';
const MAX_TEXT = 200;

/** Text safe inside an OSC string: no controls (a BEL or ESC would end it early), no `;` (OSC 777's separator), bounded. */
function oscText(text: string): string {
  return sanitizeLine(text).replace(/[;\u0007\u001b]/g, ',').slice(0, MAX_TEXT);
}

/**
 * The bytes that signal `event` (a host turning critical) in `mode`: a bell, an OSC 9 notification
 * (iTerm2, Windows Terminal, kitty, WezTerm...) or an OSC 777 one (urxvt, foot, Ghostty, VTE).
 * Host and class come from the host: they are sanitized so nothing in them can end the escape.
 */
export function notificationEscape(mode: NotifyMode, event: FleetEvent): string {
  if (mode === 'off') return '';
  if (mode === 'bell') return BEL;
  const host = event.host ?? event.machineId ?? '?';
  const what = `${host} is critical: ${event.class ?? event.kind}${event.alert ? ` ${event.alert}` : ''}`;
  if (mode === 'osc9') return `${OSC}9;${oscText(`remlite: ${what}`)}${BEL}`;
  return `${OSC}777;notify;${oscText(`remlite: ${host} critical`)};${oscText(what)}${BEL}`;
}

/**
 * Writes a notification each time a host turns critical (one event per transition, from
 * src/app/fleet-events.ts), never for events already shown. Returns the unsubscribe.
 */
export function notifyOnCritical(store: FleetStore, mode: NotifyMode, write: (bytes: string) => void): () => void {
  if (mode === 'off') return () => undefined;
  return store.subscribe((s, prev) => {
    if (s.events === prev.events) return;
    const before = prev.events[0];
    const end = before === undefined ? s.events.length : s.events.indexOf(before);
    const added = s.events.slice(0, end < 0 ? s.events.length : end);
    for (const e of added.reverse()) if (e.hostTurnedCritical) write(notificationEscape(mode, e));
  });
}
