import type { Finding, HostBaseline, Machine, PollResult } from '../model/index.js';
import type { FillRate } from './fill-rate.js';

export interface Thresholds {
  /** Filesystem used %, as df computes it: used / (used + available). */
  diskWarnPct: number;
  diskCritPct: number;
  inodeWarnPct: number;
  inodeCritPct: number;
  /** systemd NRestarts at or above which a unit counts as restart-looping. */
  restartLoopCount: number;
  /** 5-minute load average per CPU. */
  loadPerCpuWarn: number;
  loadPerCpuCrit: number;
  /** MemAvailable / MemTotal, % below which memory is short. */
  memAvailWarnPct: number;
  memAvailCritPct: number;
  /** Mount points that are read-only on purpose. */
  readOnlyOkMounts: string[];
  /** |remote clock - local clock| in ms at which clock skew warns / is critical. */
  clockSkewWarnMs: number;
  clockSkewCritMs: number;
  /** High load and memory pressure fire only when they held in this many consecutive probed polls. */
  sustainPolls: number;
  /** Messages in the postfix queue at which the backlog warns / is critical. */
  mailQueueWarn: number;
  mailQueueCrit: number;
  /** On a log host, a sender learned at accept whose file has not been written for this long is silent (setting logSilentAfterSec). */
  logSilentAfterSec: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  diskWarnPct: 85,
  diskCritPct: 95,
  inodeWarnPct: 85,
  inodeCritPct: 95,
  restartLoopCount: 5,
  loadPerCpuWarn: 2,
  loadPerCpuCrit: 4,
  memAvailWarnPct: 10,
  memAvailCritPct: 5,
  readOnlyOkMounts: [],
  clockSkewWarnMs: 5_000,
  clockSkewCritMs: 60_000,
  sustainPolls: 3,
  mailQueueWarn: 100,
  mailQueueCrit: 1000,
  // Two hours: a quiet Debian host still logs its hourly cron run, so one missed hour is not enough.
  logSilentAfterSec: 7200,
};

export interface DetectContext {
  machine: Machine;
  poll: PollResult;
  /** Epoch ms of the evaluation. */
  now: number;
  thresholds: Thresholds;
  /** The host's accepted known-good state; without one, nothing can drift. */
  baseline?: HostBaseline;
  /** Recent polls of this host, oldest first, newest last (may or may not end with `poll`). */
  history?: PollResult[];
  /** How fast a volume is filling, from the host's trend history (estimateFillRate); absent = not known. */
  fillRate?: (mount: string) => FillRate | undefined;
}

export type Detector = (ctx: DetectContext) => Finding[];
