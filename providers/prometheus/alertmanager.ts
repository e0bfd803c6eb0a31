import type { HostAlert } from '../../src/model/index.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { firstLine, httpText, type QueryTarget } from './http-text.js';
import { stripPort } from './map.js';

/** One alert as GET /api/v2/alerts gives it (the fields used). */
export interface RawAlert {
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  startsAt?: unknown;
  fingerprint?: unknown;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const text = (v: unknown, max: number) => (typeof v === 'string' ? sanitizeLine(v).slice(0, max) : '');

export function alertSeverity(label: unknown): HostAlert['severity'] {
  const s = typeof label === 'string' ? label.toLowerCase() : '';
  if (s === 'critical' || s === 'page' || s === 'error') return 'critical';
  if (s === 'info' || s === 'none') return 'info';
  return 'warning';
}

/** Active alerts → alerts per host name (from the host label, port stripped when it is `instance`). Pure. */
export function alertsByHost(raw: readonly RawAlert[], hostLabel: string, source: string): Map<string, HostAlert[]> {
  const out = new Map<string, HostAlert[]>();
  for (const a of raw) {
    const labels = a.labels ?? {};
    const rawHost = labels[hostLabel] ?? (hostLabel !== 'instance' ? labels['instance'] : undefined);
    if (typeof rawHost !== 'string') continue;
    const host = hostLabel === 'instance' || labels[hostLabel] === undefined ? stripPort(rawHost) : rawHost;
    const alert: HostAlert = {
      name: text(labels['alertname'], 128) || 'alert',
      severity: alertSeverity(labels['severity']),
      summary: text(a.annotations?.['summary'], 300),
      description: text(a.annotations?.['description'], 600),
      startsAt: text(a.startsAt, 40),
      fingerprint: text(a.fingerprint, 32),
      hostLabel: labels[hostLabel] !== undefined ? hostLabel : 'instance',
      source,
    };
    const list = out.get(host) ?? [];
    list.push(alert);
    out.set(host, list);
  }
  for (const list of out.values()) list.sort((x, y) => x.name.localeCompare(y.name) || x.fingerprint.localeCompare(y.fingerprint));
  return out;
}

/**
 * The last good alerts of an Alertmanager that now fails, kept on their hosts but marked stale as of
 * the time of that answer: they clear only when a good answer says so. Pure.
 */
export function markStale(byHost: ReadonlyMap<string, readonly HostAlert[]>, lastGoodAt: number): Map<string, HostAlert[]> {
  const since = new Date(lastGoodAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new Map([...byHost].map(([host, list]) => [host, list.map((a) => ({ ...a, staleSince: since }))]));
}

/** GET /api/v2/alerts of the active alerts only: silenced and inhibited ones are left out by Alertmanager itself. */
export async function fetchActiveAlerts(target: QueryTarget): Promise<RawAlert[]> {
  const path = '/api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=false';
  const { status, text } = await httpText(target, { path, maxBytes: MAX_BODY_BYTES });
  if (status !== 200) throw new Error(`HTTP ${status}: ${firstLine(text)}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  if (!Array.isArray(doc)) throw new Error('the answer is not a list of alerts (is this an Alertmanager URL?)');
  return doc.filter((a): a is RawAlert => typeof a === 'object' && a !== null);
}
