import path from 'node:path';
import type { BaselineFile } from '../../model/index.js';
import { shCommand, shQuote } from '../../util/shell-quote.js';
import { requireOnHost } from '../guard.js';

// Steps that change a declared file on a host without ever following a symbolic link an
// unprivileged user planted there. They run with the file's directory as the working directory
// (`cd -P`: later renames of the path cannot redirect them) and only when that directory is
// writable by no one but root and the file's owner of record: then nobody else can swap the file
// between the check and the change, so check-then-act is safe.

/** A requireOnHost step (it groups itself, so it can sit in an `&&` chain). */
export const step = requireOnHost;

export interface FileSite {
  dir: string;
  /** `./NAME`: the file relative to its (pinned) directory. */
  local: string;
}

export function siteOf(dest: string): FileSite {
  return { dir: path.posix.dirname(dest), local: `./${path.posix.basename(dest)}` };
}

function dirSafeMessage(dir: string, file: BaselineFile): string {
  return `${dir} is a directory owned by root${file.owner && file.owner !== 'root' ? ` or ${file.owner}` : ''} and writable by no one else`;
}

/** cd into the file's directory and check who can write it. `file.owner` is validated by the planner. */
export function enterSafeDir(dest: string, file: BaselineFile): string {
  const { dir } = siteOf(dest);
  const owner = shQuote(file.owner ?? 'root');
  const ownedOk = `case "$d" in 0:*|*:${owner}:*|${owner}:*) ;; *) false ;; esac`;
  return [
    step(`cd -P -- ${shQuote(dir)}`, `${dir} exists and is a directory`),
    step(`d=$(stat -c '%u:%U:%a' .) && ${ownedOk} && [ $(( 0\${d##*:} & 022 )) -eq 0 ]`, dirSafeMessage(dir, file)),
  ].join(' && ');
}

/** The check that the file itself is a regular file, not a symlink (absent allowed when `absentOk`). */
export function requireRegular(dest: string, absentOk: boolean): string {
  const f = shQuote(siteOf(dest).local);
  return absentOk
    ? step(`[ ! -L ${f} ] && { [ ! -e ${f} ] || [ -f ${f} ]; }`, `${dest} is a regular file (or absent), not a symbolic link`)
    : step(`[ ! -L ${f} ] && [ -f ${f} ]`, `${dest} is a regular file, not a symbolic link`);
}

/** chown without dereferencing, then chmod (chown clears set-id bits); names after `--`. */
export function chownChmod(target: string, file: BaselineFile): string {
  return `${shCommand('chown', '-h', '--', `${file.owner}:${file.group}`)} ${target} && ${shCommand('chmod', '--', file.mode ?? '')} ${target}`;
}

export const TEMP_STILL_REGULAR = 'the temp file is still the regular file mktemp created';

/** The preconditions a file-changing repair checks on the host, in words (`write`: a temp file + mv). */
export function filePreconditions(dest: string, file: BaselineFile | undefined, write: boolean): string[] {
  const { dir } = siteOf(dest);
  const out = [dirSafeMessage(dir, file ?? ({} as BaselineFile))];
  if (!write) return [...out, `${dest} is a regular file, not a symbolic link`];
  return [...out, `${dest} is a regular file (or absent), not a symbolic link`, `${TEMP_STILL_REGULAR} (checked before its owner and mode are set)`];
}
