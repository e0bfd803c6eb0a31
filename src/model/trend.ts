/** The per-host numbers kept over time (README "Trends"). */
export const TREND_METRICS = ['load', 'mem', 'disk', 'latency'] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];

/** Samples of one number, oldest first: epoch ms and value (NaN where a poll had none). */
export interface TrendSeries {
  at: number[];
  values: number[];
}

/** A read-only view of the bounded per-host history, as views and detectors use it. */
export interface TrendReader {
  /** How far back the history reaches (the trendMinutes setting). */
  readonly windowMs: number;
  /** One metric of a host within the window ending at `now`: load1, memory used %, worst disk used %, probe latency ms. */
  series(machineId: string, metric: TrendMetric, now: number): TrendSeries;
  /** Used bytes of one of a host's filesystems within the window. */
  volume(machineId: string, mount: string, now: number): TrendSeries;
}
