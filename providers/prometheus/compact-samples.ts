import { forEachSeries, setLabel, type Answer, type SampleSource, type SeriesLabels } from './series-labels.js';

/**
 * Strings held once, by number: each distinct label name and value of the answers read together (every
 * host's name is on each of its 30-odd series).
 */
export class StringTable {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();

  /** The number of `s`, added when new. */
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /**
   * id(text.slice(from, to)), where `text` is a large piece of an answer: a new string is held as a
   * copy of its own, since V8 makes a long slice a view that would keep the whole piece alive.
   */
  idIn(text: string, from: number, to: number): number {
    const s = text.slice(from, to);
    const id = this.ids.get(s);
    return id ?? this.id(to - from < 13 ? s : (JSON.parse(JSON.stringify(s)) as string));
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

  /** The values pushed, in an array of their size. */
  done(): A {
    return this.array.slice(0, this.length) as A;
  }
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
