import type { UserAction, UserActionScope } from '../src/model/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import type { KeyHint } from './keymap.js';

const SCOPE_NOTE: Record<UserActionScope, string> = { service: 'on the selected service', host: 'on this host', pool: 'across the pool, canary first' };

/** The operator's actions of these scopes as key hints: marked as actions, so read-only mode hides them. */
export function userActionHints(actions: readonly UserAction[], scopes: readonly UserActionScope[]): KeyHint[] {
  return actions
    .filter((a) => scopes.includes(a.scope))
    .map((a) => ({ keys: a.key, label: `${sanitizeLine(a.description ?? a.name)} (${SCOPE_NOTE[a.scope]}, asks first)`, action: true, footer: true, short: sanitizeLine(a.name) }));
}

/** The action bound to a key in a scope, if any. */
export function userActionFor(actions: readonly UserAction[], scope: UserActionScope, input: string): UserAction | undefined {
  return input ? actions.find((a) => a.scope === scope && a.key === input) : undefined;
}

/** A help section for them (none when there are none). */
export function userActionSection(actions: readonly UserAction[], scopes: readonly UserActionScope[]): { title: string; keys: KeyHint[] }[] {
  const keys = userActionHints(actions, scopes);
  return keys.length ? [{ title: 'Your actions (actions.yaml)', keys }] : [];
}
