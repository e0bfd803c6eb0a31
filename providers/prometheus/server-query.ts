import type { PrometheusConfig } from './config.js';
import { instantQuery, type QueryTarget } from './http-query.js';
import { mapFleet, type FleetAnswers, type FleetDefaults, type MappedFleet } from './map.js';
import { fleetQueries, type QueryName } from './queries.js';

/** One server's part of a refresh: the fleet queries, in parallel, mapped onto machines and polls. Throws one line naming the query that failed. */
export async function queryServer(target: QueryTarget, cfg: PrometheusConfig, defaults: FleetDefaults): Promise<MappedFleet> {
  const queries = fleetQueries(cfg.job, cfg.labels.name);
  const names = Object.keys(queries) as QueryName[];
  const now = Date.now();
  const results = await Promise.all(names.map((n) => instantQuery(target, queries[n]).catch((err: Error) => Promise.reject(new Error(`${n} query: ${err.message}`)))));
  const answers = Object.fromEntries(names.map((n, i) => [n, results[i]!])) as FleetAnswers;
  return mapFleet(answers, cfg, target.url, defaults, now);
}
