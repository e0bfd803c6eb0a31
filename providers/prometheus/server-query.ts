import type { PrometheusConfig } from './config.js';
import { parseVector, queryAnswer, type QueryTarget } from './http-query.js';
import { mapFleet, type FleetAnswers, type FleetDefaults, type MappedFleet } from './map.js';
import { fleetQueries, type QueryName } from './queries.js';

/**
 * One server's part of a refresh: the fleet queries, in parallel, mapped onto machines and polls. Throws
 * one line naming the query that failed. The answers are kept as text until the mapping reads each
 * (once, in its order), so only one answer is ever held parsed: at 10,000 hosts each parsed answer
 * is several times the size of its text.
 */
export async function queryServer(target: QueryTarget, cfg: PrometheusConfig, defaults: FleetDefaults): Promise<MappedFleet> {
  const queries = fleetQueries(cfg.job, cfg.labels.name);
  const names = Object.keys(queries) as QueryName[];
  const now = Date.now();
  const failed = (n: QueryName) => (err: Error) => Promise.reject(new Error(`${n} query: ${err.message}`));
  const bodies = await Promise.all(names.map((n) => queryAnswer(target, queries[n]).catch(failed(n))));
  const answers = {} as FleetAnswers;
  names.forEach((n, i) => {
    Object.defineProperty(answers, n, {
      enumerable: true,
      get: () => {
        const body = bodies[i]!;
        bodies[i] = '';
        try {
          return parseVector(body);
        } catch (err) {
          throw new Error(`${n} query: ${(err as Error).message}`);
        }
      },
    });
  });
  return mapFleet(answers, cfg, target.url, defaults, now);
}
