import { PRECONDITION_EXIT } from '../guard.js';
import { shCommand } from '../../util/shell-quote.js';

/** Table (and view) names db.restore handles: unquoted MySQL identifiers, safe in SQL strings and awk. */
export const SAFE_TABLE = /^[A-Za-z0-9_$]{1,64}$/;

/**
 * A POSIX awk program (mawk, gawk, busybox) that keeps, from a mysqldump of one database, only the
 * sections of the tables named in `tables` (space-separated): their structure, rows and triggers,
 * or a view's final definition. It drops every DROP statement, so what it prints can only create:
 * a table that exists makes `CREATE TABLE` fail instead of being replaced. The dump's header (the
 * session SETs: foreign key checks off, character set) and trailer are kept; anything else in the
 * header is not. mysqldump escapes line breaks inside values, so a row never starts a line with
 * `-- `. When a named table has no structure section in the dump, it prints why on stderr and
 * exits 3 (a precondition failed: the output must not be used). One line, so the confirmation
 * shows the command exactly.
 */
export const DUMP_FILTER_AWK = [
  'BEGIN { n = split(tables, t, " "); for (i = 1; i <= n; i++) want[t[i]] = 1; keep = 1; head = 1 }',
  '/^-- [A-Z][A-Za-z ]* for [a-z]+ / { head = 0; keep = 0; ' +
    'if ($0 ~ /^-- (Table structure for table|Dumping data for table|Final view structure for view) `[^`]*`$/) { ' +
    'name = $0; sub(/^[^`]*`/, "", name); sub(/`$/, "", name); ' +
    'if (name in want) { keep = 1; if ($0 !~ /^-- Dumping data/) seen[name] = 1 } }; next }',
  '/^\\/\\*!40103 SET TIME_ZONE=@OLD_TIME_ZONE \\*\\/;$/ { head = 0; keep = 1 }',
  'head && !/^\\/\\*/ { next }',
  '!keep { next }',
  '/^(\\/\\*![0-9]+ )?DROP / { next }',
  '{ print }',
  'END { bad = 0; for (i = 1; i <= n; i++) if (!(t[i] in seen)) { print "remlite: precondition failed: the dump has no table " t[i] | "cat 1>&2"; bad = 1 }; ' +
    `if (bad) exit ${PRECONDITION_EXIT} }`,
].join('; ');

/** `awk` reading a dump on stdin and printing only the sections of `tables` (names already checked). */
export function dumpFilterCommand(tables: readonly string[]): string {
  for (const t of tables) if (!SAFE_TABLE.test(t)) throw new Error(`"${t}" is not a table name remlite restores`);
  return shCommand('awk', '-v', `tables=${tables.join(' ')}`, DUMP_FILTER_AWK);
}
