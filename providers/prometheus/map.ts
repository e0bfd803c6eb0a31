import type { HostProbe, Machine, PollResult, ServiceStatus, SshTarget, VolumeStatus } from '../../src/model/index.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { defaultIdentityFiles, defaultKnownHostsFiles, type ProviderEnv } from '../ssh-defaults.js';
import type { PrometheusConfig } from './config.js';
import type { PromSample } from './http-query.js';
import type { QueryName } from './queries.js';

export type FleetAnswers = Record<QueryName, PromSample[]>;

/** A host name or address as it may reach the grid, a known_hosts line and an SSH dial. */
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/;
/** A systemd service unit name as the SSH probe accepts it. */
const UNIT_NAME = /^[A-Za-z0-9:_.@\\-]{1,200}\.service$/;
const SERVICE_NAME = /^[A-Za-z0-9:_.@-]{1,200}$/;
const SYSTEMD_ACTIVE = new Set(['active', 'inactive', 'failed', 'activating', 'deactivating', 'reloading']);
/** node_exporter has no SubState: the usual one for each ActiveState, so the lines read as the SSH probe's do. */
const SUB_OF: Record<string, string> = { active: 'running', inactive: 'dead', failed: 'failed', activating: 'start', deactivating: 'stop', reloading: 'reload' };

/** "host:9100" → "host", "[::1]:9100" → "::1"; other label values unchanged. */
export function stripPort(value: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (v6) return v6[1]!;
  return value.replace(/:\d{1,5}$/, '');
}

const text = (v: string | undefined, max = 64) => (v === undefined ? '' : sanitizeLine(v).slice(0, max));

interface Filesystem {
  mount: string;
  device: string;
  fstype: string;
  values: Map<string, number>;
}

/** Everything the answers say about one host. */
interface HostSeries {
  labels: Record<string, string>;
  up?: number;
  scrapeSec?: number;
  scrapedAtSec?: number;
  scalars: Map<string, number>;
  uname?: Record<string, string>;
  cpus?: number;
  filesystems: Map<string, Filesystem>;
  units: Map<string, { state: string; restarts?: number; startSec?: number }>;
  expected: Set<string>;
}

export interface MappedFleet {
  machines: Machine[];
  polls: PollResult[];
  /** Series skipped because their host label is missing or not a host name (counted, shown once). */
  warnings: string[];
}

/** What every host of one server shares: worked out once per refresh (the identity files are looked for on disk). */
export interface FleetDefaults {
  /** The site of a host without a site label: the server's host:port. */
  site: string;
  user: string;
  identityFiles: string[];
  knownHostsFiles: string[];
}

export function fleetDefaults(cfg: PrometheusConfig, server: string, env: ProviderEnv): FleetDefaults {
  return {
    site: new URL(server).host,
    user: cfg.ssh.user ?? env.localUser,
    identityFiles: cfg.ssh.key ? [cfg.ssh.key] : defaultIdentityFiles(env),
    knownHostsFiles: cfg.ssh.knownHosts ? [cfg.ssh.knownHosts] : defaultKnownHostsFiles(env),
  };
}

/**
 * Query answers of one server → machines and one poll per machine. Pure: `nowMs` is the query's
 * evaluation time; `defaults` come from fleetDefaults (plain data, so this can run in a worker).
 */
