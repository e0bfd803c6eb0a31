import path from 'node:path';
import type { BaselineFile } from '../../model/index.js';
import { shCommand, shQuote } from '../../util/shell-quote.js';
import type { CatalogueEntry, PlanContext } from '../catalogue.js';
import { withPrivilege } from '../privilege.js';
import { runTransaction, sideFiles, transactionConditions, transactionGuards } from './config-transaction.js';
import { baselineEntry, describeBaseline, optionalServiceError, pathError } from './params.js';

function entryOf(params: Record<string, string>, ctx: PlanContext, copy: boolean): BaselineFile {
  const r = baselineEntry(ctx.baseline, ctx.machine.name, params['path'] ?? '', { copy });
  if ('refused' in r) throw new Error(r.refused); // check() ran first; this is a planner bug
  return r.file;
}

function checkCopy(params: Record<string, string>, ctx: PlanContext): string | undefined {
  const r = baselineEntry(ctx.baseline, ctx.machine.name, params['path'] ?? '', { copy: true });
  if ('refused' in r) return r.refused;
  if (ctx.hasCopy && !ctx.hasCopy(r.file.copy ?? '')) return `the stored copy of ${params['path']} (${r.file.copy}) is missing from the baseline store`;
  return undefined;
}

/** chmod + chown of one file to its baseline mode and owner. */
function modeAndOwner(file: BaselineFile, target: string): string {
  return `${shCommand('chmod', file.mode ?? '', '--')} ${target} && ${shCommand('chown', `${file.owner}:${file.group}`, '--')} ${target}`;
}

/**
 * Writes stdin over `dest` atomically: a temp file in the same directory, given the baseline mode
 * and owner before it replaces the file with mv (readers never see a half-written file).
 */
export function atomicWriteFromStdin(dest: string, file: BaselineFile): string {
  const template = path.posix.join(path.posix.dirname(dest), `.${path.posix.basename(dest)}.remlite.XXXXXX`);
  return [
    'umask 077',
    `tmp=$(${shCommand('mktemp', '--', template)})`,
    'cat > "$tmp"',
    modeAndOwner(file, '"$tmp"'),
    `mv -f -- "$tmp" ${shQuote(dest)}`,
  ].join(' && ');
}

function inputOf(params: Record<string, string>, ctx: PlanContext) {
  const file = entryOf(params, ctx, true);
  const baseline = ctx.baseline!;
  return {
    baselineFile: file.copy ?? '',
    sha256: file.sha256 ?? '',
    bytes: file.size ?? 0,
    description: `baseline copy of ${params['path']} ${describeBaseline(baseline)}`,
  };
}

export const RESTORE_ENTRIES: Record<string, CatalogueEntry> = {
  'config.restore': {
    id: 'config.restore',
    title: (p) => `Restore ${p['path']} from the baseline${p['service'] ? ` and reload ${p['service']}` : ''}`,
    params: ['path', 'service'],
    validate: (p) => pathError(p['path']) ?? optionalServiceError(p['service']),
    check: checkCopy,
    input: inputOf,
    preconditions: (p, ctx) => (p['service'] ? transactionConditions(p['path'] ?? '', p['service'], ctx) : []),
    command(p, ctx) {
      const file = entryOf(p, ctx, true);
      const dest = p['path'] ?? '';
      const service = p['service'];
      if (!service) return withPrivilege(ctx.machine, atomicWriteFromStdin(dest, file));
      // Staged beside the config first; the transaction swaps it in, tests, restarts or rolls back.
      const steps = [...transactionGuards(dest, ctx), atomicWriteFromStdin(sideFiles(dest).staged, file), runTransaction(dest, service, ctx)];
      return withPrivilege(ctx.machine, steps.join(' && '));
    },
    expected: (p) =>
      p['service']
        ? `${p['path']} is byte-identical to the baseline, the config test passes and ${p['service']} is active; if the test fails or ${p['service']} does not come up, the previous ${p['path']} is put back (and ${p['service']} started again on it if it was running and stopped); the next probe shows no drift`
        : `${p['path']} is byte-identical to the baseline; the next probe shows no drift`,
  },
  'data.restore': {
    id: 'data.restore',
    title: (p) => `Restore ${p['path']} from the kept copy`,
    params: ['path'],
    validate: (p) => pathError(p['path']),
    check: checkCopy,
    input: inputOf,
    command: (p, ctx) => withPrivilege(ctx.machine, atomicWriteFromStdin(p['path'] ?? '', entryOf(p, ctx, true))),
    expected: (p) => `${p['path']} is byte-identical to the last good copy; the next probe's checksum matches the baseline`,
  },
  'perms.restore': {
    id: 'perms.restore',
    title: (p) => `Restore the mode and owner of ${p['path']}`,
    params: ['path'],
    validate: (p) => pathError(p['path']),
    check(p, ctx) {
      const r = baselineEntry(ctx.baseline, ctx.machine.name, p['path'] ?? '', { copy: false });
      return 'refused' in r ? r.refused : undefined;
    },
    command: (p, ctx) => withPrivilege(ctx.machine, modeAndOwner(entryOf(p, ctx, false), shQuote(p['path'] ?? ''))),
    expected: (p) => `${p['path']} has its baseline mode and owner again; the next probe shows no permission finding`,
  },
};
