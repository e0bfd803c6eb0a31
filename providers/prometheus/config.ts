import type { PrometheusSettings } from '../../src/model/index.js';
import { expandTilde, type ProviderEnv } from '../ssh-defaults.js';

/** Which target label gives what. */
export interface PrometheusLabels {
  name: string;
  pool: string;
  site: string;
  role: string;
  address: string;
}

/** How credentials are found at each refresh; the secret itself is never kept in settings or memory between refreshes. */
export type PrometheusAuth =
  | { kind: 'none' }
  | { kind: 'basic'; user: string; passwordFile?: string; passwordEnv?: string }
  | { kind: 'bearer'; file?: string; env?: string };

export interface PrometheusConfig {
  urls: string[];
  /** Alertmanagers whose active alerts become findings on the hosts they name. */
  alertmanagerUrls: string[];
  /** Regular expression for the `job` label (PromQL `=~`). */
  job: string;
  labels: PrometheusLabels;
  services: string[];
  auth: PrometheusAuth;
  caFile?: string;
  refreshMs: number;
  timeoutMs: number;
  ssh: { user?: string; port: number; key?: string; knownHosts?: string };
  sshIdleMs: number;
}

export const DEFAULT_LABELS: PrometheusLabels = { name: 'instance', pool: 'pool', site: 'site', role: 'role', address: 'instance' };
export const DEFAULT_JOB = 'node';

/** A Prometheus label name (the only ones we put into a query). */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/;

export class PrometheusConfigError extends Error {}

/** An http(s) URL without credentials in it (they belong in a file or the environment), no query or fragment. */
export function checkUrl(raw: string, flag = '--prometheus'): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PrometheusConfigError(`${flag} "${raw}" is not a URL (like http://prometheus:9090)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PrometheusConfigError(`${flag} "${raw}": only http and https are supported`);
  if (url.username || url.password) throw new PrometheusConfigError(`${flag} "${url.host}": put credentials in prometheus.basicAuth / bearerToken (a file or an environment variable), not in the URL`);
  if (url.search || url.hash) throw new PrometheusConfigError(`${flag} "${raw}": give the base URL only (no ?query or #fragment)`);
  return url.toString().replace(/\/+$/, '');
}

/** Settings + `--prometheus URL` flags → the configuration, or undefined when no Prometheus is configured. Flags replace the settings' URLs. */
export function resolvePrometheusConfig(settings: PrometheusSettings | undefined, flagUrls: string[], env: Pick<ProviderEnv, 'home'>, flagAlertmanagers: string[] = []): PrometheusConfig | undefined {
  const urls = flagUrls.length ? flagUrls : (settings?.urls ?? []);
  if (urls.length === 0) return undefined;
  const labels = { ...DEFAULT_LABELS, ...settings?.labels };
  for (const [what, label] of Object.entries(labels)) if (!LABEL_NAME.test(label)) throw new PrometheusConfigError(`prometheus.labels.${what} "${label}" is not a Prometheus label name`);
  const job = settings?.job ?? DEFAULT_JOB;
  if (/["\\\n]/.test(job)) throw new PrometheusConfigError(`prometheus.job "${job}" may not hold quotes, backslashes or newlines`);
  const file = (f: string | undefined) => (f ? expandTilde(f, env.home) : undefined);
  let auth: PrometheusAuth = { kind: 'none' };
  if (settings?.basicAuth && settings.bearerToken) throw new PrometheusConfigError('prometheus: set basicAuth or bearerToken, not both');
  if (settings?.basicAuth) {
    const b = settings.basicAuth;
    if (!b.passwordFile && !b.passwordEnv) throw new PrometheusConfigError('prometheus.basicAuth needs passwordFile or passwordEnv');
    auth = { kind: 'basic', user: b.user, ...(b.passwordFile ? { passwordFile: file(b.passwordFile)! } : {}), ...(b.passwordEnv ? { passwordEnv: b.passwordEnv } : {}) };
  } else if (settings?.bearerToken) {
    const t = settings.bearerToken;
    if (!t.file && !t.env) throw new PrometheusConfigError('prometheus.bearerToken needs file or env');
    auth = { kind: 'bearer', ...(t.file ? { file: file(t.file)! } : {}), ...(t.env ? { env: t.env } : {}) };
  }
  const s = settings?.ssh ?? {};
  return {
    urls: [...new Set(urls.map((u) => checkUrl(u)))],
    alertmanagerUrls: [...new Set((flagAlertmanagers.length ? flagAlertmanagers : (settings?.alertmanagerUrls ?? [])).map((u) => checkUrl(u, '--alertmanager')))],
    job,
    labels,
    services: settings?.services ?? [],
    auth,
    ...(settings?.caFile ? { caFile: file(settings.caFile)! } : {}),
    refreshMs: Math.round((settings?.refreshSec ?? 15) * 1000),
    timeoutMs: Math.round((settings?.timeoutSec ?? 10) * 1000),
    ssh: { ...(s.user ? { user: s.user } : {}), port: s.port ?? 22, ...(s.key ? { key: file(s.key)! } : {}), ...(s.knownHosts ? { knownHosts: file(s.knownHosts)! } : {}) },
    sshIdleMs: Math.round((settings?.sshIdleMin ?? 5) * 60_000),
  };
}
