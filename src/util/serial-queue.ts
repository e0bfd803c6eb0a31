/**
 * Runs tasks one after another, in the order given (appends to one file must never interleave).
 * A task that fails rejects its own promise only; the next one still runs.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every task queued so far has finished (or failed). */
  idle(): Promise<void> {
    return this.tail;
  }
}
