import { shCommand, shQuote } from '../../util/shell-quote.js';
import type { CatalogueEntry, PlanContext } from './types.js';
import { requireOnHost } from '../guard.js';

/** A guard as one step of an `&&` chain: a failed step before it must not run its message. */
const step = requireOnHost;
import { withPrivilege } from '../../util/privilege.js';
import { SAFE_DATABASE } from '../../baseline/store.js';
import { dumpCommand } from '../../baseline/dumps.js';
import { dumpFilterCommand, SAFE_TABLE } from './dump-filter.js';

function databaseError(p: Record<string, string>): string | undefined {
  const db = p['database'];
  if (!db) return 'no database given';
  return SAFE_DATABASE.test(db) ? undefined : `"${db}" is not a database name remlite handles (letters, digits, _)`;
}

/** The `tables` param of db.restore: comma-separated names, empty when only the database is created. */
function tablesParam(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(',').map((t) => t.trim()).filter(Boolean))];
}

function tablesError(p: Record<string, string>): string | undefined {
  if (p['tables'] === undefined) return 'no tables given (tables=a,b: the missing tables to create from the dump)';
  const bad = tablesParam(p['tables']).find((t) => !SAFE_TABLE.test(t));
  return bad === undefined ? undefined : `"${bad}" is not a table name remlite restores (letters, digits, _, $)`;
}

function checkDump(p: Record<string, string>, ctx: PlanContext): string | undefined {
  const dump = ctx.newestDump?.(p['database'] ?? '');
  return dump ? undefined : `no stored dump of ${p['database']} for ${ctx.machine.name}: run db.dump (or accept the host as good) first`;
}

function dumpInput(p: Record<string, string>, ctx: PlanContext) {
  const dump = ctx.newestDump?.(p['database'] ?? '');
  return dump && { baselineFile: dump.name, sha256: dump.sha256, bytes: dump.bytes, description: `newest dump of ${p['database']}, taken ${dump.at}` };
}

const SERVER_ANSWERS = 'the MySQL/MariaDB server answers';

function listed(tables: readonly string[]): string {
  return tables.length ? tables.join(', ') : '(none)';
}

/** SQL: the names among `tables` that exist in `database` (all names already checked). */
function existingTablesQuery(database: string, tables: readonly string[]): string {
  const names = tables.map((t) => `'${t}'`).join(',');
  return `SELECT table_name FROM information_schema.tables WHERE table_schema='${database}' AND table_name IN (${names})`;
}

/**
 * Creates only the named tables from the dump on stdin, never touching a table that exists: the dump
 * is filtered to those tables' sections with every DROP removed (into a private temp file, so a full
 * disk stops it before any change), the host is asked that none of them exists, the database is
 * created if it is gone, the filtered dump is loaded (mysql stops at the first error, so a table
 * created meanwhile makes it fail, not overwrite), and every table is checked to be there.
 */
function restoreTablesCommand(database: string, tables: readonly string[]): string {
  const steps = ['umask 077', 'f=$(mktemp)', `trap 'rm -f -- "$f"' EXIT`, `${dumpFilterCommand(tables)} > "$f"`];
  steps.push(step(`e=$(${shCommand('mysql', '-N', '-B', '-e', 'SELECT 1')}) && [ "$e" = 1 ]`, SERVER_ANSWERS));
  if (tables.length) {
    steps.push(
      `e=$(${shCommand('mysql', '-N', '-B', '-e', existingTablesQuery(database, tables))})`,
      `{ [ -z "$e" ] || printf 'remlite: already in ${database}: %s\\n' $e >&2; }`,
      step('[ -z "$e" ]', `none of ${listed(tables)} exists in ${database} (an existing table is never dropped or overwritten)`),
    );
  }
  steps.push(shCommand('mysql', '-e', `CREATE DATABASE IF NOT EXISTS \`${database}\``), `${shCommand('mysql', database)} < "$f"`);
  if (tables.length) {
    const count = `SELECT COUNT(*) FROM (${existingTablesQuery(database, tables)}) AS t`;
    steps.push(
      `n=$(${shCommand('mysql', '-N', '-B', '-e', count)})`,
      `{ [ "$n" = ${tables.length} ] || { printf '%s\\n' ${shQuote(`remlite: after the restore ${database} lacks some of ${listed(tables)}`)} >&2; exit 1; }; }`,
    );
  }
  return steps.join(' && ');
}

export const DATABASE_ENTRIES: Record<string, CatalogueEntry> = {
  'db.dump': {
    id: 'db.dump',
    title: (p) => `Dump database ${p['database']} into the console's store`,
    params: ['database'],
    validate: databaseError,
    command: (p, ctx) => withPrivilege(ctx.machine, dumpCommand(p['database'] ?? '')),
    expected: (p) => `a new dump of ${p['database']} is stored with the host's baseline (the newest two are kept)`,
  },
  'db.restore': {
    id: 'db.restore',
    title: (p) => {
      const tables = tablesParam(p['tables']);
      return tables.length
        ? `Create the missing table(s) ${tables.join(', ')} of ${p['database']} from the newest stored dump`
        : `Create database ${p['database']} (the dump names no table to restore)`;
    },
    params: ['database', 'tables'],
    validate: (p) => databaseError(p) ?? tablesError(p),
    check: checkDump,
    input: dumpInput,
    preconditions(p) {
      const tables = tablesParam(p['tables']);
      const db = p['database'] ?? '';
      return [
        ...(tables.length ? [`the stored dump has a definition of each table to create: ${listed(tables)}`] : []),
        SERVER_ANSWERS,
        ...(tables.length ? [`none of ${listed(tables)} exists in ${db}: existing tables are left untouched (never dropped nor overwritten)`] : []),
      ];
    },
    command: (p, ctx) => withPrivilege(ctx.machine, restoreTablesCommand(p['database'] ?? '', tablesParam(p['tables']))),
    expected: (p) => {
      const tables = tablesParam(p['tables']);
      return (
        `${p['database']} exists (created if it was gone)` +
        (tables.length ? ` and has ${tables.join(', ')} again, with the rows of the dump` : '') +
        `; every other table is left as it is; the next probe's schema check passes`
      );
    },
  },
  'db.rollback': {
    id: 'db.rollback',
    title: (p) => `Roll ALL of database ${p['database']} back to the newest stored dump`,
    params: ['database'],
    validate: databaseError,
    check: checkDump,
    input: dumpInput,
    preconditions: () => [SERVER_ANSWERS],
    command: (p, ctx) => {
      const db = p['database'] ?? '';
      return withPrivilege(
        ctx.machine,
        [
          step(`e=$(${shCommand('mysql', '-N', '-B', '-e', 'SELECT 1')}) && [ "$e" = 1 ]`, SERVER_ANSWERS),
          shCommand('mysql', '-e', `CREATE DATABASE IF NOT EXISTS \`${db}\``),
          shCommand('mysql', db),
        ].join(' && '),
      );
    },
    expected: (p) =>
      `every table of the dump is dropped and re-created from it: rows written to ${p['database']} since the dump are LOST; tables the dump does not have are left; the next probe's schema check passes`,
  },
};
