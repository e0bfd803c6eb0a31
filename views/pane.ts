import type { Key } from 'ink';
import type { ActionIntent } from '../src/model/index.js';
import type { KeySection, Registry } from '../src/registry/index.js';
import type { HostState, PoolRepairRequest } from '../src/store/index.js';

/** A pane's key handler; returns true when it used the key (HostView then ignores it). */
export type PaneInput = (input: string, key: Key) => boolean;

export interface PaneProps {
  host: HostState;
  /** Rows available to the pane. */
  height: number;
  width: number;
  /** The pane installs its key handler here on every render. */
  inputRef: { current: PaneInput | null };
  /** The registry of this mode: which keys the pane may act on. */
  registry: Registry;
  /** Plans the entry a key triggers in a section (params from its scope), or refuses a key read-only mode withheld; true when the key was one. */
  dispatchKey: (section: KeySection, input: string, params: Record<string, string>) => boolean;
  /** Plan an action of a registered entry and ask for confirmation (HostView shows refusals). */
  requestAction: (intent: ActionIntent) => void;
  /** The same repair across the host's pool, canary first. */
  requestPoolRepair: (request: PoolRepairRequest) => void;
  /** Says that read-only mode left the key's entry out. */
  refuseReadOnly: () => void;
}