export function mapFleet(answers: FleetAnswers, cfg: PrometheusConfig, server: string, defaults: FleetDefaults, nowMs: number): MappedFleet {
  const hosts = new Map<string, HostSeries>();
  const bad = new Set<string>();
  // Each host's label value comes back on each of its 30-odd series: checked once.
  const names = new Map<string, string | undefined>();
  const keyOf = (metric: Record<string, string>): string | undefined => {
    const raw = metric[cfg.labels.name];
    if (raw === undefined) {
      bad.add(`(no ${cfg.labels.name} label)`);
      return undefined;
    }
    if (names.has(raw)) return names.get(raw);
    const name = cfg.labels.name === 'instance' ? stripPort(raw) : raw;
    const ok = HOST_NAME.test(name) ? name : undefined;
    if (!ok) bad.add(text(raw));
    names.set(raw, ok);
    return ok;
  };
  const hostOf = (metric: Record<string, string>, create: boolean): HostSeries | undefined => {
    const key = keyOf(metric);
    if (key === undefined) return undefined;
    let h = hosts.get(key);
    if (!h && create) {
      h = { labels: metric, scalars: new Map(), filesystems: new Map(), units: new Map(), expected: new Set() };
      hosts.set(key, h);
    }
    return h;
  };

  // The fleet: every scrape target of the job, and every host a node_exporter series names (honor_labels exporters).
  for (const s of answers.targets) {
    const h = hostOf(s.metric, true);
    if (!h) continue;
    if (s.metric['__name__'] === 'up') {
      h.labels = s.metric;
      h.up = Math.max(h.up ?? 0, s.value);
    } else h.scrapeSec = s.value;
  }
  for (const s of answers.scrapedAt) {
    const h = hostOf(s.metric, false);
    if (h && Number.isFinite(s.value)) h.scrapedAtSec = Math.max(h.scrapedAtSec ?? 0, s.value);
  }
  for (const s of answers.host) {
    const metricName = s.metric['__name__'] ?? '';
    const h = hostOf(s.metric, metricName === 'node_uname_info');
    if (!h) continue;
    if (metricName === 'node_uname_info') h.uname = s.metric;
    else if (metricName === 'remlite_expected_service') {
      const svc = s.metric['service'];
      if (s.value > 0 && svc && SERVICE_NAME.test(svc)) h.expected.add(svc);
    } else h.scalars.set(metricName, s.value);
  }
  for (const s of answers.cpus) {
    const h = hostOf(s.metric, false);
    if (h) h.cpus = s.value;
  }
  for (const s of answers.filesystems) {
    const h = hostOf(s.metric, false);
    const mount = s.metric['mountpoint'];
    if (!h || !mount) continue;
    const device = s.metric['device'] ?? '';
    const key = `${mount}\0${device}`;
    let fs = h.filesystems.get(key);
    if (!fs) {
      fs = { mount: text(mount, 512), device: text(device, 512), fstype: text(s.metric['fstype']), values: new Map() };
      h.filesystems.set(key, fs);
    }
    fs.values.set(s.metric['__name__'] ?? '', s.value);
  }
  for (const s of answers.units) {
    const h = hostOf(s.metric, false);
    const name = s.metric['name'];
    const state = s.metric['state'];
    if (!h || !name || !UNIT_NAME.test(name) || !state || !SYSTEMD_ACTIVE.has(state)) continue;
    h.units.set(name, { ...h.units.get(name), state });
  }
  for (const s of answers.unitExtras) {
    const h = hostOf(s.metric, false);
    const unit = h?.units.get(s.metric['name'] ?? '');
    if (!unit) continue;
    if (s.metric['__name__'] === 'node_systemd_service_restart_total') unit.restarts = s.value;
    else if (s.value > 0) unit.startSec = s.value;
  }

  const machines: Machine[] = [];
  const polls: PollResult[] = [];
  for (const [name, h] of [...hosts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const machine = toMachine(name, h, cfg, server, defaults);
    machines.push(machine);
    polls.push(toPoll(machine, h, nowMs));
  }
  const warnings = bad.size ? [`prometheus ${server}: ${bad.size} target(s) skipped: no usable "${cfg.labels.name}" label (${[...bad].slice(0, 3).join(', ')})`] : [];
  return { machines, polls, warnings };
}

function toMachine(name: string, h: HostSeries, cfg: PrometheusConfig, server: string, defaults: FleetDefaults): Machine {
  const l = h.labels;
  const ssh = sshTarget(l[cfg.labels.address], cfg, defaults);
  const services = [...new Set([...cfg.services, ...h.expected])];
  return {
    id: name,
    name,
    provider: 'prometheus',
    site: text(l[cfg.labels.site]) || defaults.site,
    pool: text(l[cfg.labels.pool]) || text(l['job']) || 'prometheus',
    role: text(l[cfg.labels.role]),
    ...(ssh ? { ssh } : {}),
    services,
    logs: [],
    origin: sanitizeLine(`prometheus ${server} job=${l['job'] ?? '?'} instance=${l['instance'] ?? '?'}`).slice(0, 300),
    probedBy: 'prometheus',
  };
}

/** The SSH target from the address label and the provider's SSH defaults; none when the label is missing or not a host. */
function sshTarget(label: string | undefined, cfg: PrometheusConfig, defaults: FleetDefaults): SshTarget | undefined {
  if (!label) return undefined;
  const host = stripPort(label);
  if (!HOST_NAME.test(host) && !/^[0-9a-fA-F:]+$/.test(host)) return undefined;
  return {
    host,
    port: cfg.ssh.port,
    user: defaults.user,
    identityFiles: [...defaults.identityFiles],
    knownHostsFiles: [...defaults.knownHostsFiles],
  };
}

function toPoll(machine: Machine, h: HostSeries, nowMs: number): PollResult {
  // A poll is dated by the scrape it comes from: it saw the host as it was then, not at query time.
  const at = h.scrapedAtSec !== undefined ? Math.round(h.scrapedAtSec * 1000) : nowMs;
  const latencyMs = h.scrapeSec !== undefined ? Math.round(h.scrapeSec * 1000) : 0;
  if (h.up === 0) {
    return { machineId: machine.id, at, reach: 'unreachable', latencyMs, error: `Prometheus cannot scrape ${text(h.labels['instance'], 200) || machine.name} (up == 0)` };
  }
  return { machineId: machine.id, at, reach: 'ok', latencyMs, probe: toProbe(machine.name, h) };
}

function toProbe(name: string, h: HostSeries): HostProbe {
  const n = (metric: string) => h.scalars.get(metric) ?? 0;
  const nodeTime = h.scalars.get('node_time_seconds');
  const boot = h.scalars.get('node_boot_time_seconds');
  const services: ServiceStatus[] = [...h.units].map(([unit, u]) => ({
    // Named as the SSH probe names them ("apache2"), so the grid's counts and the findings read the same.
    name: unit.replace(/\.service$/, ''),
    active: u.state,
    sub: SUB_OF[u.state] ?? u.state,
    load: 'loaded',
    ...(u.startSec !== undefined ? { sinceMs: Math.round(u.startSec * 1000) } : {}),
    ...(u.restarts !== undefined ? { restarts: u.restarts } : {}),
    init: 'systemd',
  }));
  const warnings: string[] = [];
  if (n('node_textfile_scrape_error') > 0) warnings.push('node_exporter textfile collector: a .prom file could not be read');
  return {
    hostname: text(h.uname?.['nodename'], 253) || name,
    // The clock detector adds back half a second for `date +%s` truncation; node_time_seconds is exact.
    remoteTimeMs: nodeTime !== undefined ? Math.round(nodeTime * 1000) - 500 : 0,
    uptimeSec: nodeTime !== undefined && boot !== undefined ? Math.max(0, Math.round(nodeTime - boot)) : 0,
    load1: n('node_load1'),
    load5: n('node_load5'),
    load15: n('node_load15'),
    cpus: h.cpus ?? 0,
    memTotalBytes: n('node_memory_MemTotal_bytes'),
    memAvailableBytes: n('node_memory_MemAvailable_bytes'),
    swapTotalBytes: n('node_memory_SwapTotal_bytes'),
    swapFreeBytes: n('node_memory_SwapFree_bytes'),
    kernel: text(h.uname?.['release'], 128),
    init: services.length ? 'systemd' : 'unknown',
    volumes: [...h.filesystems.values()].map(toVolume),
    services,
    warnings,
  };
}

function toVolume(fs: Filesystem): VolumeStatus {
  const v = (k: string) => Math.max(0, fs.values.get(k) ?? 0);
  const size = v('node_filesystem_size_bytes');
  const files = v('node_filesystem_files');
  // df's "used" is size minus free (root's reserve counts as used for nobody); avail is what users may still write.
  return {
    mount: fs.mount,
    device: fs.device,
    fstype: fs.fstype,
    sizeBytes: size,
    usedBytes: Math.max(0, size - v('node_filesystem_free_bytes')),
    availBytes: v('node_filesystem_avail_bytes'),
    inodesTotal: files,
    inodesUsed: Math.max(0, files - v('node_filesystem_files_free')),
    readOnly: (fs.values.get('node_filesystem_readonly') ?? 0) > 0,
  };
}
