import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { sanitizeLine } from '../../src/util/sanitize.js';
import type { PrometheusAuth } from './config.js';

/** One sample of an instant vector: its labels and value. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface QueryTarget {
  url: string;
  auth: PrometheusAuth;
  /** The CA bundle's PEM text, read once per refresh. */
  ca?: string;
  timeoutMs: number;
}

/** A query answer longer than this is refused (a runaway series count, not a fleet). */
const MAX_BODY_CHARS = 256 * 1024 * 1024;

/** The Authorization header, with the secret read now from its file or environment variable. */
export function authorization(auth: PrometheusAuth, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const secret = (file: string | undefined, name: string | undefined, what: string): string => {
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw new Error(`cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    const value = name ? env[name] : undefined;
    if (!value) throw new Error(`the ${what} environment variable ${name} is not set`);
    return value.trim();
  };
  if (auth.kind === 'basic') return 'Basic ' + Buffer.from(`${auth.user}:${secret(auth.passwordFile, auth.passwordEnv, 'password')}`).toString('base64');
  if (auth.kind === 'bearer') return 'Bearer ' + secret(auth.file, auth.env, 'bearer token');
  return undefined;
}

/** Parses an /api/v1/query answer into samples; throws with Prometheus' own error when it has one. Pure. */
export function parseVector(body: string): PromSample[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new Error('the answer is not JSON (is this a Prometheus URL?)');
  }
  const d = doc as { status?: unknown; error?: unknown; errorType?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (d.status !== 'success') throw new Error(sanitizeLine(`query failed: ${String(d.errorType ?? 'error')}: ${String(d.error ?? 'no reason given')}`).slice(0, 300));
  if (d.data?.resultType !== 'vector' || !Array.isArray(d.data.result)) throw new Error('the answer is not an instant vector');
  const out: PromSample[] = [];
  for (const r of d.data.result as { metric?: unknown; value?: unknown }[]) {
    if (!r || typeof r.metric !== 'object' || r.metric === null || Array.isArray(r.metric) || !Array.isArray(r.value)) continue;
    // The parsed label object is used as it is (copying 300,000 of them cost more than parsing them);
    // a value that is not a string (a hostile server) is dropped from it.
    const metric = r.metric as Record<string, unknown>;
    for (const k in metric) if (typeof metric[k] !== 'string') delete metric[k];
    // "NaN", "+Inf" (a broken exporter, a division by zero upstream) say nothing a detector can use: as if absent.
    const value = Number(r.value[1]);
    if (!Number.isFinite(value)) continue;
    out.push({ metric: metric as Record<string, string>, value });
  }
  return out;
}

/** Runs one instant query (POST /api/v1/query) and returns its samples; every failure throws one line naming the server. */
export async function instantQuery(target: QueryTarget, promql: string): Promise<PromSample[]> {
  return parseVector(await queryAnswer(target, promql));
}

/**
 * Runs one instant query and returns its answer's text, not parsed yet (a caller with several large
 * answers parses them one at a time); an HTTP error throws with Prometheus' own reason when it gave one.
 */
export function queryAnswer(target: QueryTarget, promql: string, maxChars = MAX_BODY_CHARS): Promise<string> {
  const url = new URL(target.url + '/api/v1/query');
  const body = new URLSearchParams({ query: promql }).toString();
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), accept: 'application/json' };
  const auth = authorization(target.auth);
  if (auth) headers['authorization'] = auth;
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // No kept-alive socket: a restarted or stopped server must answer (or refuse) afresh, not hang up a stale one.
    const req = mod.request(url, { method: 'POST', headers, agent: false, ...(target.ca ? { ca: target.ca } : {}), timeout: target.timeoutMs }, (res) => {
      // Decoded as it comes (a character split across chunks is kept for the next): the answer is
      // built in V8's heap, whose large strings go back to the system when collected, not in one
      // Buffer of its whole size copied again to text; freed, that left the process' RSS grown.
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (c: string) => {
        // Checked before it grows: V8 refuses a string of 2^29 characters or more (a RangeError here).
        if (text.length + c.length > maxChars) return void req.destroy(new Error(`answer longer than ${maxChars} characters`));
        text += c;
      });
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(text);
        // Prometheus answers 400/422/503 with its JSON error: prefer its own reason.
        try {
          parseVector(text);
        } catch (err) {
          if (/^query failed/.test((err as Error).message)) return reject(err);
        }
        const first = sanitizeLine(text.split('\n')[0] ?? '').slice(0, 200);
        reject(new Error(`HTTP ${status}${first ? `: ${first}` : ''}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${Math.round(target.timeoutMs / 1000)} s`)));
    req.on('error', (err) => reject(new Error(sanitizeLine(err.message))));
    req.end(body);
  });
}
