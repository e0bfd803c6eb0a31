import { parseVector, type PromSample } from './http-query.js';

/** One series' labels, read by name. A reader is reused from series to series: valid only during its visit. */
export interface SeriesLabels {
  /** The label's value, or undefined when the series has no such label. */
  get(name: string): string | undefined;
  /** Whether the label's value is `value` (as get(name) === value, without making the value a string). */
  is(name: string, value: string): boolean;
  /** Every label, in a new object as JSON.parse would give them (own properties; a repeated name keeps its last value). */
  all(): Record<string, string>;
  /** The label set as JSON text that JSON.parse reads back into all(): the answer's own text where it can be. */
  source(): string;
}

export type SeriesVisit = (labels: SeriesLabels, value: number) => void;

/** An answer's series, handed to a visit one by one in the answer's order. */
export type SampleSource = (visit: SeriesVisit) => void;

/** An answer as the mapping reads it: samples already parsed, or a source that reads them as it goes. */
export type Answer = readonly PromSample[] | SampleSource;

/**
 * The answer Prometheus gives an instant query, up to the first series. Go's encoder writes it this way
 * every time; an answer written any other way (extra fields, warnings, spaces) is parsed by JSON.parse.
 */
const HEAD = '{"status":"success","data":{"resultType":"vector","result":[';
const TAIL = ']}}';
const METRIC = '{"metric":';
const VALUE = '},"value":[';
/**
 * One series whose label set holds no escape (so every quote in it opens or closes a name or a value)
 * and whose value array is a JSON number and a string: exactly what JSON.parse would read, and no more.
 * Sticky: it matches at lastIndex only.
 */
