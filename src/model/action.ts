/** An operator's request, before planning. */
export interface ActionIntent {
  /** Catalogue id: "service.restart", "service.start", "service.stop". */
  action: string;
  machineId: string;
  params: Record<string, string>;
}

/** An exact, already quoted plan: what will run where. */
export interface ActionPlan {
  intent: ActionIntent;
  title: string;
  /** Host display name. */
  hostName: string;
  /** The exact remote command line (POSIX sh), every value quoted. */
  command: string;
  /** What the operator should expect to see afterwards. */
  expected: string;
  /** Whether it runs over SSH, locally (local provider) or through the cloud API (then `command` is the equivalent CLI call). */
  transport: 'ssh' | 'local' | 'cloud';
  /**
   * Content sent on the command's stdin: a stored known-good copy, named here and checked against
   * its checksum by the runner before anything is sent (the content itself is never in the plan).
   */
  input?: { baselineFile: string; sha256: string; bytes: number; description: string };
  /** A read-only command whose output tells the operator what the action will do (bytes it frees...). */
  preview?: { command: string; description: string };
  /**
   * What must be true on the host before anything changes. Each is checked by the command itself,
   * on the host, before its first change; the first unmet one stops it (exit 3) with a message
   * naming it (see src/actions/guard.ts). Shown in the confirmation.
   */
  preconditions?: string[];
}

export interface ActionResult {
  exitCode: number | null;
  /** Last lines of combined stdout/stderr, sanitized. */
  outputTail: string;
  durationMs: number;
  error?: string;
  /** The audit log could not record this run: its "started" (then nothing was sent) or its "finished". */
  auditError?: { phase: 'started' | 'finished'; message: string };
}

/** One line of the audit log (JSON lines). */
export interface AuditEntry {
  /** Unique id shared by the "started" and "finished" records of one action. */
  id: string;
  /** `note`: a record about the log itself (e.g. the previous file was set aside as corrupt). */
  phase: 'started' | 'finished' | 'refused' | 'note';
  at: string; // ISO time
  who: string; // local user@host of the operator
  machineId: string;
  host: string;
  action: string;
  command: string;
  exitCode?: number | null;
  outputTail?: string;
  durationMs?: number;
  error?: string;
  /** What a `note` entry says. */
  note?: string;
}

/** Where a user-defined action is bound: the selected service, the open host, or a whole pool. */
export type UserActionScope = 'host' | 'service' | 'pool';

/** An operator's own named command (`<config dir>/actions.yaml`), planned, confirmed and audited like a repair. */
export interface UserAction {
  /** Also its action id: `user:NAME`. */
  name: string;
  /** One character, free in its scope. */
  key: string;
  scope: UserActionScope;
  /** POSIX sh template; `{host}` `{address}` `{pool}` `{site}` `{service}` are substituted quoted. */
  command: string;
  description?: string;
  /** What the operator should see afterwards (shown in the confirmation). */
  expect?: string;
  /** file:line the action was read from. */
  origin: string;
}
