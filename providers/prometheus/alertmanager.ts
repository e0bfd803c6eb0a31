import http from 'node:http';
import https from 'node:https';
import type { HostAlert } from '../../src/model/index.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { authorization, type QueryTarget } from './http-query.js';
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
export function fetchActiveAlerts(target: QueryTarget): Promise<RawAlert[]> {
  const url = new URL(target.url + '/api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=false');
  const headers: Record<string, string> = { accept: 'application/json' };
  const auth = authorization(target.auth);
  if (auth) headers['authorization'] = auth;
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { headers, agent: false, ...(target.ca ? { ca: target.ca } : {}), timeout: target.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) req.destroy(new Error('answer too large'));
        else chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${sanitizeLine(body.split('\n')[0] ?? '').slice(0, 200)}`));
        try {
          const doc: unknown = JSON.parse(body);
          if (!Array.isArray(doc)) throw new Error('not a list');
          resolve(doc.filter((a): a is RawAlert => typeof a === 'object' && a !== null));
        } catch {
          reject(new Error('the answer is not a list of alerts (is this an Alertmanager URL?)'));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${Math.round(target.timeoutMs / 1000)} s`)));
    req.on('error', (err) => reject(new Error(sanitizeLine(err.message))));
  });
}
