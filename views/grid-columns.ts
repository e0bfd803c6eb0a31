// The fleet grid's columns and texts, without Ink: shared by FleetGrid and the first paint.
import { type FleetRow, type HostRow, hostVerdict, type SortKey } from '../src/store/selectors.js';
import { formatAge } from '../src/util/format-age.js';
import { formatLoad } from '../src/util/format-load.js';
import { siteLabel } from '../src/util/region-code.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import type { Column } from './table-layout.js';
import { latencyText, pct } from './text.js';
import { healthColor, type Theme } from './theme.js';

/** Grid state that survives drilling into a host and coming back. */
export interface GridUi {
  filter: string;
  sortKey: SortKey;
  sortDesc: boolean;
  groupByPool: boolean;
  /** The TREND column (t): each host's load over the trend window. */
  trendColumn?: boolean;
  selectedId?: string;
}

export const INITIAL_GRID_UI: GridUi = { filter: '', sortKey: 'name', sortDesc: false, groupByPool: false };

/** The TREND column's width in cells: with it on, the grid still fits 80 columns (LAT, SITE and PROVIDER drop first). */
export const TREND_CELLS = 8;

function levelColor(t: Theme, v: number | undefined, warn: number, crit: number): string | undefined {
  if (v === undefined) return undefined;
  return v >= crit ? t.critical : v >= warn ? t.warning : undefined;
}


const SEV_SHORT = { ok: '', info: 'info', warning: 'warn', critical: 'crit' } as const;

/**
 * With EC2 on, the instance id, type and EC2 state columns join (first to go when narrow), and the
 * SITE column keeps six cells of short region codes (use1, use2) at 80 columns, where the provider
 * column goes first instead. `trend` (a host id → its sparkline) adds the TREND column after LOAD.
 */
/** `now` dates the AGE column (rows hold when their poll was made, not its age). */
export function gridColumns(t: Theme, opts: { now: number; ec2?: boolean; trend?: (machineId: string) => string }): Column<FleetRow>[] {
  const trend = opts.trend;
  const host = (f: (r: HostRow) => string) => (r: FleetRow) => (r.kind === 'host' ? f(r) : '');
  const host2 = (f: (r: HostRow, width: number) => string) => (r: FleetRow, width: number) => (r.kind === 'host' ? f(r, width) : '');
  const stale = (r: HostRow, s: string) => (r.stale && s ? '~' + s : s);
  const staleColor = (r: FleetRow, c: string | undefined) => (r.kind === 'host' && r.stale ? t.muted : c);
  /** A usage percentage: warning and critical colours from its thresholds, muted when stale. */
  const percentColumn = (key: string, header: string, pick: (r: HostRow) => number | undefined, warn: number, crit: number): Column<FleetRow> => ({
    key,
    header,
    width: 4,
    align: 'right',
    value: host((r) => stale(r, pct(pick(r)))),
    color: (r) => staleColor(r, r.kind === 'host' ? levelColor(t, pick(r), warn, crit) : undefined),
  });
  return [
    { key: 'name', header: 'NAME', width: 'flex', minWidth: 12, value: host((r) => (r.marked ? '* ' : '') + (r.busy ? '↻ ' : '') + sanitizeLine(r.name)) },
    ...(opts.ec2
      ? [
          { key: 'instance', header: 'INSTANCE', width: 19, dropOrder: 0.3, value: host((r) => r.instanceId ?? '') },
          { key: 'type', header: 'TYPE', width: 11, dropOrder: 0.2, value: host((r) => sanitizeLine(r.instanceType ?? '')) },
          { key: 'ec2', header: 'EC2', width: 8, dropOrder: 0.1, value: host((r) => r.ec2State ?? '') },
        ]
      : []),
    { key: 'provider', header: 'PROVIDER', width: 10, dropOrder: opts.ec2 ? 1.5 : 3, value: host((r) => r.provider) },
    opts.ec2
      ? { key: 'site', header: 'SITE', width: 6, dropOrder: 3, valueAt: host2((r, w) => siteLabel(sanitizeLine(r.site), w)) }
      : { key: 'site', header: 'SITE', width: 8, dropOrder: 2, value: host((r) => sanitizeLine(r.site)) },
    { key: 'pool', header: 'POOL', width: 8, dropOrder: 4, value: host((r) => sanitizeLine(r.pool)) },
    {
      key: 'state',
      header: 'STATE',
      width: 11,
      value: host((r) => hostVerdict(r).word),
      color: (r) => (r.kind === 'host' ? healthColor(t, r.health) : undefined),
    },
    { key: 'load', header: 'LOAD', width: 6, align: 'right', value: host((r) => stale(r, r.loadValue === undefined ? '' : formatLoad(r.loadValue))), color: (r) => staleColor(r, undefined) },
    ...(trend ? [{ key: 'trend', header: 'TREND', width: TREND_CELLS, dropOrder: 6, value: host((r) => trend(r.id)), color: () => t.accent }] : []),
    percentColumn('mem', 'MEM', (r) => r.memPct, 85, 95),
    percentColumn('disk', 'DISK', (r) => r.diskPct, 80, 90),
    {
      key: 'svc',
      header: 'SVC',
      width: 5,
      align: 'right',
      value: host((r) => (r.servicesTotal ? `${r.servicesOk}/${r.servicesTotal}` : '')),
      color: (r) => (r.kind === 'host' && r.servicesOk < r.servicesTotal ? t.critical : undefined),
    },
    {
      key: 'findings',
      header: 'FIND',
      width: 6,
      value: host((r) => (r.findings ? `${r.findings} ${SEV_SHORT[r.worst]}`.trim() : '')),
      color: (r) => (r.kind === 'host' ? (r.worst === 'critical' ? t.critical : r.worst === 'warning' ? t.warning : undefined) : undefined),
    },
    { key: 'age', header: 'AGE', width: 4, align: 'right', dropOrder: 5, value: host((r) => (r.lastAt === undefined ? '' : formatAge(Math.max(0, opts.now - r.lastAt)))), color: () => t.muted },
    { key: 'latency', header: 'LAT', width: 6, align: 'right', dropOrder: 1, value: host((r) => latencyText(r.latencyMs)) },
  ];
}

