/**
 * A fixed number of timestamped samples, each `width` numbers, in preallocated typed arrays: when
 * full, a new sample overwrites the oldest. Memory is capacity × (width + 1) × 8 bytes, whatever
 * runs for how long.
 */
export class SampleRing {
  private readonly times: Float64Array;
  private readonly values: Float64Array;
  private start = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly width: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, not ${capacity}`);
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity * width);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the newest sample, if any. */
  lastAt(): number | undefined {
    return this.count ? this.times[(this.start + this.count - 1) % this.capacity] : undefined;
  }

  /** Time of the sample before the newest, if any. */
  private previousAt(): number | undefined {
    return this.count > 1 ? this.times[(this.start + this.count - 2) % this.capacity] : undefined;
  }

  /**
   * Adds a sample. With `minSpacingMs`, a sample closer than that to the one before the newest
   * replaces the newest instead: the ring then spans capacity × spacing while its newest sample
   * stays current.
   */
  push(at: number, sample: readonly number[], minSpacingMs = 0): void {
    const prev = this.previousAt();
    let slot: number;
    if (prev !== undefined && at - prev < minSpacingMs) slot = (this.start + this.count - 1) % this.capacity;
    else if (this.count < this.capacity) slot = (this.start + this.count++) % this.capacity;
    else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    this.times[slot] = at;
    for (let i = 0; i < this.width; i++) this.values[slot * this.width + i] = sample[i] ?? Number.NaN;
  }

  /** One column's samples taken at or after `since`, oldest first. */
  series(column: number, since = Number.NEGATIVE_INFINITY): { at: number[]; values: number[] } {
    const at: number[] = [];
    const values: number[] = [];
    for (let k = 0; k < this.count; k++) {
      const slot = (this.start + k) % this.capacity;
      const t = this.times[slot]!;
      if (t < since) continue;
      at.push(t);
      values.push(this.values[slot * this.width + column]!);
    }
    return { at, values };
  }
}
