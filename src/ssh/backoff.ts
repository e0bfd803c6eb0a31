export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before the next attempt after `failures` consecutive failures (1 = first failure):
 * exponential, capped, with "equal jitter" (half fixed, half random) so a fleet that fell
 * over together does not reconnect in lockstep. `random` returns [0, 1).
 */
export function backoffDelay(failures: number, opts: BackoffOptions, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(failures - 1, 30));
  const half = exp / 2;
  return Math.round(half + random() * half);
}