/** Selection key of a row: the machine id, or a pool key no machine id can equal. */
export function rowId(r: FleetRow): string {
  return r.kind === 'host' ? r.id : '\u0000pool:' + r.pool;
}

/** The row selected when no row is: the first host (pool headers are selectable, but not first). */
export function firstHostRow(rows: readonly FleetRow[]): number {
  return rows.findIndex((r) => r.kind === 'host');
}

/** The selected row: the selected id's, else the first host. */
export function initialSelection(rows: readonly FleetRow[], ui: GridUi): number {
  const i = ui.selectedId ? rows.findIndex((r) => rowId(r) === ui.selectedId) : -1;
  return i >= 0 ? i : firstHostRow(rows);
}

/**
 * Footer status: position among hosts, sort, grouping and filter. `hostTotal`: the fleet's host
 * count when `rows` are only its first rows (the first frame).
 */
export function gridStatus(rows: readonly FleetRow[], selected: number, ui: GridUi, marked = 0, hostTotal?: number): string {
  // Counted in one pass, no copies: this runs on every frame, over every row (10,000 at scale).
  let hostCount = 0;
  let hostsUpToSelected = 0;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.kind !== 'host') continue;
    hostCount++;
    if (i <= selected) hostsUpToSelected++;
  }
  const total = hostTotal ?? hostCount;
  const position = total ? `${hostsUpToSelected}/${total}` : '0/0';
  const sortLabel = `sort:${ui.sortKey}${ui.sortDesc ? '↓' : '↑'}`;
  return [position, sortLabel, ui.groupByPool ? 'by pool' : '', ui.filter ? `filter:${ui.filter}` : '', marked ? `${marked} marked` : ''].filter(Boolean).join(' ');
}

/** A pool header row drawn across the table. */
export function groupRow(r: FleetRow, theme: Theme): { text: string; color?: string } | undefined {
  if (r.kind !== 'group') return undefined;
  const text = `── ${sanitizeLine(r.pool)} (${r.count} host${r.count === 1 ? '' : 's'}${r.critical ? `, ${r.critical} critical` : ''}${r.warning ? `, ${r.warning} warning` : ''})`;
  return theme.accent ? { text, color: theme.accent } : { text };
}

export function gridEmptyText(ui: GridUi): string {
  return ui.filter ? `no host matches "${ui.filter}" (Esc clears)` : 'no machines yet';
}
