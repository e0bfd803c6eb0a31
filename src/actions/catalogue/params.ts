import type { BaselineFile, HostBaseline } from '../../model/index.js';
import { accountNameError } from '../../util/account-name.js';
import { isSafeServiceName } from '../../util/shell-quote.js';

/** An absolute path with no NUL or line break (quoting handles everything else). */
export function pathError(value: string | undefined, name = 'path'): string | undefined {
  if (!value) return `no ${name} given`;
  if (!value.startsWith('/')) return `${name} "${value}" is not absolute`;
  if (/[\0\r\n]/.test(value)) return `${name} contains a NUL or line break`;
  if (value.split('/').includes('..')) return `${name} "${value}" contains ".."`;
  return undefined;
}

export function optionalServiceError(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return isSafeServiceName(value) ? undefined : `"${value}" is not a valid service name`;
}

/** The `.service` unit of a service name (any other suffix is kept and `.service` added: such a unit is not loaded, and the repair's check fails closed). */
export function serviceUnit(service: string): string {
  return service.endsWith('.service') ? service : `${service}.service`;
}

export function unitName(service: string): string {
  return /\.(service|socket|timer|target|mount|path)$/.test(service) ? service : `${service}.service`;
}

export function describeBaseline(b: HostBaseline): string {
  return `accepted ${b.acceptedAt} by ${b.acceptedBy}`;
}

const MODE = /^[0-7]{3,4}$/;

/** The baseline entry of a path, or why it cannot be used. */
export function baselineEntry(
  baseline: HostBaseline | undefined,
  host: string,
  path: string,
  needs: { copy: boolean },
): { file: BaselineFile } | { refused: string } {
  if (!baseline) return { refused: `no baseline for ${host}: accept its current state as good first (A in the grid)` };
  const file = baseline.files[path];
  if (!file) return { refused: `the baseline of ${host} (${describeBaseline(baseline)}) does not cover ${path}` };
  if (needs.copy && (!file.copy || !file.sha256)) return { refused: `the baseline of ${host} keeps no copy of ${path}` };
  if (!file.mode || !MODE.test(file.mode)) return { refused: `the baseline of ${host} has no valid mode for ${path}` };
  if (!file.owner || !file.group) return { refused: `the baseline of ${host} has no owner/group for ${path}` };
  const badName = accountNameError(file.owner, 'owner') ?? accountNameError(file.group, 'group');
  if (badName) return { refused: `the baseline of ${host} for ${path}: ${badName}` };
  return { file };
}
