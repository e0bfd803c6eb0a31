import { CompactBuilder, type CompactSamples, type StringTable } from './compact-samples.js';
import { NOT_JSON, parseVector, sampleOf, type PromSample } from './http-query.js';
import type { TextSink } from './http-text.js';
import { numberIn } from './series-labels.js';

/**
 * The answer Prometheus gives an instant query, up to the first series. Go's encoder writes it this way
 * every time; an answer that starts any other way is held whole and parsed by JSON.parse.
 */
const HEAD = '{"status":"success","data":{"resultType":"vector","result":[';
const METRIC_LENGTH = '{"metric":'.length;
/**
 * One series whose label set holds no escape (so every quote in it opens or closes a name or a value)
 * and whose value array is a JSON number and a string: exactly what JSON.parse would read, and no more.
 * Prometheus writes label sets so unless a value holds a quote, a backslash, a control character or
 * <, > or &. Sticky: it matches at lastIndex only.
 */
const PLAIN_SERIES = /\{"metric":\{(?:"[^"\\\u0000-\u001f]*":"[^"\\\u0000-\u001f]*"(?:,(?=")|(?=\})))*\},"value":\[-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?,"[^"\\\u0000-\u001f]*"\]\}/y;
/** A series, of any form, longer than this is refused (a runaway label, not a fleet). */
export const MAX_SERIES_CHARS = 1 << 20;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Where the JSON value starting at `from` ends, or -1 when the text ends first. Only its extent: it is
 * then read by JSON.parse, which refuses it if it is not JSON.
 */
export function valueEnd(text: string, from: number): number {
  const first = text.charCodeAt(from);
  if (first !== 123 /* { */ && first !== 91 /* [ */ && first !== 34 /* " */) {
    // a number, true, false or null: up to the next delimiter
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 44 || c === 93 || c === 125 || isSpace(c)) return i;
    }
    return -1;
  }
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34) {
        inString = false;
        if (depth === 0) return i + 1;
      }
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if ((c === 125 || c === 93) && --depth <= 0) return i + 1;
  }
  return -1;
}

/**
 * An /api/v1/query answer read while it arrives, piece by piece, into CompactSamples: no answer's
 * text is held whole, so none outlives the young generation (at 10,000 hosts, 25 answers of 20 MB
 * in all, which went to V8's large-object space as they were joined and made the query worker
 * collect its old generation several times a refresh). Series written the usual way (PLAIN_SERIES)
 * are read from the text; any other is read by JSON.parse, one series at a time; an answer that
 * starts any other way is held whole and parsed. The samples are parseVector's, and so are the
 * errors (end() and write() throw them).
 */
export class VectorStream implements TextSink<CompactSamples> {
  private state: 'head' | 'first' | 'series' | 'next' | 'tail' | 'whole' = 'head';
  /** The text not read yet: an unfinished series (or the head) from the pieces before. */
  private carry = '';
  /** The pieces after the result (tail), or all of them (whole). */
  private readonly rest: string[] = [];
  private readonly out: CompactBuilder;
  /** The string numbers of the last series, by position: a host's name, a label's name, mostly the same again. */
  private readonly recent: number[] = [];

  constructor(private readonly table: StringTable) {
    this.out = new CompactBuilder(table);
  }

  write(piece: string): void {
    if (this.state === 'tail' || this.state === 'whole') return void this.rest.push(piece);
    // Joined, not `+`: a concatenated string is read through a slow path by V8's optimized code.
    const text = this.carry ? [this.carry, piece].join('') : piece;
    this.carry = '';
    let pos = 0;
    if (this.state === 'head') {
      if (text.length < HEAD.length && HEAD.startsWith(text)) return void (this.carry = text);
      if (!text.startsWith(HEAD)) {
        this.state = 'whole';
        return void this.rest.push(text);
      }
      pos = HEAD.length;
      this.state = 'first';
    }
    for (;;) {
      while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
      if (pos >= text.length) return;
      const c = text.charCodeAt(pos);
      if (this.state !== 'series') {
        if (c === 93 /* ] */) {
          this.state = 'tail';
          return void this.rest.push(text.slice(pos + 1));
        }
        if (this.state === 'next') {
          if (c !== 44 /* , */) throw new Error(NOT_JSON);
          pos++;
        }
        this.state = 'series';
        continue;
      }
      PLAIN_SERIES.lastIndex = pos;
      if (PLAIN_SERIES.test(text)) {
        const end = PLAIN_SERIES.lastIndex;
        this.plainSeries(text, pos, end);
        pos = end;
      } else {
        const end = valueEnd(text, pos);
        if (end < 0) {
          if (text.length - pos > MAX_SERIES_CHARS) throw new Error(`a series longer than ${MAX_SERIES_CHARS} characters`);
          return void (this.carry = text.slice(pos));
        }
        this.parsedSeries(text.slice(pos, end));
        pos = end;
      }
      this.state = 'next';
    }
  }

  end(): CompactSamples {
    if (this.state === 'head') {
      this.state = 'whole';
      this.rest.push(this.carry);
    }
    if (this.state === 'whole') return this.samples(parseVector(this.rest.join('')));
    if (this.state !== 'tail') throw new Error(NOT_JSON);
    // What follows the result (`}}` from Prometheus; warnings may come after the data): the answer with
    // no series must be one parseVector accepts. Series it names after all (a "result" written twice,
    // where JSON.parse keeps the last) are the answer's.
    const after = parseVector(HEAD + ']' + this.rest.join(''));
    if (after.length) return this.samples(after);
    return this.out.done();
  }

  private samples(parsed: PromSample[]): CompactSamples {
    return new CompactBuilder(this.table).addAll(parsed).done();
  }

  /** A series PLAIN_SERIES matched in text[from .. end): its labels read between the quotes. */
  private plainSeries(text: string, from: number, end: number): void {
    // The value string ends with the quote at end - 3 ('"]}') and holds no quote.
    const value = numberIn(text, text.lastIndexOf('"', end - 4) + 1, end - 3);
    // "NaN", "+Inf" (a broken exporter) say nothing a detector can use: as if absent (as parseVector).
    if (!Number.isFinite(value)) return;
    let q = from + METRIC_LENGTH + 1; // the quote opening the first name, or the label set's '}'
    let k = 0;
    while (text.charCodeAt(q) === 34) {
      const nameEnd = text.indexOf('"', q + 1);
      this.string(k++, text, q + 1, nameEnd);
      const valueFrom = nameEnd + 3; // '":"'
      const valueTo = text.indexOf('"', valueFrom);
      this.string(k++, text, valueFrom, valueTo);
      q = valueTo + 1;
      if (text.charCodeAt(q) === 44) q++;
    }
    this.out.series(value);
  }

  /** Adds text[from .. to) as the k-th string of this series. */
  private string(k: number, text: string, from: number, to: number): void {
    const last = this.recent[k];
    if (last !== undefined) {
      const s = this.table.list[last]!;
      if (s.length === to - from && text.startsWith(s, from)) return this.out.label(last);
    }
    const id = this.table.idIn(text, from, to);
    this.recent[k] = id;
    this.out.label(id);
  }

  /** A series in any other form (escapes, spaces, another order of fields), as parseVector reads it. */
  private parsedSeries(json: string): void {
    let entry: unknown;
    try {
      entry = JSON.parse(json);
    } catch {
      throw new Error(NOT_JSON);
    }
    const sample = sampleOf(entry);
    if (sample) this.out.addAll([sample]);
  }
}
