import { shCommand } from '../../util/shell-quote.js';
import type { CatalogueEntry } from '../catalogue.js';
import { withPrivilege } from '../privilege.js';
import { SAFE_DATABASE } from '../../persist/baselines.js';

function databaseError(p: Record<string, string>): string | undefined {
  const db = p['database'];
  if (!db) return 'no database given';
  return SAFE_DATABASE.test(db) ? undefined : `"${db}" is not a database name remlite handles (letters, digits, _)`;
}

/** The dump command (also run by "accept current as good" for each declared database). */
export function dumpCommand(database: string): string {
  return shCommand('mysqldump', '--single-transaction', database);
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
    title: (p) => `Restore database ${p['database']} from the newest stored dump`,
    params: ['database'],
    validate: databaseError,
    check(p, ctx) {
      const dump = ctx.newestDump?.(p['database'] ?? '');
      return dump ? undefined : `no stored dump of ${p['database']} for ${ctx.machine.name}: run db.dump (or accept the host as good) first`;
    },
    input(p, ctx) {
      const dump = ctx.newestDump?.(p['database'] ?? '');
      return dump && { baselineFile: dump.name, sha256: dump.sha256, bytes: dump.bytes, description: `newest dump of ${p['database']}, taken ${dump.at}` };
    },
    command: (p, ctx) => withPrivilege(ctx.machine, shCommand('mysql', p['database'] ?? '')),
    expected: (p) => `${p['database']} has the tables of the dump again; the next probe's schema check passes`,
  },
};
