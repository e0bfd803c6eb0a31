import path from 'node:path';
import type { BaselineFile } from '../../model/index.js';
import { shCommand, shQuote } from '../../util/shell-quote.js';
import type { CatalogueEntry, PlanContext } from './types.js';
import { withPrivilege } from '../../util/privilege.js';
import { configRestoreWording, dataRestoreWording } from '../../util/repair-wording.js';
import { writeBlocker } from '../../util/write-gate.js';
import { runTransaction, sideFiles, transactionConditions, transactionGuards } from './config-transaction.js';
import { chownChmod, enterSafeDir, filePreconditions, requireRegular, siteOf, step, TEMP_STILL_REGULAR } from './safe-file.js';
import { baselineEntry, describeBaseline, optionalServiceError, pathError } from './params.js';

function entryOf(params: Record<string, string>, ctx: PlanContext, copy: boolean): BaselineFile {
  const r = baselineEntry(ctx.baseline, ctx.machine.name, params['path'] ?? '', { copy });
  if ('refused' in r) throw new Error(r.refused); // check() ran first; this is a planner bug
  return r.file;
}

function checkCopy(params: Record<string, string>, ctx: PlanContext): string | undefined {
  const r = baselineEntry(ctx.baseline, ctx.machine.name, params['path'] ?? '', { copy: true });
  if ('refused' in r) return r.refused;
  const unsafe = writeRefusal(params, ctx);
  if (unsafe) return unsafe;
  if (ctx.hasCopy && !ctx.hasCopy(r.file.copy ?? '')) return `the stored copy of ${params['path']} (${r.file.copy}) is missing from the baseline store`;
  return undefined;
}

/** The stored mode and owner put back on one file, never through a symbolic link. */
function modeAndOwner(dest: string, file: BaselineFile): string {
  return [enterSafeDir(dest, file), requireRegular(dest, false), chownChmod(shQuote(siteOf(dest).local), file)].join(' && ');
}

/**
 * Writes stdin over `dest` atomically, in a subshell run inside the file's directory: a temp file
 * created exclusively there by mktemp, given the baseline owner and mode (chown -h, then chmod of
 * a checked regular file) before mv replaces the file (readers never see a half-written file).
 * Refuses (exit 3) when the directory is writable by anyone but root and the owner of record, or
 * the file is a symbolic link or not a regular file; the temp file is removed on any failure.
 */
function atomicWriteFromStdin(dest: string, file: BaselineFile): string {
  const { local } = siteOf(dest);
  const template = `./.${path.posix.basename(dest)}.remlite.XXXXXX`;
  return `( ${[
    'umask 077',
    enterSafeDir(dest, file),
    requireRegular(dest, true),
    `tmp=$(${shCommand('mktemp', '--', template)})`,
    `trap 'rm -f -- "$tmp"' EXIT`,
    'cat > "$tmp"',
    step('[ -f "$tmp" ] && [ ! -L "$tmp" ]', TEMP_STILL_REGULAR),
    chownChmod('"$tmp"', file),
    `mv -f -- "$tmp" ${shQuote(local)}`,
  ].join(' && ')} )`;
}

/** Why a file may not be written on this host now (I/O errors, filesystem errors, not a regular file). */
function writeRefusal(p: Record<string, string>, ctx: PlanContext): string | undefined {
  const target = p['path'] ?? '';
  const blocked = writeBlocker(ctx.probe, target);
  if (blocked) return blocked;
  const stat = ctx.probe?.files?.find((f) => f.path === target);
  if (stat?.exists && stat.kind === 'link') return `${target} is a symbolic link${stat.linkTarget ? ` to ${stat.linkTarget}` : ''}: remlite never writes through one`;
  if (stat?.exists && (stat.kind === 'dir' || stat.kind === 'other')) return `${target} is no longer a regular file`;
  return undefined;
}

function writePreconditions(p: Record<string, string>, ctx: PlanContext): string[] {
  const r = baselineEntry(ctx.baseline, ctx.machine.name, p['path'] ?? '', { copy: false });
  return filePreconditions(p['path'] ?? '', 'file' in r ? r.file : undefined, true);
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
    title: (p) => configRestoreWording(p['path'] ?? '', p['service']),
    params: ['path', 'service'],
    validate: (p) => pathError(p['path']) ?? optionalServiceError(p['service']),
    check: checkCopy,
    input: inputOf,
    preconditions: (p, ctx) => [...writePreconditions(p, ctx), ...(p['service'] ? transactionConditions(p['path'] ?? '', p['service'], ctx) : [])],
    command(p, ctx) {
      const file = entryOf(p, ctx, true);
      const dest = p['path'] ?? '';
      const service = p['service'];
      if (!service) return withPrivilege(ctx.machine, atomicWriteFromStdin(dest, file));
      // Staged beside the config first (same directory and file checks as a plain restore); the
      // transaction swaps it in, tests, restarts or rolls back.
      const destSafe = `( ${[enterSafeDir(dest, file), requireRegular(dest, true)].join(' && ')} )`;
      const steps = [destSafe, ...transactionGuards(dest, ctx), atomicWriteFromStdin(sideFiles(dest).staged, file), runTransaction(dest, service, ctx)];
      return withPrivilege(ctx.machine, steps.join(' && '));
    },
    expected: (p) =>
      p['service']
        ? `${p['path']} is byte-identical to the baseline, the config test passes and ${p['service']} is active; if the test fails or ${p['service']} does not come up, the previous ${p['path']} is put back (and ${p['service']} started again on it if it was running and stopped); the next probe shows no drift`
        : `${p['path']} is byte-identical to the baseline; the next probe shows no drift`,
  },
  'data.restore': {
    id: 'data.restore',
    title: (p) => dataRestoreWording(p['path'] ?? ''),
    params: ['path'],
    validate: (p) => pathError(p['path']),
    check: checkCopy,
    input: inputOf,
    preconditions: writePreconditions,
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
      return 'refused' in r ? r.refused : writeRefusal(p, ctx);
    },
    preconditions(p, ctx) {
      const r = baselineEntry(ctx.baseline, ctx.machine.name, p['path'] ?? '', { copy: false });
      return filePreconditions(p['path'] ?? '', 'file' in r ? r.file : undefined, false);
    },
    command: (p, ctx) => withPrivilege(ctx.machine, modeAndOwner(p['path'] ?? '', entryOf(p, ctx, false))),
    expected: (p) => `${p['path']} has its baseline mode and owner again; the next probe shows no permission finding`,
  },
};
