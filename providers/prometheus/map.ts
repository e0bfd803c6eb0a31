import type { Machine, PollResult, SshTarget } from '../../src/model/index.js';
import { sanitizeLine } from '../../src/util/sanitize.js';
import { defaultIdentityFiles, defaultKnownHostsFiles, type ProviderEnv } from '../ssh-defaults.js';
import type { PrometheusConfig } from './config.js';
import { FS_COLUMNS, FsColumn, HOST_COLUMNS, HOST_TEXT, HostColumn, pollsOf, UNIT_COLUMNS, type FleetColumns } from './fleet-columns.js';
import { HostItems } from './host-items.js';
import { FS_PARTS, HOST_PARTS, SLOW_QUERIES, type FsPart, type HostPart, type QueryName } from './queries.js';
import { forEachSeries, type Answer, type SeriesLabels } from './series-labels.js';

/** Each query's answer: parsed samples, or a source of them (compact samples, see vector-stream.ts). */
export type FleetAnswers = Record<QueryName, Answer>;

/** A host name or address as it may reach the grid, a known_hosts line and an SSH dial. */
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/;
/** A systemd service unit name as the SSH probe accepts it. */
const UNIT_NAME = /^[A-Za-z0-9:_.@\\-]{1,200}\.service$/;
const SERVICE_NAME = /^[A-Za-z0-9:_.@-]{1,200}$/;
const SYSTEMD_ACTIVE = new Set(['active', 'inactive', 'failed', 'activating', 'deactivating', 'reloading']);

/** "host:9100" → "host", "[::1]:9100" → "::1"; other label values unchanged. */
export function stripPort(value: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (v6) return v6[1]!;
  return value.replace(/:\d{1,5}$/, '');
}

const text = (v: string | undefined, max = 64) => (v === undefined ? '' : sanitizeLine(v).slice(0, max));

/** text() for values a fleet repeats (mounts, devices, filesystem types, kernels): each distinct one sanitized once a refresh. */
function repeatedText(max: number): (v: string | undefined) => string {
  const done = new Map<string, string>();
  return (v) => {
    if (v === undefined) return '';
    let t = done.get(v);
    if (t === undefined) {
      t = text(v, max);
      done.set(v, t);
    }
    return t;
  };
}

/** Filesystem parts that only join a filesystem the fresh parts named (their answers may be minutes old). */
const fsJoins = (code: FsPart) => SLOW_QUERIES.includes(`fs.${code}`);
/** The filesystem parts in the order the mapping reads them: the fresh ones, which name filesystems, first. */
const FS_ORDER = (Object.keys(FS_PARTS) as FsPart[]).sort((a, b) => Number(fsJoins(a)) - Number(fsJoins(b)));

/** The host parts in the order the mapping reads them: node_time_seconds first (see mapColumns). */
const HOST_ORDER = (Object.keys(HOST_PARTS) as HostPart[]).sort((a, b) => Number(b === 't') - Number(a === 't'));

/** What one server's answers map to: the machines, their polls as columns, and what the refresh noticed. */
export interface MappedColumns {
  /** Makes the machines (a fleet's targets rarely change: a caller holding the ones of the same machinesInput need not). */
  makeMachines: () => Machine[];
  /** What the machines are made of (their names, target labels and declared services, the settings): equal text, equal machines. */
  machinesInput: string;
  columns: FleetColumns;
  /** Series skipped because their host label is missing or not a host name (counted, shown once). */
  warnings: string[];
  /**
   * Live hosts without a uname series and filesystems without a size (as "host" and "host mount"):
   * what the slow answers did not cover, new since they were read when they were reused.
   */
  uncovered: string[];
}

