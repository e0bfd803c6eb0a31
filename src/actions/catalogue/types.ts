import type { ActionPlan, HostBaseline, HostProbe, Machine, ServiceStatus } from '../../model/index.js';

/** What the planner needs to know about the target host. */
export interface PlanContext {
  machine: Machine;
  /** Init system seen by the last probe; systemd when unknown. */
  init: 'systemd' | 'sysvinit';
  /** The service as the last probe saw it, if it did. */
  service?: ServiceStatus;
  /** The last successful probe (volumes, fs errors). */
  probe?: HostProbe;
  /** The host's accepted known-good state, if any. */
  baseline?: HostBaseline;
  /** Whether the stored copy of that name is present in the baseline store. */
  hasCopy?: (sha256: string) => boolean;
  /** The newest stored dump of a database. */
  newestDump?: (database: string) => { name: string; sha256: string; bytes: number; at: string } | undefined;
  /** disk.cleanup deletes only files older than this many days (setting cleanupMinAgeDays; default 7). */
  cleanupMinAgeDays?: number;
}

/** One entry of the repair catalogue: declarative, like a Monit action. */
export interface CatalogueEntry {
  id: string;
  title: (params: Record<string, string>) => string;
  /** Names of the params the action needs, each validated by validate(). */
  params: string[];
  validate(params: Record<string, string>): string | undefined;
  /** The exact remote command (POSIX sh), every value quoted. */
  command(params: Record<string, string>, ctx: PlanContext): string;
  expected(params: Record<string, string>): string;
  /** Refusal reason from the host's state (no baseline copy, no dump...), checked before command(). */
  check?(params: Record<string, string>, ctx: PlanContext): string | undefined;
  /** Stored content the command reads on stdin. */
  input?(params: Record<string, string>, ctx: PlanContext): ActionPlan['input'];
  /** A read-only command showing what the action would do. */
  preview?(params: Record<string, string>, ctx: PlanContext): ActionPlan['preview'];
  /** Preconditions checked on the host by command() before any change, in words (shown in the confirmation). */
  preconditions?(params: Record<string, string>, ctx: PlanContext): string[];
  /** 'cloud': runs through the provider's API (command is then the equivalent CLI call); default: the host's shell. */
  transport?: 'cloud';
  /** Why the action cannot run on this machine right now, if it cannot. */
  precondition?(machine: Machine): string | undefined;
}
