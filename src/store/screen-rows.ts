// The fleet cache's screen line (persist/fleet-cache.ts) holds the grid rows of the fleet as the
// console will restore it, so the next start's first frame draws them without parsing the cache
// itself. They are read back from our own state file, but a file can be edited or damaged: every
// row is checked field by field, and one bad row discards the line (the first frame then takes the
// longer way through the whole cache). Texts are still sanitized where they are drawn.
import { SEVERITY_RANK } from '../model/index.js';
import { HEALTH_RANK, type HostRow, type RowState } from './selectors.js';

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
