export interface PartDelayInput {
  /** Between two listings of a part that answered. */
  intervalMs: number;
  /** While a cloud action's burst lasts. */
  fastIntervalMs: number;
  fastUntil: number;
  now: number;
  /** Listings of this part that failed in a row. */
  failures: number;
}

/** A failing part waits at most this many intervals, so a throttled region eases off without going dark. */
export const MAX_BACKOFF_FACTOR = 8;

/**
 * When a provider part (an EC2 region) is listed next: the fast interval during a burst, else the
 * normal one, doubled for each failure in a row up to MAX_BACKOFF_FACTOR times; one part's backoff
 * never touches another's.
 */
export function partDelayMs(i: PartDelayInput): number {
  const base = i.now < i.fastUntil ? i.fastIntervalMs : i.intervalMs;
  const factor = Math.min(2 ** Math.max(0, Math.min(i.failures, 16)), MAX_BACKOFF_FACTOR);
  return base * factor;
}
