import type { PromSample } from './http-query.js';

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
 * The samples in flat arrays. `strings` is shared by the answers kept together: a label name or value
 * they repeat (every host's name is on each of its answers) is held once.
 */
export function compactSamples(samples: readonly PromSample[], strings: Map<string, string>): CompactSamples {
  const ends = new Uint32Array(samples.length);
  const labels: string[] = [];
  const values = new Float64Array(samples.length);
  const once = (s: string): string => {
    const held = strings.get(s);
    if (held !== undefined) return held;
    strings.set(s, s);
    return s;
  };
  samples.forEach((s, i) => {
    for (const name of Object.keys(s.metric)) labels.push(once(name), once(s.metric[name]!));
    ends[i] = labels.length;
    values[i] = s.value;
  });
  return { ends, labels, values };
}

/** The samples again, as parseVector gave them: the same label names, in the same order, and values. */
export function expandSamples(c: CompactSamples): PromSample[] {
  const out: PromSample[] = new Array(c.ends.length);
  let from = 0;
  for (let i = 0; i < c.ends.length; i++) {
    const metric: Record<string, string> = {};
    const to = c.ends[i]!;
    for (let j = from; j < to; j += 2) {
      const name = c.labels[j]!;
      // JSON.parse makes "__proto__" an own property; an assignment would set the prototype instead.
      if (name === '__proto__') Object.defineProperty(metric, name, { value: c.labels[j + 1], enumerable: true, writable: true, configurable: true });
      else metric[name] = c.labels[j + 1]!;
    }
    from = to;
    out[i] = { metric, value: c.values[i]! };
  }
  return out;
}
