import { compactSource, StringTable, type CompactSamples } from './compact-samples.js';
import type { PrometheusConfig } from './config.js';
import { queryInto } from './http-query.js';
import type { QueryTarget } from './http-text.js';
import { pollsOf } from './fleet-columns.js';
import { mapColumns, type FleetAnswers, type FleetDefaults, type MappedColumns, type MappedFleet } from './map.js';
import { fleetQueries, SLOW_QUERIES, SLOW_QUERY_MAX_AGE_MS, type QueryName } from './queries.js';
import { VectorStream } from './vector-stream.js';

/** One server's slow answers (SLOW_QUERIES), kept compact, and when they were read. */
interface KeptAnswers {
  at: number;
  answers: Map<QueryName, CompactSamples>;
  /** Their strings, which the fresh answers read while they are reused share. */
  strings: StringTable;
  /** What they did not cover when read (a host without a uname series, say): not news when reused. */
  uncovered: Set<string>;
}

/**
 * The slow answers of each server and query set, for the life of this thread (the query worker's,
 * kept while refreshes come). Keyed by the URL and the slow queries' text, so another job or host
 * label never reuses them.
 */
const kept = new Map<string, KeptAnswers>();

/** Forgets every kept answer (tests; a thread that must read everything afresh). */
export function forgetSlowAnswers(): void {
  kept.clear();
}

/**
 * One server's part of a refresh: the fleet queries, in parallel, mapped onto machines and polls. Throws
 * one line naming the query that failed. The slow queries' answers are reused while younger than
 * SLOW_QUERY_MAX_AGE_MS; when the fresh answers name a host or filesystem they do not cover, the
 * refresh reads everything again at once. Each answer is read as it arrives into compact samples
 * (vector-stream.ts): no answer's text is held whole, and none is held parsed.
 */
export async function queryServer(target: QueryTarget, cfg: PrometheusConfig, defaults: FleetDefaults, now = Date.now()): Promise<MappedFleet> {
  const { makeMachines, columns, warnings, uncovered } = await queryServerColumns(target, cfg, defaults, now);
  return { machines: makeMachines(), polls: pollsOf(columns), warnings, uncovered };
}

/** queryServer with the polls as columns (what the query worker sends the console). */
export async function queryServerColumns(target: QueryTarget, cfg: PrometheusConfig, defaults: FleetDefaults, now = Date.now()): Promise<MappedColumns> {
  const queries = fleetQueries(cfg.job, cfg.labels.name);
  const key = [target.url, ...SLOW_QUERIES.map((n) => queries[n])].join('\n');
  const reuse = kept.get(key);
  if (reuse && now - reuse.at >= 0 && now - reuse.at < SLOW_QUERY_MAX_AGE_MS) {
    const mapped = await readAndMap(target, queries, cfg, defaults, now, reuse.strings, reuse.answers);
    if (mapped.uncovered.every((u) => reuse.uncovered.has(u))) return mapped;
  }
  kept.delete(key);
  const slow = new Map<QueryName, CompactSamples>();
  const strings = new StringTable();
  const mapped = await readAndMap(target, queries, cfg, defaults, now, strings, undefined, slow);
  kept.set(key, { at: now, answers: slow, strings, uncovered: new Set(mapped.uncovered) });
  return mapped;
}

/** Reads the answers not in `reused` (their strings into `strings`), maps them with `reused`'s; the slow answers it read go to `keep`. */
async function readAndMap(
  target: QueryTarget,
  queries: Record<QueryName, string>,
  cfg: PrometheusConfig,
  defaults: FleetDefaults,
  now: number,
  strings: StringTable,
  reused?: ReadonlyMap<QueryName, CompactSamples>,
  keep?: Map<QueryName, CompactSamples>,
): Promise<MappedColumns> {
  const names = (Object.keys(queries) as QueryName[]).filter((n) => !reused?.has(n));
  const failed = (n: QueryName) => (err: Error) => Promise.reject(new Error(`${n} query: ${err.message}`));
  const read = await Promise.all(names.map((n) => queryInto(target, queries[n], () => new VectorStream(strings)).catch(failed(n))));
  const answers = {} as FleetAnswers;
  for (const [n, samples] of reused ?? []) answers[n] = compactSource(samples);
  names.forEach((n, i) => {
    answers[n] = compactSource(read[i]!);
    if (keep && SLOW_QUERIES.includes(n)) keep.set(n, read[i]!);
  });
  return mapColumns(answers, cfg, target.url, defaults, now);
}
