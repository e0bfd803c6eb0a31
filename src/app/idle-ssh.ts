import type { SshPool } from '../ssh/pool.js';

/**
 * SSH on demand: connections to hosts that are not SSH-probed (Prometheus hosts) are opened when the
 * operator drills down, follows a log or repairs, and closed once nothing has used them for idleMs.
 */
export class IdleSshCloser {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pool: SshPool,
    private readonly onDemand: (machineId: string) => boolean,
    private readonly idleMs: number,
  ) {
    this.timer = setInterval(() => this.sweep(), Math.max(1000, Math.min(60_000, Math.floor(idleMs / 2))));
    this.timer.unref();
  }

  /** Closes the idle on-demand connections now; returns their machine ids. */
  sweep(now = Date.now()): string[] {
    return this.pool.closeIdle(this.idleMs, this.onDemand, now);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
