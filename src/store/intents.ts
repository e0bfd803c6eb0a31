import type { ActionIntent, ActionPlan, FailureClass, HostKeyInfo } from '../model/index.js';

/** A repair across a pool: the given host is the canary, then the rest of the pool N at a time. */
export interface PoolRepairRequest {
  machineId: string;
  action: string;
  params: Record<string, string>;
  /** The finding the repair clears: only pool hosts that have it are repaired, and its absence is the health check. */
  clears?: { class: FailureClass; subject?: string };
  batchSize?: number;
  /** The hosts to reach, canary first (the operator's marked hosts); default: the canary's pool. */
  hosts?: string[];
}

/** The key the operator reviewed in the trust dialog: its type, blob and the fingerprint shown for it. */
export type ReviewedHostKey = Pick<HostKeyInfo, 'type' | 'base64' | 'fingerprint'>;

/** The answer to a trust request: written, or refused with the reason to show. */
export type TrustOutcome = { trusted: true; message: string } | { trusted: false; reason: string };

/**
 * Runs a program in the foreground with the terminal handed over to it (the UI suspended), and
 * resolves when it exits. Provided by the terminal layer; the core never touches the terminal.
 */
export type ForegroundRunner = (argv: readonly string[]) => Promise<{ exitCode: number | null; error?: string }>;

/**
 * What a view may ask the core to do. The CLI wires a real implementation
 * (planner, runner, poller, log streams); views only ever see this interface,
 * so they never open SSH connections or call providers themselves.
 */
export interface Intents {
  /** Turn an intent into an exact plan for confirmation, or explain why it cannot run. */
  plan(intent: ActionIntent): { plan: ActionPlan } | { refused: string };
  /**
   * Why the action cannot run on the host now (the planner's refusal, in full), or undefined when it
   * can: views show such a repair as unavailable with its reason instead of offering it.
   */
  unavailable?(intent: ActionIntent): string | undefined;
  /**
   * Run a confirmed plan; progress and result land in the store (actions, host.busyAction). Resolves
   * with the reason when the plan was refused at the last moment (host busy, read-only...) and not run.
   */
  run(plan: ActionPlan): Promise<{ refused: string } | void>;
  /** Start streaming a host's log source into store.log (replacing any open stream). */
  openLog(machineId: string, sourceId: string): void;
  /** Follows one source (unit:NAME or file:/PATH) on several hosts at once, interleaved (store.log with POOL_LOG_ID). */
  openPoolLog(machineIds: readonly string[], sourceId: string): void;
  closeLog(): void;
  /**
   * Record in known_hosts exactly the key the operator reviewed (explicit decision). Refused unless a
   * live connection of this run offers that very key and nothing is known for the host yet.
   */
  trustHostKey(machineId: string, reviewed: ReviewedHostKey): Promise<TrustOutcome>;
  /** Run a repair over the host's pool with a canary; progress in store.rollout. */
  repairPool(req: PoolRepairRequest): Promise<void>;
  /**
   * An interactive ssh session on the host with its exact connection settings, run through the
   * terminal's foreground runner; polling is held meanwhile and the session audited (start, end).
   */
  openShell(machineId: string, foreground: ForegroundRunner): Promise<{ refused: string } | { exitCode: number | null }>;
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
