import type { UserAction, UserActionScope } from '../model/index.js';
import { userActionId } from '../actions/user/user-catalogue.js';
import { sanitizeLine } from '../util/sanitize.js';
import type { KeySection, RegistryEntry } from './types.js';

const SECTION: Record<UserActionScope, KeySection> = { service: 'services', host: 'host', pool: 'grid' };
const SCOPE_NOTE: Record<UserActionScope, string> = { service: 'on the selected service', host: 'on this host', pool: 'across the pool, canary first' };

/** The operator's actions (actions.yaml) as entries: each changes a host, so read-only mode leaves them out. */
export function userActionEntries(actions: readonly UserAction[]): RegistryEntry[] {
  return actions.map((a) => ({
    id: userActionId(a.name),
    label: `${sanitizeLine(a.description ?? a.name)} (${SCOPE_NOTE[a.scope]}, asks first)`,
    short: sanitizeLine(a.name),
    scope: a.scope,
    dangerous: true,
    intent: { kind: 'plan', action: userActionId(a.name) },
    keys: [{ section: SECTION[a.scope], keys: a.key, input: [a.key], footer: true }],
    source: 'user',
  }));
}
