import type { CloudActionOutcome, ProviderHealth } from './cloud.js';
import type { Machine } from './machine.js';
import type { PollResult } from './probe.js';

/** How Prometheus is configured in the settings file (all optional; README "Large fleets: Prometheus"). */
export interface PrometheusSettings {
  /** Prometheus base URLs (http or https), read in order; a host listed by two is taken from the first. */
  urls?: string[];
  /** The node_exporter scrape job(s): a regular expression matched against the `job` label. */
  job?: string;
  /** Target labels giving the host name, pool, site, role and the SSH address (default: instance, pool, site, role, instance). */
  labels?: { name?: string; pool?: string; site?: string; role?: string; address?: string };
  /** Services every Prometheus host is expected to run (an inventory entry of the same name overrides). */
  services?: string[];
  /** Basic auth: the user, and a file or environment variable holding the password (never the password itself). */
  basicAuth?: { user: string; passwordFile?: string; passwordEnv?: string };
  /** Bearer token from a file or an environment variable (never the token itself). */
  bearerToken?: { file?: string; env?: string };
  /** CA bundle (PEM) trusted for https URLs, besides the system's. */
  caFile?: string;
  /** Seconds between two refreshes of the whole fleet. */
  refreshSec?: number;
  /** Seconds one query may take. */
  timeoutSec?: number;
  /** SSH defaults for Prometheus hosts that no inventory or ssh config entry describes. */
  ssh?: { user?: string; port?: number; key?: string; knownHosts?: string };
  /** Alertmanager base URLs: active alerts become findings on the hosts they name. */
  alertmanagerUrls?: string[];
  /** Minutes an SSH connection opened on demand to a Prometheus host may stay idle before it is closed. */
  sshIdleMin?: number;
}

/** One refresh of a metrics provider: the fleet it lists and one poll per host. */
export interface MetricsSnapshot {
  machines: Machine[];
  /** Polls of the listed machines, from this refresh only (none for a part that failed). */
  polls: PollResult[];
  /** One health entry per server. */
  parts: Record<string, ProviderHealth>;
}

/** A provider whose hosts are probed by a metrics server rather than over SSH (Prometheus). */
export interface MetricsProvider {
  name: string;
  /** Lists the fleet and its state in a handful of queries. Never throws: a failing server is a part with ok=false, its last good machines kept. */
  refresh(): Promise<MetricsSnapshot>;
  /** Runs an API action on a host it listed ("alertmanager.silence"). Never throws. */
  run?(machine: Machine, action: string, params: Record<string, string>): Promise<CloudActionOutcome>;
  /** Frees what it holds (a worker thread); the console is closing. */
  close?(): Promise<void>;
}
