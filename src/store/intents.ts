import type { ActionIntent, ActionPlan } from '../model/index.js';

/**
 * What a view may ask the core to do. The CLI wires a real implementation
 * (planner, runner, poller, log streams); views only ever see this interface,
 * so they never open SSH connections or call providers themselves.
 */
export interface Intents {
  /** Turn an intent into an exact plan for confirmation, or explain why it cannot run. */
  plan(intent: ActionIntent): { plan: ActionPlan } | { refused: string };
  /** Run a confirmed plan; progress and result land in the store (actions, host.busyAction). */
  run(plan: ActionPlan): Promise<void>;
  /** Start streaming a host's log source into store.log (replacing any open stream). */
  openLog(machineId: string, sourceId: string): void;
  closeLog(): void;
  /** Record the host key currently offered by an untrusted host in known_hosts (explicit operator decision). */
  trustHostKey(machineId: string): Promise<void>;
  /** Poll now (one host or all). */
  refresh(machineId?: string): void;
  /**
   * "Accept current as good": capture the declared files, modules and databases of one host or of
   * every host of a pool as their known-good baseline. Progress and results arrive as store notices
   * and in store.baselineInfo.
   */
  acceptBaseline(scope: { machineId: string } | { pool: string }): Promise<void>;
  /** Runs a plan's read-only preview command and returns its result as sanitized text. */
  preview(plan: ActionPlan): Promise<string>;
}
