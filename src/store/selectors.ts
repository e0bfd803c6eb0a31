import type { HostProbe, Reachability, Severity } from '../model/index.js';
import { SEVERITY_RANK, worstSeverity } from '../model/index.js';
import type { FleetData, HostState } from './fleet-store.js';

/** What the grid's state column says: the poller's reachability, or 'stale' when polls stopped arriving. */
export type RowState = Reachability | 'stale';
export type Health = 'ok' | 'warning' | 'critical' | 'unknown';

export interface HostRow {
  kind: 'host';
  id: string;
  name: string;
  provider: string;
  site: string;
  pool: string;
  /** Inventory groups the host is in (Ansible); `pool:` filters match them too. */
  groups: string[];
  role: string;
  state: RowState;
  /** The numbers come from an older probe (the latest poll failed or is too old). */
  stale: boolean;
  /** load1 of the probe the numbers come from; none when never probed. */
  loadValue?: number;
  memPct?: number;
  /** Worst of used/size and inodes used/total over all volumes. */
  diskPct?: number;
  servicesOk: number;
  servicesTotal: number;
  /** Names of the services the host declares or reports, whatever their state (the svc: filter). */
  services: string[];
  findings: number;
  worst: Severity;
  /** When the latest poll was made (its age is `now - lastAt`); none when never polled. */
  lastAt?: number;
  latencyMs?: number;
  health: Health;
  busy: boolean;
  /** The cloud state of an instance that is not running (pending, stopping, stopped...) or not probed over SSH, live from the provider. */
  cloudState?: string;
  /** In the operator's marked set (actions apply to every marked host). */
  marked?: boolean;
  /** EC2 instances: what the cloud API says of them (the INSTANCE, TYPE and EC2 columns, the id:, type: and az: filters). */
  instanceId?: string;
  instanceType?: string;
  az?: string;
  ec2State?: string;
}

export interface GroupRow {
  kind: 'group';
  pool: string;
  count: number;
  critical: number;
  warning: number;
}

export type FleetRow = HostRow | GroupRow;

