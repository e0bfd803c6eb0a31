import { readFileSync } from 'node:fs';
import type { Machine, MetricsProvider, MetricsSnapshot, PollResult, ProviderHealth } from '../../src/model/index.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { systemEnv, type ProviderEnv } from '../ssh-defaults.js';
import type { PrometheusConfig } from './config.js';
import { instantQuery, type QueryTarget } from './http-query.js';
import { mapFleet, type FleetAnswers } from './map.js';
import { fleetQueries, type QueryName } from './queries.js';

export { resolvePrometheusConfig, PrometheusConfigError, type PrometheusConfig } from './config.js';

/** The status-bar key of one server. */
export const partName = (url: string) => `prometheus:${new URL(url).host}${new URL(url).pathname.replace(/\/$/, '')}`;

/**
 * The Prometheus provider: each refresh runs the same handful of instant queries against every
 * configured server (in parallel), each query covering the whole fleet, and maps the answers onto
 * machines and polls. A server that is down or answers with an error is a failed part: its last
 * good machines are kept (without new polls, so their age shows), the other servers still count.
 */
export class PrometheusProvider implements MetricsProvider {
  readonly name = 'prometheus';
  private lastGood = new Map<string, Machine[]>();

  constructor(
    readonly config: PrometheusConfig,
    private readonly env: ProviderEnv = systemEnv(),
  ) {}

  async refresh(): Promise<MetricsSnapshot> {
    const parts: Record<string, ProviderHealth> = {};
    const answers = await Promise.all(this.config.urls.map((url) => this.refreshServer(url)));
    const machines: Machine[] = [];
    const polls: PollResult[] = [];
    const seen = new Set<string>();
    answers.forEach((a, i) => {
      const url = this.config.urls[i]!;
      const mine = new Set<string>();
      for (const m of a.machines) {
        // A host that two servers scrape (an HA pair) is one row, from the first server.
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        mine.add(m.id);
        machines.push(m);
      }
      for (const p of a.polls) if (mine.has(p.machineId)) polls.push(p);
      const count = mine.size;
      parts[partName(url)] = a.error
        ? { ok: false, message: a.error + (a.machines.length ? ' (showing the last good fleet)' : ''), machines: count }
        : { ok: true, machines: count, ...(a.warnings.length ? { message: a.warnings.join('; ') } : {}) };
    });
    return { machines, polls, parts };
  }

  private async refreshServer(url: string): Promise<{ machines: Machine[]; polls: PollResult[]; warnings: string[]; error?: string }> {
    try {
      const target: QueryTarget = { url, auth: this.config.auth, timeoutMs: this.config.timeoutMs, ...(this.config.caFile ? { ca: readCa(this.config.caFile) } : {}) };
      const queries = fleetQueries(this.config.job);
      const names = Object.keys(queries) as QueryName[];
      const now = Date.now();
      const results = await Promise.all(names.map((n) => instantQuery(target, queries[n]).catch((err: Error) => Promise.reject(new Error(`${n} query: ${err.message}`)))));
      const answers = Object.fromEntries(names.map((n, i) => [n, results[i]!])) as FleetAnswers;
      const mapped = mapFleet(answers, this.config, url, this.env, now);
      this.lastGood.set(url, mapped.machines);
      return mapped;
    } catch (err) {
      return { machines: this.lastGood.get(url) ?? [], polls: [], warnings: [], error: sanitizeLine((err as Error).message).slice(0, 300) };
    }
  }
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
