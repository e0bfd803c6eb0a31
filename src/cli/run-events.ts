import { join } from 'node:path';
import type { FleetEvent } from '../model/index.js';
import { EVENTS_FILE, EventsLog } from '../persist/events-log.js';
import { StatePathRefused } from '../persist/no-follow.js';
import { sanitizeJson, sanitizeLine } from '../util/sanitize.js';
import { parseSince } from './events-since.js';

export interface EventsOptions {
  since?: string;
  json: boolean;
  now?: Date;
}

type Write = (text: string) => void;

/**
 * `remlite events`: the console's timeline from `<state dir>/events.log` (and its rotated files),
 * oldest first, as a table or as JSON lines (one event per line, as logged; `jq -s` makes an array).
 * Exit 0, or 2 when --since is not a time or the log cannot be read.
 */
export function runEvents(stateDir: string, opts: EventsOptions, out: Write, err: Write): number {
  let since: Date | undefined;
  if (opts.since !== undefined) {
    const r = parseSince(opts.since, opts.now ?? new Date());
    if ('error' in r) {
      err(`remlite: ${sanitizeLine(r.error)}\n`);
      return 2;
    }
    since = r.at;
  }
  let read;
  try {
    read = new EventsLog(join(stateDir, EVENTS_FILE)).readAll();
  } catch (e) {
    if (e instanceof StatePathRefused) {
      err(`remlite: ${sanitizeLine(e.message)}\n`);
      return 2;
    }
    throw e;
  }
  if (read.badLines.length) err(`remlite: warning: ${read.badLines.length} line(s) of the events log are not events, skipped: ${read.badLines.slice(0, 5).map(sanitizeLine).join(', ')}\n`);
  const events = since ? read.events.filter((e) => Date.parse(e.at) >= since.getTime()) : read.events;
  out(opts.json ? events.map((e) => JSON.stringify(sanitizeJson(e)) + '\n').join('') : eventsTable(events));
  return 0;
}

const cell = (text: string, width: number): string => {
  const t = sanitizeLine(text);
  return t.length > width ? `${t.slice(0, width - 1)}…` : t.padEnd(width);
};

/** A plain table for pasting into a post-mortem: time (UTC), kind, severity or exit code, host, what happened. */
export function eventsTable(events: readonly FleetEvent[]): string {
  if (events.length === 0) return 'no events\n';
  const head = `${'TIME (UTC)'.padEnd(20)} ${'KIND'.padEnd(18)} ${'SEV/EXIT'.padEnd(8)} ${'HOST'.padEnd(20)} WHAT\n`;
  return (
    head +
    events
      .map((e) => {
        const level = e.severity ?? (e.exitCode !== undefined ? `exit ${e.exitCode ?? '-'}` : '');
        const who = e.host ?? e.provider ?? '';
        return `${cell(e.at.replace('T', ' ').slice(0, 19), 20)} ${cell(e.kind, 18)} ${cell(level, 8)} ${cell(who, 20)} ${sanitizeLine(e.summary)}\n`;
      })
      .join('')
  );
}