export const SORT_KEYS = ['name', 'health', 'load', 'mem', 'disk', 'age', 'latency'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface FleetRowOptions {
  filter?: string;
  sortKey?: SortKey;
  sortDesc?: boolean;
  groupByPool?: boolean;
  now: number;
  /** A successful poll older than this shows the host as 'stale'. Default 5 minutes. */
  staleAfterMs?: number;
}

const FAILED: ReadonlySet<Reachability> = new Set(['unreachable', 'timeout', 'untrusted', 'auth-failed', 'unreadable']);
export const HEALTH_RANK: Record<Health, number> = { unknown: 0, ok: 1, warning: 2, critical: 3 };

export function memUsedPct(p: HostProbe): number | undefined {
  if (p.memTotalBytes <= 0) return undefined;
  return ((p.memTotalBytes - p.memAvailableBytes) / p.memTotalBytes) * 100;
}

function worstDiskPct(p: HostProbe): number | undefined {
  let worst: number | undefined;
  for (const v of p.volumes) {
    const parts: number[] = [];
    if (v.sizeBytes > 0) parts.push((v.usedBytes / v.sizeBytes) * 100);
    if (v.inodesTotal > 0) parts.push((v.inodesUsed / v.inodesTotal) * 100);
    for (const pct of parts) if (worst === undefined || pct > worst) worst = pct;
  }
  return worst;
}

/** Expected services that are active, over the expected ones (or over all reported ones when none is expected). */
function serviceCounts(h: HostState): { ok: number; total: number } {
  const reported = h.probe?.services ?? [];
  const expected = h.machine.services;
  if (expected.length === 0) {
    return { ok: reported.filter((s) => s.active === 'active').length, total: reported.length };
  }
  const active = new Set(reported.filter((s) => s.active === 'active').map((s) => s.name));
  return { ok: expected.filter((name) => active.has(name)).length, total: expected.length };
}

function healthOf(state: RowState, worst: Severity): Health {
  if (state === 'pending' || state === 'stale' || state === 'no-ssh' || state === 'cloud-stopped') return worst === 'critical' ? 'critical' : worst === 'warning' ? 'warning' : 'unknown';
  if (FAILED.has(state)) return 'critical';
  if (worst === 'critical') return 'critical';
  if (worst === 'warning' || state === 'slow') return 'warning';
  return 'ok';
}

// Host states are immutable (the store replaces a host's object when anything of it changes), and a
// row holds no age (only lastAt), so the clock changes a row only when its poll turns stale: the
// grid, the status bar and every redraw share one row per host until the host changes or goes
// stale, instead of rebuilding 10,000 rows each second.
const rowCache = new WeakMap<HostState, { builtAt: number; validUntil: number; staleAfterMs: number; row: HostRow }>();

/** The grid row of a host (shared: callers must not modify it). */
export function hostRow(h: HostState, now: number, staleAfterMs = 5 * 60_000): HostRow {
  const cached = rowCache.get(h);
  if (cached && cached.staleAfterMs === staleAfterMs && now >= cached.builtAt && now < cached.validUntil) return cached.row;
  const row = buildHostRow(h, now, staleAfterMs);
  // Fresh now, stale from last.at + staleAfterMs on; stale, failed (its failure is shown, not its age) or never polled stays so as time goes on.
  const turnsStale = h.last && row.state !== 'stale' && !FAILED.has(h.last.reach) ? h.last.at + staleAfterMs + 1 : Number.POSITIVE_INFINITY;
  rowCache.set(h, { builtAt: now, validUntil: turnsStale > now ? turnsStale : Number.POSITIVE_INFINITY, staleAfterMs, row });
  return row;
}

/**
 * The first moment after `now` at which one of these hosts' rows changes by the clock alone (its
 * poll turns stale); +Infinity when none will. Until then a fleet-wide selector (the grid's rows, the
 * summary counts) gives the same answer for any later clock, so its per-second redraw can reuse it.
 */
export function nextRowChange(state: Pick<FleetData, 'hosts' | 'order'>, now: number, staleAfterMs = 5 * 60_000): number {
  // The grid and the status bar both ask after each change of the fleet: the walk over every host is done once.
  const last = lastRowChange;
  if (last && last.hosts === state.hosts && last.order === state.order && last.staleAfterMs === staleAfterMs && now >= last.from && now < last.until) return last.until;
  let next = Number.POSITIVE_INFINITY;
  for (const id of state.order) {
    const h = state.hosts[id];
    if (!h) continue;
    hostRow(h, now, staleAfterMs);
    const until = rowCache.get(h)?.validUntil ?? now;
    if (until < next) next = until;
  }
  lastRowChange = { hosts: state.hosts, order: state.order, staleAfterMs, from: now, until: next };
  return next;
}

/** nextRowChange's last answer: the same for any clock from `from` until `until`, while the fleet is the same. */
let lastRowChange: { hosts: FleetData['hosts']; order: FleetData['order']; staleAfterMs: number; from: number; until: number } | undefined;

/** How long ago the row's latest poll was made; undefined when never polled. */
export function rowAgeMs(r: Pick<HostRow, 'lastAt'>, now: number): number | undefined {
  return r.lastAt === undefined ? undefined : Math.max(0, now - r.lastAt);
}

function buildHostRow(h: HostState, now: number, staleAfterMs: number): HostRow {
  const m = h.machine;
  const last = h.last;
  let state: RowState = last ? last.reach : 'pending';
  const lastFailed = !!last && FAILED.has(last.reach);
  if (last && !lastFailed && (h.cached || now - last.at > staleAfterMs)) state = 'stale';
  const p = h.probe;
  const stale = !!p && (state === 'stale' || !!h.cached || lastFailed || (last !== undefined && h.probeAt !== last.at));
  const worst = worstSeverity(h.findings.map((f) => f.severity));
  const svc = serviceCounts(h);
  const row: HostRow = {
    kind: 'host',
    id: m.id,
    name: m.name,
    provider: m.provider,
    site: m.site,
    pool: m.pool,
    groups: m.groups ?? [],
    role: m.role,
    state,
    stale,
    servicesOk: svc.ok,
    servicesTotal: svc.total,
    services: p ? [...m.services, ...p.services.map((x) => x.name)] : m.services,
    findings: h.findings.length,
    worst,
    health: healthOf(state, worst),
    busy: !!h.busyAction,
  };
  if (p) {
    row.loadValue = p.load1;
    row.memPct = memUsedPct(p);
    row.diskPct = worstDiskPct(p);
  }
  if (last) row.lastAt = last.at;
  if (last?.latencyMs !== undefined) row.latencyMs = last.latencyMs;
  if (m.cloud) {
    // An instance that is not probed over SSH (stopped, SSH probing off, no address) shows its cloud state instead.
    if (m.cloud.state !== 'running' || state === 'no-ssh') row.cloudState = m.cloud.state;
    row.instanceId = m.cloud.instanceId;
    row.instanceType = m.cloud.instanceType;
    row.az = m.cloud.az;
    row.ec2State = m.cloud.state;
  }
  return row;
}

// ---- filter ----

type Predicate = (r: HostRow) => boolean;

const DOWN_STATES: ReadonlySet<RowState> = new Set([...FAILED]);

function statePredicate(value: string): Predicate {
  if (value === 'down' || value === 'failed' || value === 'bad') return (r) => DOWN_STATES.has(r.state);
  if (value === 'up') return (r) => r.state === 'ok' || r.state === 'slow';
  return (r) => r.state.startsWith(value) || (r.cloudState?.startsWith(value) ?? false);
}

/** sev:X matches hosts at least that bad (findings or reachability). */
function severityPredicate(value: string): Predicate {
  const target = (Object.keys(SEVERITY_RANK) as Severity[]).find((s) => s.startsWith(value) || (value === 'crit' && s === 'critical') || (value === 'warn' && s === 'warning'));
  if (!target) return () => false;
  return (r) => {
    const fromHealth: Severity = r.health === 'critical' ? 'critical' : r.health === 'warning' ? 'warning' : 'ok';
    const sev = SEVERITY_RANK[r.worst] > SEVERITY_RANK[fromHealth] ? r.worst : fromHealth;
    return SEVERITY_RANK[sev] >= SEVERITY_RANK[target];
  };
}

const FIELD_KEYS: Record<string, (r: HostRow) => string> = {
  name: (r) => r.name,
  pool: (r) => r.pool,
  site: (r) => r.site,
  region: (r) => r.site,
  provider: (r) => r.provider,
  role: (r) => r.role,
  type: (r) => r.instanceType ?? '',
  az: (r) => r.az ?? '',
};

/**
 * Filter language: whitespace separated terms, all must match. A plain term is a case-insensitive
 * substring of name/pool/site/provider/role; `key:value` narrows to one field (pool, site, region,
 * provider, role, name; EC2: type, az), `id:` (the instance id or the machine id), `state:` (ok, slow, down, up,
 * unreachable, ... and EC2 states), `sev:` (at least that severity), `svc:` (hosts that declare or report a
 * service whose name contains the value, whatever its state).
 */
export function parseFilter(filter: string): Predicate {
  const preds: Predicate[] = [];
  for (const raw of filter.trim().toLowerCase().split(/\s+/)) {
    if (!raw) continue;
    const colon = raw.indexOf(':');
    const key = colon > 0 ? raw.slice(0, colon) : '';
    const value = colon > 0 ? raw.slice(colon + 1) : raw;
    if (key === 'state') preds.push(statePredicate(value));
    else if (key === 'sev' || key === 'severity') preds.push(severityPredicate(value));
    else if (key === 'svc' || key === 'service') preds.push((r) => r.services.some((name) => name.toLowerCase().includes(value)));
    else if (key === 'pool') preds.push((r) => [r.pool, ...r.groups].some((g) => g.toLowerCase().includes(value)));
    else if (key === 'id') preds.push((r) => (r.instanceId ?? '').toLowerCase().includes(value) || r.id.toLowerCase().includes(value));
    else if (key && FIELD_KEYS[key]) {
      const get = FIELD_KEYS[key];
      preds.push((r) => get(r).toLowerCase().includes(value));
    } else {
      preds.push((r) => [r.name, r.pool, r.site, r.provider, r.role, r.instanceId ?? ''].some((f) => f.toLowerCase().includes(raw)));
    }
  }
  return (r) => preds.every((p) => p(r));
}

// ---- sort ----

/** The direction each sort key starts in: names ascending, everything else worst/biggest first. */
export function defaultSortDesc(key: SortKey): boolean {
  return key !== 'name';
}

function sortValue(r: HostRow, key: SortKey): number | string | undefined {
  switch (key) {
    case 'name':
      return r.name.toLowerCase();
    case 'health':
      return HEALTH_RANK[r.health] * 10 + SEVERITY_RANK[r.worst];
    case 'load':
      return r.loadValue;
    case 'mem':
      return r.memPct;
    case 'disk':
      return r.diskPct;
    case 'age':
      // The youngest poll first when ascending: the same order as its age, without the clock.
      return r.lastAt === undefined ? undefined : -r.lastAt;
    case 'latency':
      return r.latencyMs;
  }
}

let collator: Intl.Collator | undefined;

/**
 * localeCompare's own order, with one collator instead of one per comparison, made on the first
 * comparison of two different strings: making it costs ~10 ms, and the name sort of a first frame
 * (lower-cased names, then this only for ties) usually never needs it.
 */
function byLocale(a: string, b: string): number {
  if (a === b) return 0;
  collator ??= new Intl.Collator(undefined);
  return collator.compare(a, b);
}

/** Rows sorted by key; each row's sort value is worked out once, not per comparison (10,000 rows sort 140,000 times). */
function sortRows(rows: HostRow[], key: SortKey, desc: boolean): HostRow[] {
  const keyed = rows.map((r) => ({ r, v: sortValue(r, key) }));
  keyed.sort((a, b) => {
    const va = a.v;
    const vb = b.v;
    // Unknown values always sink to the bottom, whatever the direction.
    if (va === undefined && vb !== undefined) return 1;
    if (vb === undefined && va !== undefined) return -1;
    let c = 0;
    if (va !== undefined && vb !== undefined) c = va < vb ? -1 : va > vb ? 1 : 0;
    if (desc) c = -c;
    return c || byLocale(a.r.name, b.r.name) || byLocale(a.r.id, b.r.id);
  });
  return keyed.map((k) => k.r);
}

/** The ids of the hosts a filter (the `/` language) matches, in fleet order: what `:mark FILTER` marks. */
export function hostsMatching(state: Pick<FleetData, 'hosts' | 'order'>, filter: string, now: number): string[] {
  const match = parseFilter(filter);
  return state.order.filter((id) => {
    const h = state.hosts[id];
    return h !== undefined && match(hostRow(h, now));
  });
}

/** The grid's rows: filtered, sorted and optionally grouped by pool under header rows. */
export function fleetRows(state: Pick<FleetData, 'hosts' | 'order'> & { marked?: ReadonlySet<string> }, opts: FleetRowOptions): FleetRow[] {
  const rows: HostRow[] = [];
  for (const id of state.order) {
    const h = state.hosts[id];
    if (!h) continue;
    const shared = hostRow(h, opts.now, opts.staleAfterMs);
    // The cached row is shared with other callers: a marked one is a copy.
    rows.push(state.marked?.has(id) ? { ...shared, marked: true } : shared);
  }
  return arrangeRows(rows, opts);
}

/** Host rows (in fleet order) as the grid lists them: filtered, sorted and optionally grouped by pool. */
export function arrangeRows(hostRows: readonly HostRow[], opts: Omit<FleetRowOptions, 'now' | 'staleAfterMs'>): FleetRow[] {
  const match = parseFilter(opts.filter ?? '');
  const key = opts.sortKey ?? 'name';
  const rows = sortRows(hostRows.filter(match), key, opts.sortDesc ?? defaultSortDesc(key));
  if (!opts.groupByPool) return rows;

  const pools = new Map<string, HostRow[]>();
  for (const r of rows) {
    const list = pools.get(r.pool);
    if (list) list.push(r);
    else pools.set(r.pool, [r]);
  }
  const out: FleetRow[] = [];
  for (const pool of [...pools.keys()].sort((a, b) => a.localeCompare(b))) {
    const list = pools.get(pool) ?? [];
    out.push({
      kind: 'group',
      pool,
      count: list.length,
      critical: list.filter((r) => r.health === 'critical').length,
      warning: list.filter((r) => r.health === 'warning').length,
    });
    out.push(...list);
  }
  return out;
}

export interface FleetSummary {
  total: number;
  ok: number;
  warning: number;
  critical: number;
  /** Hosts whose latest poll failed to reach them (subset of critical). */
  unreachable: number;
  pending: number;
  /** Findings across the fleet (every severity above ok). */
  findings: number;
  /** Not probed on purpose: cloud instances that are not running, hosts with no address to log in with. */
  notProbed: number;
}

/** The header count a host falls in. */
export type Verdict = 'ok' | 'warning' | 'critical' | 'notProbed' | 'pending';

/**
 * One host's verdict and the STATE word shown for it: the fleet grid, the host header and the summary
 * counts all read this, so a host counted critical never reads "ok". A failed poll names its failure
 * (unreachable, timeout...); a reachable host with a warning or critical finding says so; numbers
 * from an older probe keep the "~" the other columns use.
 */
export function hostVerdict(r: HostRow): { verdict: Verdict; word: string } {
  const verdict: Verdict =
    r.health === 'unknown' ? (r.state === 'cloud-stopped' || r.state === 'no-ssh' ? 'notProbed' : 'pending') : r.health;
  if (r.cloudState) return { verdict, word: r.cloudState };
  if (DOWN_STATES.has(r.state)) return { verdict, word: r.state };
  const word = verdict === 'critical' ? 'critical' : verdict === 'warning' && r.worst === 'warning' ? 'warning' : r.state;
  return { verdict, word: r.state === 'stale' && word !== 'stale' ? '~' + word : word };
}

export function fleetSummary(state: Pick<FleetData, 'hosts' | 'order'>, now: number): FleetSummary {
  return summaryOfRows(hostRowsOf(state, now));
}

/** Every host's row, in fleet order. */
export function hostRowsOf(state: Pick<FleetData, 'hosts' | 'order'>, now: number): HostRow[] {
  const rows: HostRow[] = [];
  for (const id of state.order) {
    const h = state.hosts[id];
    if (h) rows.push(hostRow(h, now));
  }
  return rows;
}

/** True when the fleet holds EC2 instances: the grid then shows their id, type and state. */
export function hasCloudRows(rows: readonly FleetRow[]): boolean {
  return rows.some((r) => r.kind === 'host' && r.instanceId !== undefined);
}

/** The header counts of these host rows. */
export function summaryOfRows(rows: readonly HostRow[]): FleetSummary {
  const s: FleetSummary = { total: 0, ok: 0, warning: 0, critical: 0, unreachable: 0, pending: 0, findings: 0, notProbed: 0 };
  for (const r of rows) {
    s.total++;
    s[hostVerdict(r).verdict]++;
    if (DOWN_STATES.has(r.state)) s.unreachable++;
    s.findings += r.findings;
  }
  return s;
}
