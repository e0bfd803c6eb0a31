import type { HostProbe, Machine, PollResult, ServiceStatus, SshTarget, VolumeStatus } from '../../src/model/index.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { defaultIdentityFiles, defaultKnownHostsFiles, type ProviderEnv } from '../ssh-defaults.js';
import type { PrometheusConfig } from './config.js';
import { FS_PARTS, HOST_PARTS, SLOW_QUERIES, type FsPart, type HostPart, type QueryName } from './queries.js';
import { forEachSeries, type Answer, type SeriesLabels } from './vector-scan.js';

/** Each query's answer: parsed samples, or a source that reads them from the answer's text. */
export type FleetAnswers = Record<QueryName, Answer>;

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
  values: Partial<Record<FsPart, number>>;
}

/** Filesystem parts that only join a filesystem the fresh parts named (their answers may be minutes old). */
const fsJoins = (code: FsPart) => SLOW_QUERIES.includes(`fs.${code}`);
/** The filesystem parts in the order the mapping reads them: the fresh ones, which name filesystems, first. */
const FS_ORDER = (Object.keys(FS_PARTS) as FsPart[]).sort((a, b) => Number(fsJoins(a)) - Number(fsJoins(b)));

/** The host parts in the order the mapping reads them: node_time_seconds first (see mapFleet). */
const HOST_ORDER = (Object.keys(HOST_PARTS) as HostPart[]).sort((a, b) => Number(b === 't') - Number(a === 't'));

