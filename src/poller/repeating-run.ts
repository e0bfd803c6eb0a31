/**
 * Runs a task now, then again after each run ends (the delay asked of `nextDelayMs` then), one run at
 * a time: asked for during a run, the next run follows it at once instead of overlapping it.
 */
export class RepeatingRun {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stoppedFlag = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly nextDelayMs: () => number,
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
      this.timer = setTimeout(() => void this.now(), this.nextDelayMs());
    });
    return this.running;
  }

  stop(): void {
    this.stoppedFlag = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
