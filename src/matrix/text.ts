import type { PollResult, ServiceStatus } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';

/** Plain one-line text that fits `width` columns (finding summaries and evidence). */
export function fit(text: string, width = 80): string {
  const clean = sanitizeLine(text);
  return clean.length <= width ? clean : clean.slice(0, width - 1) + '…';
}


/** Percentage used the way df rounds it (up), so the numbers match what the operator sees in df. */
export function usedPercent(used: number, avail: number): number {
  const total = used + avail;
  return total > 0 ? Math.ceil((used * 100) / total) : 0;
}

/** How long ago, coarse ("3m ago"). */
export function ago(sinceMs: number | undefined, now: number): string {
  if (sinceMs === undefined || sinceMs <= 0) return 'unknown';
  const s = Math.max(0, Math.round((now - sinceMs) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

/** The probe's record for an expected service name ("apache2" or "apache2.service"). */
export function findService(services: readonly ServiceStatus[], expected: string): ServiceStatus | undefined {
  const bare = expected.replace(/\.service$/, '');
  return services.find((s) => s.name === expected || s.name === bare || s.name === bare + '.service');
}

export function serviceLine(s: ServiceStatus, now: number): string {
  const parts = [`${s.name}: ${s.active}/${s.sub}`, `load ${s.load}`, `since ${ago(s.sinceMs, now)}`];
  if (s.restarts !== undefined) parts.push(`restarts ${s.restarts}`);
  return fit(parts.join(', '));
}

/**
 * "Now" on the remote clock: sinceMs values come from the remote clock, so ages are measured
 * against it (plus the time since the poll) and clock skew does not distort them.
 */
export function remoteNow(poll: PollResult, now: number): number {
  const remote = poll.probe?.remoteTimeMs ?? 0;
  return remote > 0 ? remote + Math.max(0, now - poll.at) : now;
}