/** Everything the answers say about one host. */
interface HostSeries {
  labels: Record<string, string>;
  up?: number;
  scrapeSec?: number;
  scrapedAtSec?: number;
  scalars: Partial<Record<HostPart, number>>;
  uname?: { nodename: string | undefined; release: string | undefined };
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
  /**
   * Live hosts without a uname series and filesystems without a size (as "host" and "host mount"):
   * what the slow answers did not cover, new since they were read when they were reused.
   */
  uncovered: string[];
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
 * Each answer is read once, in a fixed order (the caller may parse it only when it is read).
 */
export function mapFleet(answers: FleetAnswers, cfg: PrometheusConfig, server: string, defaults: FleetDefaults, nowMs: number): MappedFleet {
  const hosts = new Map<string, HostSeries>();
  const bad = new Set<string>();
  const hostLabel = cfg.labels.name;
  // Each host's label value comes back on each of its 30-odd series: checked once, then one lookup
  // finds the host by the label's value as it came.
  const names = new Map<string, string | undefined>();
  const byRaw = new Map<string, HostSeries>();
  const keyOf = (raw: string): string | undefined => {
    if (names.has(raw)) return names.get(raw);
    const name = hostLabel === 'instance' ? stripPort(raw) : raw;
    const ok = HOST_NAME.test(name) ? name : undefined;
    if (!ok) bad.add(text(raw));
    names.set(raw, ok);
    return ok;
  };
  const hostOf = (labels: SeriesLabels, create: boolean): HostSeries | undefined => {
    const raw = labels.get(hostLabel);
    if (raw === undefined) {
      bad.add(`(no ${hostLabel} label)`);
      return undefined;
    }
    let h = byRaw.get(raw);
    if (h) return h;
    const key = keyOf(raw);
    if (key === undefined) return undefined;
    h = hosts.get(key);
    if (!h && create) {
      h = { labels: labels.all(), scalars: {}, filesystems: new Map(), units: new Map(), expected: new Set() };
      hosts.set(key, h);
    }
    if (h) byRaw.set(raw, h);
    return h;
  };

  // The fleet: every scrape target of the job, and every host whose node_exporter reports its clock
  // (honor_labels exporters). The slow answers (uname, totals, sizes: SLOW_QUERIES) may be minutes
  // old, so they only join onto hosts and filesystems the fresh answers name: a host or filesystem
  // gone since is not brought back by them.
  forEachSeries(answers.targets, (labels, value) => {
    const h = hostOf(labels, true);
    if (!h) return;
    h.labels = labels.all();
    h.up = Math.max(h.up ?? 0, value);
  });
  forEachSeries(answers.scrapeSec, (labels, value) => {
    const h = hostOf(labels, true);
    if (h) h.scrapeSec = value;
  });
  forEachSeries(answers.scrapedAt, (labels, value) => {
    const h = hostOf(labels, false);
    if (h) h.scrapedAtSec = Math.max(h.scrapedAtSec ?? 0, value);
  });
  // The clock first: it names the hosts that have no up series of their own.
  for (const code of HOST_ORDER) {
    forEachSeries(answers[`host.${code}`], (labels, value) => {
      const h = hostOf(labels, code === 't');
      if (h) h.scalars[code] = value;
    });
  }
  forEachSeries(answers.uname, (labels) => {
    const h = hostOf(labels, false);
    if (h) h.uname = { nodename: labels.get('nodename'), release: labels.get('release') };
  });
  forEachSeries(answers.expected, (labels, value) => {
    const h = hostOf(labels, false);
    const svc = labels.get('service');
    if (h && value > 0 && svc && SERVICE_NAME.test(svc)) h.expected.add(svc);
  });
  forEachSeries(answers.cpus, (labels, value) => {
    const h = hostOf(labels, false);
    if (h) h.cpus = value;
  });
  // The fresh values (free, avail, free inodes, read-only) name the filesystems; size (which brings
  // the type) and inode total join them by mountpoint and device.
  for (const code of FS_ORDER) {
    const joins = fsJoins(code);
    forEachSeries(answers[`fs.${code}`], (labels, value) => {
      const h = hostOf(labels, false);
      const mount = labels.get('mountpoint');
      if (!h || !mount) return;
      const device = labels.get('device') ?? '';
      const key = `${mount}\0${device}`;
      let fs = h.filesystems.get(key);
      if (!fs) {
        if (joins) return;
        fs = { mount: text(mount, 512), device: text(device, 512), fstype: '', values: {} };
        h.filesystems.set(key, fs);
      }
      if (code === 's') fs.fstype = text(labels.get('fstype'));
      fs.values[code] = value;
    });
  }
  forEachSeries(answers.units, (labels) => {
    const h = hostOf(labels, false);
    const name = labels.get('name');
    const state = labels.get('state');
    if (!h || !name || !UNIT_NAME.test(name) || !state || !SYSTEMD_ACTIVE.has(state)) return;
    h.units.set(name, { ...h.units.get(name), state });
  });
  forEachSeries(answers['unit.r'], (labels, value) => {
    const unit = hostOf(labels, false)?.units.get(labels.get('name') ?? '');
    if (unit) unit.restarts = value;
  });
  forEachSeries(answers['unit.s'], (labels, value) => {
    const unit = hostOf(labels, false)?.units.get(labels.get('name') ?? '');
    if (unit && value > 0) unit.startSec = value;
  });

  const uncovered: string[] = [];
  for (const [name, h] of hosts) {
    if (h.scalars.t !== undefined && h.uname === undefined) uncovered.push(name);
    for (const [key, fs] of h.filesystems) if (fs.values.s === undefined) uncovered.push(`${name} ${key}`);
  }
  const machines: Machine[] = [];
  const polls: PollResult[] = [];
  for (const [name, h] of [...hosts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const machine = toMachine(name, h, cfg, server, defaults);
    machines.push(machine);
    polls.push(toPoll(machine, h, nowMs));
  }
  const warnings = bad.size ? [`prometheus ${server}: ${bad.size} target(s) skipped: no usable "${cfg.labels.name}" label (${[...bad].slice(0, 3).join(', ')})`] : [];
  return { machines, polls, warnings, uncovered };
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
  const n = (part: HostPart) => h.scalars[part] ?? 0;
  const nodeTime = h.scalars.t;
  const boot = h.scalars.bt;
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
  if (n('tx') > 0) warnings.push('node_exporter textfile collector: a .prom file could not be read');
  return {
    hostname: text(h.uname?.['nodename'], 253) || name,
    // The clock detector adds back half a second for `date +%s` truncation; node_time_seconds is exact.
    remoteTimeMs: nodeTime !== undefined ? Math.round(nodeTime * 1000) - 500 : 0,
    uptimeSec: nodeTime !== undefined && boot !== undefined ? Math.max(0, Math.round(nodeTime - boot)) : 0,
    load1: n('l1'),
    load5: n('l5'),
    load15: n('l15'),
    cpus: h.cpus ?? 0,
    memTotalBytes: n('mt'),
    memAvailableBytes: n('ma'),
    swapTotalBytes: n('st'),
    swapFreeBytes: n('sf'),
    kernel: text(h.uname?.['release'], 128),
    init: services.length ? 'systemd' : 'unknown',
    volumes: [...h.filesystems.values()].map(toVolume),
    services,
    warnings,
  };
}

function toVolume(fs: Filesystem): VolumeStatus {
  const v = (part: FsPart) => Math.max(0, fs.values[part] ?? 0);
  const size = v('s');
  const files = v('i');
  // df's "used" is size minus free (root's reserve counts as used for nobody); avail is what users may still write.
  return {
    mount: fs.mount,
    device: fs.device,
    fstype: fs.fstype,
    sizeBytes: size,
    usedBytes: Math.max(0, size - v('f')),
    availBytes: v('a'),
    inodesTotal: files,
    inodesUsed: Math.max(0, files - v('if')),
    readOnly: (fs.values.ro ?? 0) > 0,
  };
}
