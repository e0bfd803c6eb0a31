import { shQuote } from '../util/shell-quote.js';

/** Exit status of a command stopped by an unmet precondition (nothing was changed). */
export const PRECONDITION_EXIT = 3;

/**
 * A shell step that fails closed: runs `test` (a POSIX sh condition, values already quoted) and,
 * when it is false, prints "remlite: precondition failed: MESSAGE" on stderr and exits 3 before
 * any later step runs. Chain it with `&&` or `;` ahead of the steps that change the host.
 */
export function requireOnHost(test: string, message: string): string {
  // Grouped as one step, so `a && guard && b` skips the guard when `a` failed instead of blaming it.
  return `{ { ${test}; } || { printf '%s\\n' ${shQuote(`remlite: precondition failed: ${message}`)} >&2; exit ${PRECONDITION_EXIT}; }; }`;
}
