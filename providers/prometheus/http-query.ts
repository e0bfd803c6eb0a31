import { sanitizeLine } from '../../src/util/sanitize.js';
import { firstLine, httpRequest, joinedText, type QueryTarget, type TextSink } from './http-text.js';

/** One sample of an instant vector: its labels and value. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** A query answer longer than this is refused (a runaway series count, not a fleet). */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

/** What parseVector says of an answer that is not JSON. */
export const NOT_JSON = 'the answer is not JSON (is this a Prometheus URL?)';

/** Parses an /api/v1/query answer into samples; throws with Prometheus' own error when it has one. Pure. */
export function parseVector(body: string): PromSample[] {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    throw new Error(NOT_JSON);
  }
  const d = doc as { status?: unknown; error?: unknown; errorType?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (d.status !== 'success') throw new Error(sanitizeLine(`query failed: ${String(d.errorType ?? 'error')}: ${String(d.error ?? 'no reason given')}`).slice(0, 300));
  if (d.data?.resultType !== 'vector' || !Array.isArray(d.data.result)) throw new Error('the answer is not an instant vector');
  const out: PromSample[] = [];
  for (const r of d.data.result as unknown[]) {
    const sample = sampleOf(r);
    if (sample) out.push(sample);
  }
  return out;
}

/** One entry of an answer's result, parsed: its sample, or undefined when it is no series or its value says nothing. */
export function sampleOf(entry: unknown): PromSample | undefined {
  const r = entry as { metric?: unknown; value?: unknown } | null;
  if (!r || typeof r.metric !== 'object' || r.metric === null || Array.isArray(r.metric) || !Array.isArray(r.value)) return undefined;
  // The parsed label object is used as it is (copying 300,000 of them cost more than parsing them);
  // a value that is not a string (a hostile server) is dropped from it.
  const metric = r.metric as Record<string, unknown>;
  for (const k in metric) if (typeof metric[k] !== 'string') delete metric[k];
  // "NaN", "+Inf" (a broken exporter, a division by zero upstream) say nothing a detector can use: as if absent.
  const value = Number(r.value[1]);
  if (!Number.isFinite(value)) return undefined;
  return { metric: metric as Record<string, string>, value };
}

/** Runs one instant query (POST /api/v1/query) and returns its samples; every failure throws one line naming the server. */
export async function instantQuery(target: QueryTarget, promql: string): Promise<PromSample[]> {
  return parseVector(await queryAnswer(target, promql));
}

/**
 * Runs one instant query and returns its answer's text, not parsed yet; an HTTP error throws with
 * Prometheus' own reason when it gave one.
 */
export function queryAnswer(target: QueryTarget, promql: string, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return queryInto(target, promql, joinedText, maxBytes);
}

/** Runs one instant query, its answer handed as it comes to the sink `sink()` makes (see queryAnswer). */
export async function queryInto<T>(target: QueryTarget, promql: string, sink: () => TextSink<T>, maxBytes = MAX_BODY_BYTES): Promise<T> {
  const body = { type: 'application/x-www-form-urlencoded', text: new URLSearchParams({ query: promql }).toString() };
  const ok = (status: number) => status >= 200 && status < 300;
  const answer = await httpRequest<T | string>(target, { path: '/api/v1/query', body, maxBytes }, (status) => (ok(status) ? sink() : joinedText()));
  if (ok(answer.status)) return answer.body as T;
  const text = answer.body as string;
  // Prometheus answers 400/422/503 with its JSON error: prefer its own reason.
  try {
    parseVector(text);
  } catch (err) {
    if (/^query failed/.test((err as Error).message)) throw err;
  }
  const first = firstLine(text);
  throw new Error(`HTTP ${answer.status}${first ? `: ${first}` : ''}`);
}
