import { formatIssue, type ConfigIssue } from '../src/util/config-error.js';

/** One problem found in an inventory file (the shared config issue type). */
export type InventoryIssue = ConfigIssue;

/**
 * A malformed or missing inventory. The fields describe the first problem; `issues` holds all of
 * them (sorted by position) so a CLI can print every one in a single run.
 */
export class InventoryError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  readonly hint: string;
  readonly issues: InventoryIssue[];

  constructor(issues: InventoryIssue[]) {
    const first = issues[0];
    if (!first) throw new TypeError('InventoryError needs at least one issue');
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    super(formatIssue(first) + more);
    this.name = 'InventoryError';
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.reason = first.reason;
    this.hint = first.hint;
    this.issues = issues;
  }
}