export interface MappedFleet {
  machines: Machine[];
  polls: PollResult[];
  warnings: string[];
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

/** Query answers of one server → machines and one poll per machine (see mapColumns). */
export function mapFleet(answers: FleetAnswers, cfg: PrometheusConfig, server: string, defaults: FleetDefaults, nowMs: number): MappedFleet {
  const { makeMachines, columns, warnings, uncovered } = mapColumns(answers, cfg, server, defaults, nowMs);
  return { machines: makeMachines(), polls: pollsOf(columns), warnings, uncovered };
}

/**
 * Query answers of one server → machines and their polls as columns. Pure: `nowMs` is the query's
 * evaluation time; `defaults` come from fleetDefaults (plain data, so this can run in a worker).
 * Each answer is read once, in a fixed order.
 * Hosts, filesystems and units are numbered as they come and their numbers kept in flat arrays, not
 * an object each: at 10,000 hosts those objects were most of what the worker's collector copied.
 * A host's target labels stay text until its machine is made (makeMachines): a fleet's targets
 * rarely change, and a caller that holds the machines of the same machinesInput need not make them.
 */
export function mapColumns(answers: FleetAnswers, cfg: PrometheusConfig, server: string, defaults: FleetDefaults, nowMs: number): MappedColumns {
  const bad = new Set<string>();
  const hostLabel = cfg.labels.name;
  // Hosts by number: their name, target labels (as JSON text), uname, expected services, HOST_COLUMNS numbers each.
  const hostIds = new Map<string, number>();
  const names: string[] = [];
  const labelsOf: string[] = [];
  const nodename: (string | undefined)[] = [];
  const release: (string | undefined)[] = [];
  const expected: (Set<string> | undefined)[] = [];
  const hv: number[] = [];
  // Each host's label value comes back on each of its 30-odd series: checked once, then one lookup
  // finds the host by the label's value as it came.
  const checked = new Map<string, string | undefined>();
  const byRaw = new Map<string, number>();
  const keyOf = (raw: string): string | undefined => {
    if (checked.has(raw)) return checked.get(raw);
    const name = hostLabel === 'instance' ? stripPort(raw) : raw;
    const ok = HOST_NAME.test(name) ? name : undefined;
    if (!ok) bad.add(text(raw));
    checked.set(raw, ok);
    return ok;
  };
  // The host label's value each host was first named by. A host's series come together in an answer,
  // and hosts in the same order answer after answer: the last series' host and the one after it are
  // tried first, by comparing that value (no lookup), nearly always a match.
  const rawOf: string[] = [];
  let last = -1;
  /** The host's number, or -1: a series without a usable host label, or (create false) of a host not named yet. */
  const hostOf = (labels: SeriesLabels, create: boolean): number => {
    if (last >= 0) {
      if (labels.is(hostLabel, rawOf[last]!)) return last;
      if (last + 1 < rawOf.length && labels.is(hostLabel, rawOf[last + 1]!)) return ++last;
    }
    const h = lookUpHost(labels, create);
    if (h >= 0) last = h;
    return h;
  };
  const lookUpHost = (labels: SeriesLabels, create: boolean): number => {
    const raw = labels.get(hostLabel);
    if (raw === undefined) {
      bad.add(`(no ${hostLabel} label)`);
      return -1;
    }
    let h = byRaw.get(raw);
    if (h !== undefined) return h;
    const key = keyOf(raw);
    if (key === undefined) return -1;
    h = hostIds.get(key);
    if (h === undefined) {
      if (!create) return -1;
      h = names.length;
      hostIds.set(key, h);
      names.push(key);
      rawOf.push(raw);
      labelsOf.push(labels.source());
      nodename.push(undefined);
      release.push(undefined);
      expected.push(undefined);
      for (let c = 0; c < HOST_COLUMNS; c++) hv.push(Number.NaN);
    }
    byRaw.set(raw, h);
    return h;
  };
  const setHost = (h: number, col: number, value: number) => {
    hv[h * HOST_COLUMNS + col] = value;
  };
  const hostValue = (h: number, col: number) => hv[h * HOST_COLUMNS + col]!;

  // The fleet: every scrape target of the job, and every host whose node_exporter reports its clock
  // (honor_labels exporters). The slow answers (uname, totals, sizes: SLOW_QUERIES) may be minutes
  // old, so they only join onto hosts and filesystems the fresh answers name: a host or filesystem
  // gone since is not brought back by them.
  forEachSeries(answers.targets, (labels, value) => {
    const known = names.length;
    const h = hostOf(labels, true);
    if (h < 0) return;
    if (h < known) labelsOf[h] = labels.source();
    const up = hostValue(h, HostColumn.up);
    setHost(h, HostColumn.up, Number.isNaN(up) ? Math.max(0, value) : Math.max(up, value));
  });
  forEachSeries(answers.scrapeSec, (labels, value) => {
    const h = hostOf(labels, true);
    if (h >= 0) setHost(h, HostColumn.latency, value);
  });
  forEachSeries(answers.scrapedAt, (labels, value) => {
    const h = hostOf(labels, false);
    if (h < 0) return;
    const at = hostValue(h, HostColumn.at);
    setHost(h, HostColumn.at, Number.isNaN(at) ? Math.max(0, value) : Math.max(at, value));
  });
  // The clock first: it names the hosts that have no up series of their own.
  for (const code of HOST_ORDER) {
    const col = HostColumn[code];
    forEachSeries(answers[`host.${code}`], (labels, value) => {
      const h = hostOf(labels, code === 't');
      if (h >= 0) setHost(h, col, value);
    });
  }
  forEachSeries(answers.uname, (labels) => {
    const h = hostOf(labels, false);
    if (h < 0) return;
    nodename[h] = labels.get('nodename') ?? '';
    release[h] = labels.get('release') ?? '';
  });
  forEachSeries(answers.expected, (labels, value) => {
    const h = hostOf(labels, false);
    const svc = labels.get('service');
    if (h >= 0 && value > 0 && svc && SERVICE_NAME.test(svc)) (expected[h] ??= new Set()).add(svc);
  });
  forEachSeries(answers.cpus, (labels, value) => {
    const h = hostOf(labels, false);
    if (h >= 0) setHost(h, HostColumn.cpus, value);
  });

  // Filesystems by number (fsItems: host and raw key, mount and device): text, FS_COLUMNS numbers each. The
  // fresh values (free, avail, free inodes, read-only) name them; size (which brings the type) and
  // inode total join them by mountpoint and device.
  const pathText = repeatedText(512);
  const shortText = repeatedText(64);
  const fsItems = new HostItems();
  const fsMount: string[] = [];
  const fsDevice: string[] = [];
  const fsType: string[] = [];
  const fv: number[] = [];
  for (const code of FS_ORDER) {
    const joins = fsJoins(code);
    const col = FsColumn[code];
    forEachSeries(answers[`fs.${code}`], (labels, value) => {
      const h = hostOf(labels, false);
      if (h < 0) return;
      const mount = labels.get('mountpoint');
      if (!mount) return;
      const device = labels.get('device') ?? '';
      let f = fsItems.find(h, mount, device);
      if (f < 0) {
        if (joins) return;
        f = fsItems.add(h, mount, device);
        fsMount.push(pathText(mount));
        fsDevice.push(pathText(device));
        fsType.push('');
        for (let c = 0; c < FS_COLUMNS; c++) fv.push(Number.NaN);
      }
      if (code === 's') fsType[f] = shortText(labels.get('fstype'));
      fv[f * FS_COLUMNS + col] = value;
    });
  }

  // Units by number (unitItems: host and unit name): name as shown, state, start time and restarts.
  const unitItems = new HostItems();
  const unitName: string[] = [];
  const unitState: string[] = [];
  const uv: number[] = [];
  forEachSeries(answers.units, (labels) => {
    const h = hostOf(labels, false);
    const name = labels.get('name');
    const state = labels.get('state');
    if (h < 0 || !name || !UNIT_NAME.test(name) || !state || !SYSTEMD_ACTIVE.has(state)) return;
    const u = unitItems.find(h, name);
    if (u >= 0) {
      unitState[u] = state;
      return;
    }
    unitItems.add(h, name);
    // Named as the SSH probe names them ("apache2"), so the grid's counts and the findings read the same.
    unitName.push(name.replace(/\.service$/, ''));
    unitState.push(state);
    uv.push(Number.NaN, Number.NaN);
  });
  const unitOf = (labels: SeriesLabels): number => {
    const h = hostOf(labels, false);
    if (h < 0) return -1;
    return unitItems.find(h, labels.get('name') ?? '');
  };
  forEachSeries(answers['unit.r'], (labels, value) => {
    const u = unitOf(labels);
    if (u >= 0) uv[u * UNIT_COLUMNS + 1] = value;
  });
  forEachSeries(answers['unit.s'], (labels, value) => {
    const u = unitOf(labels);
    if (u >= 0 && value > 0) uv[u * UNIT_COLUMNS] = value;
  });

  const uncovered: string[] = [];
  const fsByHost = groupByHost(fsItems.hosts, Int32Array.from(names, (_, h) => h), names.length);
  names.forEach((name, h) => {
    if (!Number.isNaN(hostValue(h, HostColumn.t)) && nodename[h] === undefined) uncovered.push(name);
    for (let at = fsByHost.start[h]!; at < fsByHost.start[h + 1]!; at++) {
      const f = fsByHost.order[at]!;
      if (Number.isNaN(fv[f * FS_COLUMNS + FsColumn.s]!)) uncovered.push(`${name} ${fsItems.key(f).join('\0')}`);
    }
  });

  // The columns, hosts in name order; each host's filesystems and units together, in the order they came.
  const order = names.map((_, h) => h).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const rank = new Int32Array(names.length);
  order.forEach((h, r) => (rank[h] = r));
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const str = (s: string): number => {
    let id = stringIds.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      stringIds.set(s, id);
    }
    return id;
  };
  const kernelText = repeatedText(128);
  const n = names.length;
  const hostValues = new Float64Array(n * HOST_COLUMNS);
  const hostText = new Int32Array(n * HOST_TEXT);
  const hostnames: string[] = new Array(n);
  const sortedNames: string[] = new Array(n);
  const input = [`${server}\u0001${JSON.stringify(cfg)}\u0001${JSON.stringify(defaults)}`];
  order.forEach((h, r) => {
    const name = names[h]!;
    sortedNames[r] = name;
    input.push(name, labelsOf[h]!, expected[h] ? [...expected[h]].join(',') : '');
    for (let c = 0; c < HOST_COLUMNS; c++) hostValues[r * HOST_COLUMNS + c] = hv[h * HOST_COLUMNS + c]!;
    // A poll is dated by the scrape it comes from: it saw the host as it was then, not at query time.
    const at = hostValue(h, HostColumn.at);
    const latency = hostValue(h, HostColumn.latency);
    hostValues[r * HOST_COLUMNS + HostColumn.at] = Number.isNaN(at) ? nowMs : Math.round(at * 1000);
    hostValues[r * HOST_COLUMNS + HostColumn.latency] = Number.isNaN(latency) ? 0 : Math.round(latency * 1000);
    hostnames[r] = text(nodename[h], 253);
    hostText[r * HOST_TEXT] = str(kernelText(release[h]));
    // The scrape target, for the error of a host Prometheus cannot scrape.
    hostText[r * HOST_TEXT + 1] = hostValue(h, HostColumn.up) === 0 ? str(text(ownLabel(labelSet(labelsOf[h]!), 'instance'), 200)) : str('');
  });
  // Names hold no NUL, label text no raw control character, service names no comma: one reading only.
  const machinesInput = input.join('\u0000');
  const makeMachines = () => order.map((h, r) => toMachine(sortedNames[r]!, labelSet(labelsOf[h]!), expected[h], cfg, server, defaults));
  // Texts in the order of FS_TEXT and UNIT_TEXT (fleet-columns.ts).
  const fs = itemColumns(fsItems.hosts, rank, [fsMount, fsDevice, fsType], fv, FS_COLUMNS, str);
  const units = itemColumns(unitItems.hosts, rank, [unitName, unitState], uv, UNIT_COLUMNS, str);
  const columns: FleetColumns = {
    names: sortedNames,
    hostnames,
    hostValues,
    hostText,
    fsStart: fs.start,
    fsText: fs.text,
    fsValues: fs.values,
    unitStart: units.start,
    unitText: units.text,
    unitValues: units.values,
    strings,
  };
  const warnings = bad.size ? [`prometheus ${server}: ${bad.size} target(s) skipped: no usable "${hostLabel}" label (${[...bad].slice(0, 3).join(', ')})`] : [];
  return { makeMachines, machinesInput, columns, warnings, uncovered };
}

