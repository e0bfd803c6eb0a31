import type { UserAction } from '../model/index.js';
import { BUILTIN_ENTRIES } from './builtin.js';
import type { CommandBinding, KeyHint, KeySection, RegistryEntry } from './types.js';
import { userActionEntries } from './user.js';

export const READ_ONLY_REFUSAL = 'read-only mode: actions are disabled';

/** The read-only rule, the only one: an entry that changes a host is not registered in read-only mode. */
export function registers(entry: Pick<RegistryEntry, 'dangerous'>, readOnly: boolean): boolean {
  return !(readOnly && entry.dangerous);
}

/** A `:` command with what the parser and completion need to know about its entry. */
export interface RegisteredCommand extends CommandBinding {
  entryId: string;
  dangerous: boolean;
}

export interface Registry {
  readonly readOnly: boolean;
  /** What is registered, in listing order (every entry when not read-only). */
  readonly entries: readonly RegistryEntry[];
  get(id: string): RegistryEntry | undefined;
  /** Footer and help lines of a section (or several, in entry order); `source` picks built-in keys or the operator's own. */
  hints(section: KeySection | readonly KeySection[], source?: RegistryEntry['source']): KeyHint[];
  /** The entry a single-character key triggers in a section, if one is registered. */
  keyEntry(section: KeySection, input: string): RegistryEntry | undefined;
  /** The key would trigger an entry read-only mode left out: the view says "read-only" rather than nothing. */
  withheld(section: KeySection, input: string): boolean;
  /** The entry a key is bound to, registered in this mode or not (registered: `get(entry.id)`). */
  bound(section: KeySection, input: string): RegistryEntry | undefined;
  /** An entry by id, registered in this mode or not. */
  known(id: string): RegistryEntry | undefined;
  /** The command bar's table: registered commands in order. */
  commands(): RegisteredCommand[];
}

function toHint(entry: RegistryEntry, sections: readonly KeySection[]): KeyHint[] {
  return entry.keys
    .filter((k) => sections.includes(k.section))
    .map((k) => ({
      keys: k.keys,
      label: entry.label,
      ...(entry.short ? { short: entry.short } : {}),
      ...(k.footer ? { footer: true } : {}),
      ...(entry.dangerous ? { dangerous: true } : {}),
    }));
}

const triggers = (entry: RegistryEntry, section: KeySection, input: string) =>
  input !== '' && entry.keys.some((k) => k.section === section && (k.input ?? []).includes(input));

function makeRegistry(all: readonly RegistryEntry[], readOnly: boolean): Registry {
  const entries = all.filter((e) => registers(e, readOnly));
  const left = all.filter((e) => !registers(e, readOnly));
  return {
    readOnly,
    entries,
    get: (id) => entries.find((e) => e.id === id),
    hints: (section, source) => {
      const sections: readonly KeySection[] = typeof section === 'string' ? [section] : section;
      return entries.filter((e) => source === undefined || e.source === source).flatMap((e) => toHint(e, sections));
    },
    keyEntry: (section, input) => entries.find((e) => triggers(e, section, input)),
    withheld: (section, input) => left.some((e) => triggers(e, section, input)),
    bound: (section, input) => all.find((e) => triggers(e, section, input)),
    known: (id) => all.find((e) => e.id === id),
    commands: () => entries.flatMap((e) => (e.command ? [{ ...e.command, entryId: e.id, dangerous: e.dangerous }] : [])),
  };
}

const cache = new Map<boolean, WeakMap<readonly UserAction[], Registry>>();
const NO_USER_ACTIONS: readonly UserAction[] = [];

/**
 * The registry for this console: built-in keys and commands, then the operator's actions.yaml
 * actions. Read-only mode registers no dangerous entry, so footers, help, the command table,
 * completion and key dispatch (all derived from it) cannot offer or trigger one.
 */
export function buildRegistry(opts: { readOnly: boolean; userActions?: readonly UserAction[] }): Registry {
  const actions = opts.userActions ?? NO_USER_ACTIONS;
  let byActions = cache.get(opts.readOnly);
  if (!byActions) cache.set(opts.readOnly, (byActions = new WeakMap()));
  let registry = byActions.get(actions);
  if (!registry) {
    registry = makeRegistry([...BUILTIN_ENTRIES, ...userActionEntries(actions)], opts.readOnly);
    byActions.set(actions, registry);
  }
  return registry;
}

/** Every command the bar knows, registered or not (to tell "read-only" from "unknown command"). */
export function allCommands(): RegisteredCommand[] {
  return buildRegistry({ readOnly: false }).commands();
}
