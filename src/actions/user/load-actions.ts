import { readFileSync } from 'node:fs';
import type { UserAction } from '../../model/index.js';
import { formatIssue } from '../../util/config-error.js';
import { parseUserActions } from './parse-actions.js';

/**
 * Reads the operator's actions file. No file = no user actions; a bad entry is left out and each
 * problem comes back as a `file:line:column: reason — what to do` warning (never a crash).
 */
export function loadUserActions(file: string): { actions: UserAction[]; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { actions: [], warnings: [] };
    return { actions: [], warnings: [`${file}: cannot be read (${(err as Error).message}); no user actions loaded`] };
  }
  const { actions, issues } = parseUserActions(text, file);
  const warnings = issues.map((i) => `${formatIssue(i)} (action left out)`);
  return { actions, warnings };
}