/**
 * Items (filesystems, units) grouped by their host's rank, in the order they came within a host:
 * `order` lists the items so, and host r's are order[start[r] .. start[r + 1]].
 */
function groupByHost(hostOfItem: readonly number[], rank: Int32Array, hosts: number): { start: Int32Array; order: number[] } {
  const start = new Int32Array(hosts + 1);
  for (const h of hostOfItem) start[rank[h]! + 1]!++;
  for (let r = 0; r < hosts; r++) start[r + 1]! += start[r]!;
  const next = start.slice(0, hosts);
  const order: number[] = new Array(hostOfItem.length);
  hostOfItem.forEach((h, item) => (order[next[rank[h]!]!++] = item));
  return { start, order };
}

/** Items (filesystems, units) as columns, grouped by their host's rank: their texts as string ids, `width` numbers each. */
function itemColumns(hostOfItem: readonly number[], rank: Int32Array, texts: readonly (readonly string[])[], values: readonly number[], width: number, str: (s: string) => number) {
  const { start, order } = groupByHost(hostOfItem, rank, rank.length);
  const text = new Int32Array(order.length * texts.length);
  const out = new Float64Array(order.length * width);
  order.forEach((item, at) => {
    texts.forEach((column, t) => (text[at * texts.length + t] = str(column[item]!)));
    for (let c = 0; c < width; c++) out[at * width + c] = values[item * width + c]!;
  });
  return { start, text, values: out };
}

/** A label set's JSON text (SeriesLabels.source) as its object. */
const labelSet = (source: string): Record<string, string> => JSON.parse(source) as Record<string, string>;

/** A label's value when the series has it as its own (a label named like an Object method is no label). */
const ownLabel = (labels: Record<string, string>, name: string): string | undefined => (Object.hasOwn(labels, name) ? labels[name] : undefined);

function toMachine(name: string, labels: Record<string, string>, expected: Set<string> | undefined, cfg: PrometheusConfig, server: string, defaults: FleetDefaults): Machine {
  const l = (label: string) => ownLabel(labels, label);
  const ssh = sshTarget(l(cfg.labels.address), cfg, defaults);
  const services = [...new Set([...cfg.services, ...(expected ?? [])])];
  return {
    id: name,
    name,
    provider: 'prometheus',
    site: text(l(cfg.labels.site)) || defaults.site,
    pool: text(l(cfg.labels.pool)) || text(l('job')) || 'prometheus',
    role: text(l(cfg.labels.role)),
    ...(ssh ? { ssh } : {}),
    services,
    logs: [],
    origin: sanitizeLine(`prometheus ${server} job=${l('job') ?? '?'} instance=${l('instance') ?? '?'}`).slice(0, 300),
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

