import type { UserActionScope } from '../../model/index.js';

// The single-character keys the built-in screens already use, per user-action scope. A user action
// may not take one of them. test/unit/user-actions-file.test.ts checks this list against the registry (src/registry/builtin.ts).
const LIST_MOVES = ['j', 'k', 'g', 'G'];
const GRID = [...LIST_MOVES, '/', 's', 'S', 'p', ' ', 't', 'L', 'A', 'R', '?', 'q', ':'];
/** Host view, whatever the tab: tabs, back, poll, help, trust, EC2 actions, the command bar. */
const HOST_VIEW = ['1', '2', '3', '4', 'h', 'l', 'q', 'R', 'S', '?', 'T', 'B', 'O', 'I', ':'];
const SERVICES_PANE = [...LIST_MOVES, 'r', 's', 'x'];
const OTHER_PANES = [...LIST_MOVES, 'a', 'b', 'c', 'd', 'e', 'f', 'P', ' ', '/', 'n', 'N', 'w'];

export const RESERVED_KEYS: Readonly<Record<UserActionScope, readonly string[]>> = {
  pool: GRID,
  service: [...HOST_VIEW, ...SERVICES_PANE],
  // Host actions work from any tab, so they must miss every pane's keys.
  host: [...HOST_VIEW, ...SERVICES_PANE, ...OTHER_PANES],
};

/** Scopes whose keys are read on the same screen (service and host actions both live in the host view). */
export function sharesScreen(a: UserActionScope, b: UserActionScope): boolean {
  return a === b || (a !== 'pool' && b !== 'pool');
}
