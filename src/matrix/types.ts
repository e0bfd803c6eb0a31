import type { Finding, HostBaseline, Machine, PollResult } from '../model/index.js';

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
};

export interface DetectContext {
  machine: Machine;
  poll: PollResult;
  /** Epoch ms of the evaluation. */
  now: number;
  thresholds: Thresholds;
  /** The host's accepted known-good state, if any. */
  baseline?: HostBaseline;
  /** Previous polls of the host, oldest first (without this one). */
  history?: PollResult[];
}

export type Detector = (ctx: DetectContext) => Finding[];
