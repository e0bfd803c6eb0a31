import type { PromSample } from './http-query.js';

/** One series' labels, read by name. A reader is reused from series to series: valid only during its visit. */
export interface SeriesLabels {
  /** The label's value, or undefined when the series has no such label. */
  get(name: string): string | undefined;
  /** Whether the label's value is `value` (as get(name) === value). */
  is(name: string, value: string): boolean;
  /** Every label, in a new object as JSON.parse would give them (own properties; a repeated name keeps its last value). */
  all(): Record<string, string>;
  /** The label set as JSON text that JSON.parse reads back into all(). */
  source(): string;
}

export type SeriesVisit = (labels: SeriesLabels, value: number) => void;

/** An answer's series, handed to a visit one by one in the answer's order. */
export type SampleSource = (visit: SeriesVisit) => void;

/** An answer as the mapping reads it: samples already parsed, or a source that reads them as it goes. */
export type Answer = readonly PromSample[] | SampleSource;

export function setLabel(metric: Record<string, string>, name: string, value: string): void {
  // JSON.parse makes "__proto__" an own property; an assignment would set the prototype instead.
  if (name === '__proto__') Object.defineProperty(metric, name, { value, enumerable: true, writable: true, configurable: true });
  else metric[name] = value;
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
