import type { DatabaseStatus, HeavyChecks } from '../model/index.js';
import { parseDatabases } from './parse-checks.js';
import { parseConffileLines } from '../util/pkgverify-parse.js';

type Warn = (w: string) => void;

export interface HeavyResult {
  heavy?: HeavyChecks;
  /** The learned databases' table lists, from the same run. */
  databases: DatabaseStatus[];
}

/**
 * Parses the heavy section (script-heavy.ts): `state=… at=… running=…`, then the kept run's lines.
 * No result (state none: never finished yet, or the state directory is unusable) gives no `heavy`.
 */
export function parseHeavy(lines: string[], warn: Warn): HeavyResult {
  const [head = '', ...rest] = lines;
  const m = /^state=(fresh|cached|none) at=(\d{1,12}|-) running=(\d{1,10}|-)$/.exec(head);
  if (!m) {
    if (head.trim()) warn(`heavy: unexpected first line: ${head}`);
    return { databases: [] };
  }
  const [, state, at, running] = m;
  if (state === 'none' || at === '-') {
    if (running !== '-') warn('heavy checks: the first run is still going: package verify and learned database tables not reported yet');
    return { databases: [] };
  }
  const report = parseConffileLines(rest, warn);
  const databases = parseDatabases(
    rest.filter((l) => l.startsWith('D ') || l.startsWith('|')),
    warn,
  );
  const heavy: HeavyChecks = {
    atMs: Number(at) * 1000,
    state: state as HeavyChecks['state'],
    packageManager: report?.packageManager ?? 'none',
    conffiles: report?.conffiles ?? [],
  };
  if (running !== '-') heavy.running = true;
  return { heavy, databases };
}
