/** How fast a filesystem is filling, from its recent used bytes. */
export interface FillRate {
  bytesPerSec: number;
  /** The stretch of history the rate was measured over. */
  spanMs: number;
}

export interface FillRateOptions {
  /** Fewer samples than this (since the last shrink) give no rate. */
  minSamples: number;
  /** A shorter stretch gives no rate: a burst is not a trend. */
  minSpanMs: number;
  /** Less growth than this over the stretch is noise. */
  minGrowthBytes: number;
  /** The line must explain at least this share of the variation (R²): a sawtooth is not a fill. */
  minFit: number;
}

export const DEFAULT_FILL_RATE_OPTIONS: FillRateOptions = { minSamples: 3, minSpanMs: 30_000, minGrowthBytes: 1024 * 1024, minFit: 0.6 };

/**
 * The fill rate of a volume by least squares over its used bytes (times in epoch ms, oldest first,
 * NaN for polls without a number). Only the samples since it last shrank by more than noise count
 * (a cleanup starts a new trend); a shrinking, flat or noisy volume has no rate. Pure.
 */
export function estimateFillRate(series: { at: readonly number[]; values: readonly number[] }, opts: FillRateOptions = DEFAULT_FILL_RATE_OPTIONS): FillRate | undefined {
  const at: number[] = [];
  const used: number[] = [];
  for (let i = 0; i < series.at.length; i++) {
    const t = series.at[i]!;
    const v = series.values[i]!;
    if (!Number.isFinite(t) || !Number.isFinite(v)) continue;
    if (used.length && v < used[used.length - 1]! - opts.minGrowthBytes) {
      at.length = 0;
      used.length = 0;
    }
    at.push(t);
    used.push(v);
  }
  const n = at.length;
  if (n < opts.minSamples) return undefined;
  const spanMs = at[n - 1]! - at[0]!;
  if (spanMs < opts.minSpanMs || used[n - 1]! - used[0]! < opts.minGrowthBytes) return undefined;
  const t0 = at[0]!;
  let mt = 0;
  let mu = 0;
  for (let i = 0; i < n; i++) {
    mt += (at[i]! - t0) / n;
    mu += used[i]! / n;
  }
  let stt = 0;
  let stu = 0;
  let suu = 0;
  for (let i = 0; i < n; i++) {
    const dt = at[i]! - t0 - mt;
    const du = used[i]! - mu;
    stt += dt * dt;
    stu += dt * du;
    suu += du * du;
  }
  if (stt <= 0 || suu <= 0) return undefined;
  const perMs = stu / stt;
  const fit = (stu * stu) / (stt * suu);
  if (perMs <= 0 || fit < opts.minFit) return undefined;
  return { bytesPerSec: perMs * 1000, spanMs };
}

/** Seconds until `availBytes` are used up at `rate`. */
export function secondsToFull(availBytes: number, rate: FillRate): number {
  return Math.max(0, availBytes) / rate.bytesPerSec;
}
