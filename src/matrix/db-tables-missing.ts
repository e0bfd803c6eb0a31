import type { Finding, RepairRef } from '../model/index.js';
import { DATABASE_MISSING } from '../probe/parse-checks.js';
import { declaredChecks } from './declared.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

const LISTED = 5;

/**
 * db.restore of exactly the missing tables first (it creates them and never touches a table that
 * exists); the whole-database rollback to the dump is offered after it, never as the default.
 */
function repairsOf(database: string, tables: readonly string[], dump: string | undefined, label: string): RepairRef[] {
  if (!dump) return [];
  return [
    { action: 'db.restore', params: { database, tables: tables.join(',') }, label },
    { action: 'db.rollback', params: { database }, label: `Roll ALL of ${database} back to dump ${dump} (rows written since are lost)` },
  ];
}

/**
 * Declared databases that lost tables since the baseline (or the whole schema): the repair creates
 * the missing tables (and the database when it is gone) from the newest dump the console kept,
 * leaving every existing table as it is. A database the probe could not query is critical, with no repair.
 */
export const detectDbTablesMissing: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe?.databases) return [];
  const out: Finding[] = [];
  const declared = declaredChecks(ctx.machine).databases.map((d) => d.name);
  // Databases found at accept (nothing declared) are watched the same way.
  const learned = (ctx.baseline?.learned?.databases ?? []).filter((n) => !declared.includes(n));
  for (const name of [...declared, ...learned]) {
    const status = probe.databases.find((d) => d.name === name);
    if (!status) continue;
    const finding = (summary: string, evidence: string[], repairs: RepairRef[]): void => {
      out.push({ machineId: ctx.machine.id, class: 'db-tables-missing', severity: 'critical', summary: fit(summary), evidence, subject: name, repairs });
    };
    if (!status.ok) {
      finding(`database ${name} cannot be checked`, [fit(`mysql: ${status.error ?? 'query failed'}`), 'check that the server runs and the SSH user may connect'], []);
      continue;
    }
    const base = ctx.baseline?.databases[name];
    const noDump = base?.dump ? [] : ['no dump kept for it: nothing to restore from'];
    if (status.error === DATABASE_MISSING) {
      const tables = base?.tables ?? [];
      const label = `Create ${name} and its ${tables.length} table(s) from dump ${base?.dump ?? ''}`;
      finding(`database ${name} does not exist`, [fit(`information_schema has no schema ${name}`), ...noDump], repairsOf(name, tables, base?.dump, label));
      continue;
    }
    if (!base) continue;
    const present = new Set(status.tables);
    const missing = base.tables.filter((t) => !present.has(t));
    if (missing.length === 0) continue;
    const listed = missing.slice(0, LISTED).join(', ') + (missing.length > LISTED ? `, … (+${missing.length - LISTED})` : '');
    finding(
      `${missing.length} table(s) missing from ${name}`,
      [fit(`missing: ${listed}`), `${status.tables.length} table(s) now, ${base.tables.length} in the baseline`, ...noDump],
      repairsOf(name, missing, base.dump, fit(`Create the missing ${listed} from dump ${base.dump ?? ''} (other tables untouched)`)),
    );
  }
  return out;
};
