/**
 * Where a key is read. A screen's keys are the union of the sections it shows: the host view on its
 * Services tab reads `services`, `host`, and `host-key`/`ec2` when they apply.
 */
export type KeySection =
  | 'grid'
  | 'host'
  | 'services'
  | 'volumes'
  | 'log-sources'
  | 'log-view'
  | 'pool-log'
  | 'findings'
  | 'host-key'
  | 'ec2'
  | 'events'
  | 'command-bar';

/** What an entry acts on: nothing (moving about), the selected service, the open host, a pool, marked hosts, a cloud instance, a finding. */
export type ActionScope = 'none' | 'service' | 'host' | 'pool' | 'marked' | 'cloud' | 'finding';

/** What pressing the key (or running the command) asks for. `plan` goes through the planner with params from the scope. */
export type RegistryIntent =
  | { kind: 'plan'; action: string }
  /** A repair a finding offers: its first, the one by number, or the first across the pool. */
  | { kind: 'repair'; pick: 'first' | 'number' | 'pool' }
  | { kind: 'accept-baseline' }
  | { kind: 'trust-host-key' }
  /** An interactive ssh session on the host (the terminal handed over, audited as a session). */
  | { kind: 'shell' }
  /** Looking or moving about: the view does it itself (named for the help, not dispatched). */
  | { kind: 'view'; name: string };

export interface KeyBinding {
  section: KeySection;
  /** As shown in help: "j/k ↑/↓", "Enter", "1-9". */
  keys: string;
  /** The single characters that trigger the entry (for keys dispatched through the registry). */
  input?: readonly string[];
  /** Shown in the one-line footer (otherwise only in help). */
  footer?: boolean;
}

/** What a command's argument names; decides what completion offers and how the argument is checked. */
export type ArgKind = 'host' | 'pool' | 'service' | 'log' | 'sort' | 'filter';

/** The entry as a `:` command. */
export interface CommandBinding {
  name: string;
  aliases?: readonly string[];
  arg?: { kind: ArgKind; required: boolean };
  /** 'host' commands work on the open host only. */
  where: 'any' | 'host';
  usage: string;
  summary: string;
}

/** One key-bound or command-bound thing the console can do. */
export interface RegistryEntry {
  id: string;
  label: string;
  /** Footer wording when the label is too long. */
  short?: string;
  scope: ActionScope;
  /** Changes a host (or its cloud instance, or remlite's trust/baseline state for it): never registered in read-only mode. */
  dangerous: boolean;
  intent: RegistryIntent;
  keys: readonly KeyBinding[];
  command?: CommandBinding;
  /** `user` entries come from actions.yaml and get their own help section. */
  source: 'builtin' | 'user';
}

/** A key as footers and the help list it. */
export interface KeyHint {
  keys: string;
  label: string;
  short?: string;
  footer?: boolean;
  /** The entry changes a host (kept for the help's wording; read-only registries have none). */
  dangerous?: boolean;
}
