import { randomBytes } from 'node:crypto';
import { forEachSeries, setLabel, type Answer, type SampleSource, type SeriesLabels } from './series-labels.js';

/** A typed array that doubles when full. */
class Growing<A extends Int32Array | Float64Array> {
  private array: A;
  length = 0;

  constructor(private readonly make: (n: number) => A) {
    this.array = make(256);
  }

  push(v: number): void {
    if (this.length === this.array.length) {
      const bigger = this.make(this.array.length * 2);
      bigger.set(this.array);
      this.array = bigger;
    }
    this.array[this.length++] = v;
  }

  at(i: number): number {
    return this.array[i]!;
  }

  /** The values pushed, in an array of their size. */
  done(): A {
    return this.array.slice(0, this.length) as A;
  }
}

/**
 * FNV-1a over text[from .. to) by UTF-16 code unit, from a start of the table's own (a hostile server
 * cannot choose label values that collide) and mixed at the end (murmur3's finalizer), since the
 * table reads the low bits.
 */
function hashOf(text: string, from: number, to: number, seed: number): number {
  let h = seed;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Strings held once, by number: each distinct label name and value of the answers read together (every
 * host's name is on each of its 30-odd series). Looked up by the text they are in: no string is made
 * to find one already held (with a slice and a Map lookup for each label of each series, reading the
 * 25 answers of 10,000 hosts took 165-171 ms; 136-141 ms like this).
 */
export class StringTable {
  readonly list: string[] = [];
  private readonly hashes = new Growing((n) => new Int32Array(n));
  /** Open addressing: string numbers + 1 (0: empty), at most half full. */
  private slots = new Int32Array(1024);
  private readonly seed = randomBytes(4).readInt32LE();

  /** The number of `s`, added when new. */
  id(s: string): number {
    return this.idIn(s, 0, s.length);
  }

  /** id(text.slice(from, to)). */
  idIn(text: string, from: number, to: number): number {
    const h = hashOf(text, from, to, this.seed);
    const mask = this.slots.length - 1;
    let at = h & mask;
    for (let held = this.slots[at]!; held !== 0; at = (at + 1) & mask, held = this.slots[at]!) {
      const s = this.list[held - 1]!;
      if (this.hashes.at(held - 1) === h && s.length === to - from && text.startsWith(s, from)) return held - 1;
    }
    // A new string is held as a copy of its own: V8 makes a long slice a view that would keep the
    // whole piece of the answer it is in alive.
    const slice = text.slice(from, to);
    const id = this.list.length;
    this.list.push(to - from < 13 ? slice : (JSON.parse(JSON.stringify(slice)) as string));
    this.hashes.push(h);
    this.slots[at] = id + 1;
    if (2 * this.list.length > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let id = 0; id < this.list.length; id++) {
      let at = this.hashes.at(id) & mask;
      while (this.slots[at] !== 0) at = (at + 1) & mask;
      this.slots[at] = id + 1;
    }
  }
}

/**
 * An answer's samples in flat typed arrays: sample i's label names and values, one after the other,
 * are `labels[ends[i-1] .. ends[i])` (numbers in `strings`), its value `values[i]`. Parsed, each
 * sample was an object, a label object and a string per label value; the typed arrays live outside
 * V8's heap, so no collection copies or marks them.
 */
export interface CompactSamples {
  readonly ends: Int32Array;
  readonly labels: Int32Array;
  readonly values: Float64Array;
  /** The table's strings (shared by the answers read together). */
  readonly strings: readonly string[];
}

/** Builds CompactSamples series by series: its labels (name then value, as string numbers), then its value. */
export class CompactBuilder {
  private readonly ends = new Growing((n) => new Int32Array(n));
  private readonly labels = new Growing((n) => new Int32Array(n));
  private readonly values = new Growing((n) => new Float64Array(n));

  constructor(readonly table: StringTable) {}

  label(id: number): void {
    this.labels.push(id);
  }

  /** Ends the series whose labels were given since the last one. */
  series(value: number): void {
    this.ends.push(this.labels.length);
    this.values.push(value);
  }

  /** Adds every series of an answer. */
  addAll(answer: Answer): this {
    forEachSeries(answer, (series, value) => {
      const metric = series.all();
      for (const name of Object.keys(metric)) {
        this.label(this.table.id(name));
        this.label(this.table.id(metric[name]!));
      }
      this.series(value);
    });
    return this;
  }

  done(): CompactSamples {
    return { ends: this.ends.done(), labels: this.labels.done(), values: this.values.done(), strings: this.table.list };
  }
}

/** The answer's samples in flat arrays, their strings in `table`. */
export function compactSamples(answer: Answer, table: StringTable): CompactSamples {
  return new CompactBuilder(table).addAll(answer).done();
}

/** Labels of one kept sample: `labels[from .. to)`, name then value. */
class CompactLabels implements SeriesLabels {
  constructor(
    private readonly labels: Int32Array,
    private readonly strings: readonly string[],
  ) {}
  from = 0;
  to = 0;

  get(name: string): string | undefined {
    // The last one: JSON.parse keeps the last value of a repeated name.
    for (let j = this.to - 2; j >= this.from; j -= 2) if (this.strings[this.labels[j]!] === name) return this.strings[this.labels[j + 1]!];
    return undefined;
  }

  is(name: string, value: string): boolean {
    return this.get(name) === value;
  }

  all(): Record<string, string> {
    const metric: Record<string, string> = {};
    for (let j = this.from; j < this.to; j += 2) setLabel(metric, this.strings[this.labels[j]!]!, this.strings[this.labels[j + 1]!]!);
    return metric;
  }

  source(): string {
    return JSON.stringify(this.all());
  }
}

/** The samples as a source: the same label names, in the same order, and values as the answer they came from. */
export function compactSource(c: CompactSamples): SampleSource {
  return (visit) => {
    const labels = new CompactLabels(c.labels, c.strings);
    for (let i = 0; i < c.ends.length; i++) {
      labels.from = i === 0 ? 0 : c.ends[i - 1]!;
      labels.to = c.ends[i]!;
      visit(labels, c.values[i]!);
    }
  };
}
