/**
 * Runs a task now, then again after each run ends (the delay asked of `nextDelayMs` then), one run at
 * a time: asked for during a run, the next run follows it at once instead of overlapping it.
 * A `nextDelayMs` of undefined schedules no next run (until `now` or `later` is called again).
 */
export class RepeatingRun {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stoppedFlag = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly nextDelayMs: () => number | undefined,
  ) {}

  /** Stopped: no run is scheduled any more (a run in flight still ends). */
  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /** Runs now; resolves when this run (or the one in flight it joins) has ended. */
  now(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.task().finally(() => {
      this.running = undefined;
      if (this.stoppedFlag) return;
      if (this.again) {
        this.again = false;
        void this.now();
        return;
      }
      this.schedule();
    });
    return this.running;
  }

  /** Runs after the next delay rather than now (unless a run is in flight or already scheduled). */
  later(): void {
    if (this.running || this.timer || this.stoppedFlag) return;
    this.schedule();
  }

  private schedule(): void {
    const delay = this.nextDelayMs();
    if (delay !== undefined) this.timer = setTimeout(() => void this.now(), delay);
  }

  stop(): void {
    this.stoppedFlag = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
