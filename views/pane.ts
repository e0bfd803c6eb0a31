import type { Key } from 'ink';
import type { ActionIntent } from '../src/model/index.js';
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
  /** Plan an action and ask for confirmation (HostView handles read-only and refusals). */
  requestAction: (intent: ActionIntent) => void;
  /** The same repair across the host's pool, canary first. */
  requestPoolRepair: (request: PoolRepairRequest) => void;
  readOnly: boolean;
}
