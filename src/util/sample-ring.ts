import type { TypedSlabs } from './typed-slabs.js';

/**
 * A fixed number of timestamped samples, each `width` numbers, in preallocated typed arrays: when
 * full, a new sample overwrites the oldest. Values are 32-bit floats (24 bits of precision: a
 * terabyte to 64 KiB, plenty for a trend line and a fill rate; ordering is kept, so growth never reads
 * as a shrink); times are exact. Memory is capacity × (8 + width × 4) bytes, whatever runs for how
 * long, plus capacity × 4 bytes per side column (`column()`): values kept in step with the same
 * samples, so several series of one host share one clock.
 */
export class SampleRing {
  private readonly times: Float64Array;
  private readonly values: Float32Array;
  private start = 0;
  private count = 0;

  /** With `slabs`, the arrays come from there (see TypedSlabs): release() gives them back. */
  constructor(
    readonly capacity: number,
    readonly width: number,
    private readonly slabs?: TypedSlabs,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, not ${capacity}`);
    this.times = slabs ? slabs.float64(capacity) : new Float64Array(capacity);
    this.values = slabs ? slabs.float32(capacity * width) : new Float32Array(capacity * width);
  }

  /** A side column for this ring: one value per sample slot, NaN (no value) until written. */
  column(): Float32Array {
    return (this.slabs ? this.slabs.float32(this.capacity) : new Float32Array(this.capacity)).fill(Number.NaN);
  }

  /** Gives a side column back to the slabs; it must not be used after. */
  dropColumn(column: Float32Array): void {
    this.slabs?.give(column);
  }

  /** Gives the ring's arrays back to the slabs (its columns are dropped one by one); the ring must not be used after. */
  release(): void {
    this.slabs?.give(this.times);
    this.slabs?.give(this.values);
    this.count = 0;
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
   * stays current. Returns the slot written (where side columns take this sample's values).
   */
  push(at: number, sample: readonly number[], minSpacingMs = 0): number {
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
    return slot;
  }

  /** One column's samples taken at or after `since`, oldest first. */
  series(column: number, since = Number.NEGATIVE_INFINITY): { at: number[]; values: number[] } {
    return this.collect(since, (slot) => this.values[slot * this.width + column]!, false);
  }

  /** A side column's samples taken at or after `since`, oldest first; slots it has no value for are left out. */
  sideSeries(side: Float32Array, since = Number.NEGATIVE_INFINITY): { at: number[]; values: number[] } {
    return this.collect(since, (slot) => side[slot]!, true);
  }

  private collect(since: number, valueAt: (slot: number) => number, skipNaN: boolean): { at: number[]; values: number[] } {
    const at: number[] = [];
    const values: number[] = [];
    for (let k = 0; k < this.count; k++) {
      const slot = (this.start + k) % this.capacity;
      const t = this.times[slot]!;
      const v = valueAt(slot);
      if (t < since || (skipNaN && Number.isNaN(v))) continue;
      at.push(t);
      values.push(v);
    }
    return { at, values };
  }
}
