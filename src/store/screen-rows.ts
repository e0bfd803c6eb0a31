// The fleet cache's screen line (persist/fleet-cache.ts) holds what the next start's first frame
// draws of the grid, so that frame is drawn without parsing the cache itself: the first rows of the
// grid's initial order (by name) as the console will restore them, and the status line's counts over
// the whole fleet. Only a screen of rows and half again is kept: at 200 hosts on a 40-line terminal
// that is 60 rows to read and check instead of 200 (about 1.3 ms of a 30 ms start), and the first
// frame no longer grows with the fleet. They are read back from our own state file, but a file can
// be edited or damaged: every row and count is checked, and one bad row discards the line (the first
// frame then takes the longer way through the whole cache). Texts are still sanitized where they
// are drawn.
import { SEVERITY_RANK } from '../model/index.js';
import { arrangeRows, hasCloudRows, HEALTH_RANK, summaryOfRows, type FleetSummary, type HostRow, type RowState } from './selectors.js';

// Every state a row can have: the compiler says when Reachability gains one this does not know.
const ROW_STATES: Record<RowState, true> = {
  pending: true, ok: true, slow: true, unreachable: true, timeout: true, untrusted: true, 'auth-failed': true, unreadable: true, 'no-ssh': true, 'cloud-stopped': true, stale: true,
};

const TEXTS = ['id', 'name', 'provider', 'site', 'pool', 'role'] as const;
const OPTIONAL_TEXTS = ['cloudState', 'instanceId', 'instanceType', 'az', 'ec2State'] as const;
const OPTIONAL_NUMBERS = ['loadValue', 'memPct', 'diskPct', 'lastAt', 'latencyMs'] as const;
const COUNTS = ['servicesOk', 'servicesTotal', 'findings'] as const;

const isText = (v: unknown): v is string => typeof v === 'string';
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText);
/** One of the table's own keys (never an inherited one such as "toString"). */
const isKnown = (table: object, v: unknown): boolean => isText(v) && Object.hasOwn(table, v);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;

function isHostRow(value: unknown): value is HostRow {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  if (r['kind'] !== 'host' || r['marked'] !== undefined) return false;
  if (!TEXTS.every((k) => isText(r[k])) || !OPTIONAL_TEXTS.every((k) => r[k] === undefined || isText(r[k]))) return false;
  if (!OPTIONAL_NUMBERS.every((k) => r[k] === undefined || Number.isFinite(r[k]))) return false;
  if (!COUNTS.every((k) => isCount(r[k])) || !isTextList(r['groups']) || !isTextList(r['services'])) return false;
  if (typeof r['stale'] !== 'boolean' || typeof r['busy'] !== 'boolean') return false;
  return isKnown(ROW_STATES, r['state']) && isKnown(HEALTH_RANK, r['health']) && isKnown(SEVERITY_RANK, r['worst']);
}

/** The rows when every one is a well-formed grid row of a distinct host; otherwise none. */
export function checkScreenRows(rows: readonly unknown[]): HostRow[] | undefined {
  const ids = new Set<string>();
  for (const row of rows) {
    if (!isHostRow(row) || ids.has(row.id)) return undefined;
    ids.add(row.id);
  }
  return rows as HostRow[];
}

/** What the first frame draws of the grid. */
export interface FirstFrameRows {
  /** The first host rows of the grid's initial order (name, ascending; no filter, no pool groups). */
  rows: HostRow[];
  /** The status line's counts, over the whole fleet (`total` is its host count). */
  summary: FleetSummary;
  /** Some host of the whole fleet is an EC2 instance: the grid has the cloud columns. */
  cloud: boolean;
}

/** The rows kept for a terminal this tall when the console closed: a screen and half again, at least 60. */
export function screenKeep(terminalRows: number | undefined): number {
  return Math.max(60, Math.ceil((terminalRows ?? 0) * 1.5));
}

/** The first `keep` rows of the grid's initial order, and the counts over all of `all`. */
export function firstFrameRows(all: readonly HostRow[], keep = Number.POSITIVE_INFINITY): FirstFrameRows {
  const ordered = arrangeRows(all, { filter: '', sortKey: 'name', sortDesc: false, groupByPool: false }) as HostRow[];
  return { rows: ordered.slice(0, keep), summary: summaryOfRows(all), cloud: hasCloudRows(all) };
}

const SUMMARY_COUNTS: readonly (keyof FleetSummary)[] = ['total', 'ok', 'warning', 'critical', 'unreachable', 'pending', 'findings', 'notProbed'];

/** The screen line's value when it is well-formed (rows, counts, cloud flag); otherwise none. */
export function checkFirstFrameRows(value: unknown): FirstFrameRows | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const rows = Array.isArray(v['rows']) ? checkScreenRows(v['rows']) : undefined;
  const counts = v['summary'] as Record<string, unknown> | null | undefined;
  if (!rows || !counts || typeof counts !== 'object' || typeof v['cloud'] !== 'boolean') return undefined;
  const summary = {} as FleetSummary;
  for (const k of SUMMARY_COUNTS) {
    if (!isCount(counts[k])) return undefined;
    summary[k] = counts[k] as number;
  }
  if (summary.total < rows.length) return undefined;
  return { rows, summary, cloud: v['cloud'] };
}

/** The kept rows fill a screen this many lines tall (or are the whole fleet). */
export function fillsScreen(f: FirstFrameRows, terminalRows: number): boolean {
  return f.rows.length >= Math.min(f.summary.total, terminalRows);
}
