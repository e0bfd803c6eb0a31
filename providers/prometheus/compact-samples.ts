import { forEachSeries, setLabel, type Answer, type SampleSource, type SeriesLabels } from './vector-scan.js';

/**
 * An answer's samples kept between refreshes in flat arrays: each sample's label names and values one
 * after the other in `labels` (sample i's are `labels[ends[i-1] .. ends[i])`, name then value), its
 * value in `values`. Parsed, each sample is an object, a label object and a string per label value:
 * the slow answers of 10,000 hosts held 11 MB of the query worker's heap that way, 4 MB like this,
 * with each distinct string held once (measured after a full GC, kept against forgotten).
 */
export interface CompactSamples {
  readonly ends: Uint32Array;
  readonly labels: readonly string[];
  readonly values: Float64Array;
}

/**
 * The answer's samples in flat arrays. `strings` is shared by the answers kept together: a label name or
 * value they repeat (every host's name is on each of its answers) is held once.
 */
export function compactSamples(answer: Answer, strings: Map<string, string>): CompactSamples {
  const ends: number[] = [];
  const labels: string[] = [];
  const values: number[] = [];
  const once = (s: string): string => {
    const held = strings.get(s);
    if (held !== undefined) return held;
    strings.set(s, s);
    return s;
  };
  forEachSeries(answer, (series, value) => {
    const metric = series.all();
    for (const name of Object.keys(metric)) labels.push(once(name), once(metric[name]!));
    ends.push(labels.length);
    values.push(value);
  });
  return { ends: Uint32Array.from(ends), labels, values: Float64Array.from(values) };
}

/** Labels of one kept sample: `labels[from .. to)`, name then value. */
class CompactLabels implements SeriesLabels {
  labels: readonly string[] = [];
  from = 0;
  to = 0;

  get(name: string): string | undefined {
    for (let j = this.to - 2; j >= this.from; j -= 2) if (this.labels[j] === name) return this.labels[j + 1];
    return undefined;
  }

  is(name: string, value: string): boolean {
    return this.get(name) === value;
  }

  all(): Record<string, string> {
    const metric: Record<string, string> = {};
    for (let j = this.from; j < this.to; j += 2) setLabel(metric, this.labels[j]!, this.labels[j + 1]!);
    return metric;
  }

  source(): string {
    return JSON.stringify(this.all());
  }
}

/** The kept samples as a source: the same label names, in the same order, and values as the answer they came from. */
export function compactSource(c: CompactSamples): SampleSource {
  return (visit) => {
    const labels = new CompactLabels();
    labels.labels = c.labels;
    for (let i = 0; i < c.ends.length; i++) {
      labels.from = i === 0 ? 0 : c.ends[i - 1]!;
      labels.to = c.ends[i]!;
      visit(labels, c.values[i]!);
    }
  };
}
