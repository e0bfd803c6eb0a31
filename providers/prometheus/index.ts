import { readFileSync } from 'node:fs';
import type { CloudActionOutcome, HostAlert, Machine, MetricsProvider, MetricsSnapshot, PollResult, ProviderHealth } from '../../src/model/index.js';
import { postSilence, silenceBody, validateSilence } from './silence.js';
import { alertsByHost, fetchActiveAlerts, markStale } from './alertmanager.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { systemEnv, type ProviderEnv } from '../ssh-defaults.js';
import type { PrometheusConfig } from './config.js';
import type { QueryTarget } from './http-text.js';
import { fleetDefaults } from './map.js';
import { QueryWorker, type KnownMachines } from './query-worker.js';

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
  /** Each server's last good machines, with their key when the worker mapped them (it sends them again only when they change). */
  private lastGood = new Map<string, { machines: Machine[]; key?: string }>();
  /** Per Alertmanager URL: its last good answer (alerts by host) and when it came. */
  private lastAlerts = new Map<string, { at: number; byHost: Map<string, HostAlert[]> }>();
  /** Each server's queries, parsing and mapping run in a worker thread: keys are not held behind a refresh. */
  private readonly queries = new QueryWorker();

  constructor(
    readonly config: PrometheusConfig,
    private readonly env: ProviderEnv = systemEnv(),
    /** Who creates silences ("user@console-host"), recorded in Alertmanager. */
    private readonly who = 'remlite',
  ) {}

  /** alertmanager.silence: a silence of one alert on one host, in the first Alertmanager that takes it. */
  async run(machine: Machine, action: string, params: Record<string, string>): Promise<CloudActionOutcome> {
    const started = Date.now();
    const fail = (error: string): CloudActionOutcome => ({ ok: false, output: '', error, durationMs: Date.now() - started });
    if (action !== 'alertmanager.silence') return fail(`unknown action ${action}`);
    if (machine.probedBy !== 'prometheus') return fail(`${machine.name} is not a Prometheus host`);
    const problem = validateSilence(params);
    if (problem) return fail(problem);
    if (this.config.alertmanagerUrls.length === 0) return fail('no Alertmanager configured (--alertmanager URL)');
    // The host label the alert was matched by: the silence matches it too, or another host's alert could be silenced.
    const label = params['label']!;
    if (label !== this.config.labels.name && label !== 'instance') return fail(`label ${label} is not the host label ${this.config.labels.name}`);
    const host = machine.name;
    const body = silenceBody({ alert: params['alert']!, hostLabel: label, host, duration: params['duration']!, comment: params['comment']!, createdBy: this.who }, Date.now());
    const errors: string[] = [];
    for (const url of this.config.alertmanagerUrls) {
      try {
        const target = this.targetOf(url);
        const id = await postSilence(target, body);
        return { ok: true, output: `silence ${id} created in ${new URL(url).host}: ${params['alert']} on ${machine.name} for ${params['duration']}`, durationMs: Date.now() - started };
      } catch (err) {
        errors.push(`${new URL(url).host}: ${(err as Error).message}`);
      }
    }
    return fail(sanitizeLine(errors.join('; ')).slice(0, 400));
  }

  async refresh(): Promise<MetricsSnapshot> {
    const parts: Record<string, ProviderHealth> = {};
    const [answers, alerts] = await Promise.all([Promise.all(this.config.urls.map((url) => this.refreshServer(url))), this.refreshAlerts(parts)]);
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
      for (const p of a.polls) {
        if (!mine.has(p.machineId)) continue;
        const firing = alerts.get(p.machineId);
        polls.push(firing && p.probe ? { ...p, probe: { ...p.probe, alerts: firing } } : p);
      }
      const count = mine.size;
      parts[partName(url)] = a.error
        ? { ok: false, message: a.error + (a.machines.length ? ' (showing the last good fleet)' : ''), machines: count }
        : { ok: true, machines: count, ...(a.warnings.length ? { message: a.warnings.join('; ') } : {}) };
    });
    return { machines, polls, parts };
  }

  /**
   * Active alerts of every Alertmanager, by host. One that fails is a failed part; its last good
   * alerts stay on their hosts marked stale (as of that answer) until a good answer replaces them.
   */
  private async refreshAlerts(parts: Record<string, ProviderHealth>): Promise<Map<string, HostAlert[]>> {
    const answered = await Promise.all(
      this.config.alertmanagerUrls.map(async (url) => {
        const key = `alertmanager:${new URL(url).host}`;
        try {
          const target = this.targetOf(url);
          const byHost = alertsByHost(await fetchActiveAlerts(target), this.config.labels.name, new URL(url).host);
          this.lastAlerts.set(url, { at: Date.now(), byHost });
          parts[key] = { ok: true, machines: byHost.size };
          return byHost;
        } catch (err) {
          const kept = this.lastAlerts.get(url);
          const since = kept ? ` (showing its alerts of ${new Date(kept.at).toISOString().replace(/\.\d{3}Z$/, 'Z')}, marked stale)` : '';
          parts[key] = { ok: false, message: sanitizeLine((err as Error).message).slice(0, 300) + since, machines: kept?.byHost.size ?? 0 };
          return kept ? markStale(kept.byHost, kept.at) : new Map<string, HostAlert[]>();
        }
      }),
    );
    const merged = new Map<string, HostAlert[]>();
    for (const byHost of answered) for (const [host, list] of byHost) merged.set(host, [...(merged.get(host) ?? []), ...list]);
    return merged;
  }

  /** How to reach one server (Prometheus or Alertmanager); the CA file is read afresh each time. */
  private targetOf(url: string): QueryTarget {
    return { url, auth: this.config.auth, timeoutMs: this.config.timeoutMs, ...(this.config.caFile ? { ca: readCa(this.config.caFile) } : {}) };
  }

  /** Stops the query worker (the console is closing). */
  close(): Promise<void> {
    return this.queries.close();
  }

  private async refreshServer(url: string): Promise<{ machines: Machine[]; polls: PollResult[]; warnings: string[]; error?: string }> {
    try {
      const target = this.targetOf(url);
      const last = this.lastGood.get(url);
      const known: KnownMachines | undefined = last?.key ? { key: last.key, machines: last.machines } : undefined;
      const mapped = await this.queries.run(target, this.config, fleetDefaults(this.config, url, this.env), known);
      this.lastGood.set(url, { machines: mapped.machines, ...(mapped.machinesKey ? { key: mapped.machinesKey } : {}) });
      return mapped;
    } catch (err) {
      return { machines: this.lastGood.get(url)?.machines ?? [], polls: [], warnings: [], error: sanitizeLine((err as Error).message).slice(0, 300) };
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