const PLAIN_SERIES = /\{"metric":\{(?:"[^"\\\u0000-\u001f]*":"[^"\\\u0000-\u001f]*"(?:,(?=")|(?=\})))*\},"value":\[-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?,"[^"\\\u0000-\u001f]*"\]\}/y;

/**
 * `"name":"` for each label name asked for (a handful: the mapping's); '' for a name that could also
 * match across a name and a value (one holding a quote, a colon, a comma, a brace or an escape).
 */
const needles = new Map<string, string>();
let lastName = '';
let lastNeedle = '';
const needleOf = (name: string): string => {
  // Most series are asked for one label (the host's), series after series.
  if (name === lastName && lastNeedle) return lastNeedle;
  let n = needles.get(name);
  if (n === undefined) {
    n = /["\\:,}\u0000-\u001f]/.test(name) ? '' : `"${name}":"`;
    needles.set(name, n);
  }
  lastName = name;
  lastNeedle = n;
  return n;
};

export function setLabel(metric: Record<string, string>, name: string, value: string): void {
  // JSON.parse makes "__proto__" an own property; an assignment would set the prototype instead.
  if (name === '__proto__') Object.defineProperty(metric, name, { value, enumerable: true, writable: true, configurable: true });
  else metric[name] = value;
}

/** Labels read in the answer's text, from `{` at `from` to `}` at `to - 1`, a label set with no escape. */
class TextLabels implements SeriesLabels {
  text = '';
  from = 0;
  to = 0;

  /** The last label looked for in this series, and where its value starts (-1: none): the host label is asked for twice. */
  private memoNeedle = '';
  private memoFrom = -1;
  private memoStart = -1;

  /** Where the value of the label `"name":"` starts in this series, or -1. */
  private valueStart(needle: string): number {
    if (needle === this.memoNeedle && this.from === this.memoFrom) return this.memoStart;
    // The last one: JSON.parse keeps the last value of a repeated name. In a label set with no escape,
    // `"name":"` starts at a quote: not a value's (a value is followed by `,` or `}`, never by `:`),
    // not a closing one (followed by `:`, `,` or `}`, which the name does not start with): at that
    // name's key.
    const at = this.text.lastIndexOf(needle, this.to - needle.length);
    this.memoNeedle = needle;
    this.memoFrom = this.from;
    this.memoStart = at < this.from ? -1 : at + needle.length;
    return this.memoStart;
  }

  get(name: string): string | undefined {
    const needle = needleOf(name);
    if (!needle) {
      const all = this.all();
      return Object.hasOwn(all, name) ? all[name] : undefined;
    }
    const start = this.valueStart(needle);
    return start < 0 ? undefined : this.text.slice(start, this.text.indexOf('"', start));
  }

  is(name: string, value: string): boolean {
    const needle = needleOf(name);
    if (!needle) return this.get(name) === value;
    const start = this.valueStart(needle);
    // The value ends at the next quote: `value` must be all of it, not its start.
    return start >= 0 && this.text.startsWith(value, start) && this.text.charCodeAt(start + value.length) === 34;
  }

  all(): Record<string, string> {
    const metric: Record<string, string> = {};
    // '{', name, ':', value, ',', name, ':', value, '}'
    const parts = this.text.slice(this.from, this.to).split('"');
    for (let i = 1; i + 2 < parts.length; i += 4) setLabel(metric, parts[i]!, parts[i + 2]!);
    return metric;
  }

  source(): string {
    return this.text.slice(this.from, this.to);
  }
}

/** Labels of a parsed sample. */
class ObjectLabels implements SeriesLabels {
  metric: Record<string, string> = {};

  get(name: string): string | undefined {
    return Object.hasOwn(this.metric, name) ? this.metric[name] : undefined;
  }

  is(name: string, value: string): boolean {
    return this.get(name) === value;
  }

  all(): Record<string, string> {
    return this.metric;
  }

  source(): string {
    return JSON.stringify(this.metric);
  }
}

/** Visits each series of an answer. */
export function forEachSeries(answer: Answer, visit: SeriesVisit): void {
  if (typeof answer === 'function') return answer(visit);
  const labels = new ObjectLabels();
  for (const s of answer) {
    labels.metric = s.metric;
    visit(labels, s.value);
  }
}

/** The samples of an answer, as parseVector gives them (for tests). */
export function samplesOf(answer: Answer): PromSample[] {
  const out: PromSample[] = [];
  forEachSeries(answer, (labels, value) => out.push({ metric: labels.all(), value }));
  return out;
}

/** Where each series' label set lies in an answer's text (from, to: two numbers a series), and its value. */
export interface SeriesIndex {
  count: number;
  bounds: Int32Array;
  values: Float64Array;
}

/**
 * The series of an answer Prometheus wrote the usual way, or undefined for an answer written any
 * other way (exported for its tests: which answers are read from their text).
 */
export function indexSeries(body: string): SeriesIndex | undefined {
  if (!body.startsWith(HEAD)) return undefined;
  // Sized once: each series opens with `{"metric":`, which no JSON string holds unescaped.
  let capacity = 0;
  for (let at = body.indexOf(METRIC, HEAD.length); at >= 0; at = body.indexOf(METRIC, at + METRIC.length)) capacity++;
  const index: SeriesIndex = { count: 0, bounds: new Int32Array(2 * capacity), values: new Float64Array(capacity) };
  let pos = HEAD.length;
  if (body.startsWith(TAIL, pos)) return pos + TAIL.length === body.length ? index : undefined;
  for (;;) {
    PLAIN_SERIES.lastIndex = pos;
    if (!PLAIN_SERIES.test(body)) return undefined;
    const end = PLAIN_SERIES.lastIndex;
    const labelsFrom = pos + METRIC.length;
    const n = index.count++;
    if (n === capacity) return undefined; // not an answer as counted: JSON.parse says what it is
    index.bounds[2 * n] = labelsFrom;
    // The first `},"value":[` after the label set's start ends it: with no escape in it, a quote inside is a delimiter.
    index.bounds[2 * n + 1] = body.indexOf(VALUE, labelsFrom) + 1;
    // The value string's closing quote is at end - 3 ('"]}'); it holds no quote.
    index.values[n] = numberIn(body, body.lastIndexOf('"', end - 4) + 1, end - 3);
    if (body.charCodeAt(end) === 44 /* , */) {
      pos = end + 1;
      continue;
    }
    return body.startsWith(TAIL, end) && end + TAIL.length === body.length ? index : undefined;
  }
}

/** 10^k for k = 0..22: every one exact in a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Number(text.slice(from, to)) without making the string, for the plain decimals Prometheus writes
 * ("0.42", "8589934592", "1764750000.123"): with at most 15 digits, the digits are an exact integer
 * and 10^(fraction digits) an exact double, so one division is the correctly rounded value, as
 * Number() gives (Clinger's fast path). Anything else (an exponent, NaN, Inf, more digits) goes to Number().
 */
export function numberIn(text: string, from: number, to: number): number {
  let at = from;
  const negative = text.charCodeAt(at) === 45; /* - */
  if (negative) at++;
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (; at < to; at++) {
    const c = text.charCodeAt(at);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 /* . */ && fraction < 0) fraction = 0;
    else return Number(text.slice(from, to));
  }
  if (digits === 0 || digits > 15) return Number(text.slice(from, to));
  const value = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
  return negative ? -value : value;
}

/**
 * An /api/v1/query answer as a source of its series, read straight from its text: no object per series,
 * only the labels asked for. Prometheus writes label sets with no escape unless a value holds a quote,
 * a backslash, a control character or <, > or &; an answer with any of those, or not written the usual
 * way, is parsed by JSON.parse as parseVector does, with the same result. Throws as parseVector does.
 * At 10,000 hosts a refresh's answers were 300,000 parsed objects and their label strings, held while
 * mapped: most of the query worker's time went into making and collecting them.
 */
export function scanVector(body: string): SampleSource {
  const index = indexSeries(body);
  if (!index) {
    const samples = parseVector(body);
    return (visit) => forEachSeries(samples, visit);
  }
  return (visit) => {
    const labels = new TextLabels();
    labels.text = body;
    const { count, bounds, values } = index;
    for (let i = 0; i < count; i++) {
      // "NaN", "+Inf" (a broken exporter) say nothing a detector can use: as if absent (as parseVector).
      const value = values[i]!;
      if (!Number.isFinite(value)) continue;
      labels.from = bounds[2 * i]!;
      labels.to = bounds[2 * i + 1]!;
      visit(labels, value);
    }
  };
}
