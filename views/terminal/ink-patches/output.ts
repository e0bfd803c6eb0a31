// Ink 6.8's build/output.js (the screen Ink composes each frame from its text nodes), answering as
// the original does at a fraction of the cost. The original tokenizes every line of the screen into
// one object per character on every frame (its caches live for one frame only), slices clipped lines
// through slice-ansi, and joins each row with a 3-Set style diff per character: about 6 ms a frame
// for a 120x40 screen, most of a streaming log pane's CPU and garbage. Here: the tokenized lines are
// kept across frames (bounded), printable-ASCII lines skip the tokenizer and slice-ansi, and
// neighbouring characters with the same styles skip the diff. Swapped in for Ink's module by
// lean-imports-hooks.ts (tsc output) and scripts/bundle.mjs (the bundle).
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';
import { ansiCodesToString, diffAnsiCodes, styledCharsFromTokens, tokenize, type AnsiCode, type StyledChar } from '@alcalzone/ansi-tokenize';

type Transformer = (line: string, index: number) => string;
interface Clip {
  x1: number | undefined;
  x2: number | undefined;
  y1: number | undefined;
  y2: number | undefined;
}
type Operation = { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] } | { type: 'clip'; clip: Clip } | { type: 'unclip' };

/**
 * What the caches may hold, counted in characters of their keys plus cached characters: about 16
 * screens of 120x40 (40 screens held about 15 MB of RSS with 1,000 hosts; a frame needs only
 * its own screen's lines, and the bench's render rows show what the smaller cache costs). A count of entries is not enough: one cached line is an object per character,
 * and 10,000 of them (a grid of 1,000 hosts whose rows change every poll) held some 70 MB.
 */
const MAX_WEIGHT = 80_000;
const NO_STYLES: AnsiCode[] = [];
const BLANK: StyledChar = { type: 'char', value: ' ', fullWidth: false, styles: NO_STYLES };
/** Printable ASCII only: one column per character, no escape sequences. */
const PLAIN = /^[\x20-\x7e]*$/;

interface Bounded<V> {
  map: Map<string, V>;
  weight: number;
}

function bounded<V>(cache: Bounded<V>, key: string, make: () => V, weigh: (v: V) => number): V {
  let v = cache.map.get(key);
  if (v === undefined) {
    v = make();
    const w = key.length + weigh(v);
    // Cheaper than an LRU and enough: what is on screen now is tokenized again on the next frame.
    if (cache.weight + w > MAX_WEIGHT) {
      cache.map.clear();
      cache.weight = 0;
    }
    cache.map.set(key, v);
    cache.weight += w;
  }
  return v;
}

const styledCache: Bounded<StyledChar[]> = { map: new Map(), weight: 0 };
const widthCache: Bounded<number> = { map: new Map(), weight: 0 };
const blockWidthCache: Bounded<number> = { map: new Map(), weight: 0 };
const none = () => 0;

function styledChars(line: string): StyledChar[] {
  return bounded(styledCache, line, () =>
    PLAIN.test(line) ? Array.from(line, (value) => ({ type: 'char' as const, value, fullWidth: false, styles: NO_STYLES })) : styledCharsFromTokens(tokenize(line)),
    (chars) => chars.length,
  );
}

function widthOf(text: string): number {
  return PLAIN.test(text) ? text.length : bounded(widthCache, text, () => stringWidth(text), none);
}

function widestLine(text: string): number {
  return bounded(blockWidthCache, text, () => {
    let widest = 0;
    for (const line of text.split('\n')) widest = Math.max(widest, widthOf(line));
    return widest;
  }, none);
}

function slice(line: string, from: number, to: number): string {
  return PLAIN.test(line) ? line.slice(from, to) : sliceAnsi(line, from, to);
}

function sameStyles(a: readonly AnsiCode[], b: readonly AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  return true;
}

/** ansi-tokenize's styledCharsToString, without the style diff between characters styled alike (it is empty). */
function rowToString(chars: readonly StyledChar[]): string {
  let out = '';
  let prev: readonly AnsiCode[] = NO_STYLES;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (i === 0) out += ansiCodesToString(ch.styles);
    else if (!sameStyles(prev, ch.styles)) out += ansiCodesToString(diffAnsiCodes(prev as AnsiCode[], ch.styles));
    out += ch.value;
    prev = ch.styles;
  }
  if (prev.length) out += ansiCodesToString(diffAnsiCodes(prev as AnsiCode[], []));
  return out;
}

export default class Output {
  width: number;
  height: number;
  private readonly operations: Operation[] = [];

  constructor(options: { width: number; height: number }) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
  }

  clip(clip: Clip): void {
    this.operations.push({ type: 'clip', clip });
  }

  unclip(): void {
    this.operations.push({ type: 'unclip' });
  }

  get(): { output: string; height: number } {
    const output: (StyledChar | undefined)[][] = [];
    for (let y = 0; y < this.height; y++) output.push(new Array<StyledChar>(this.width).fill(BLANK));
    const clips: Clip[] = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      if (operation.type === 'unclip') clips.pop();
      if (operation.type !== 'write') continue;
      const { text, transformers } = operation;
      let { x, y } = operation;
      let lines = text.split('\n');
      const clip = clips.at(-1);
      if (clip) {
        const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
        const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
        if (clipHorizontally && (x + widestLine(text) < clip.x1! || x > clip.x2!)) continue;
        if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) continue;
        if (clipHorizontally) {
          const x1 = clip.x1!;
          const x2 = clip.x2!;
          lines = lines.map((line) => {
            const from = x < x1 ? x1 - x : 0;
            const width = widthOf(line);
            const to = x + width > x2 ? x2 - x : width;
            return slice(line, from, to);
          });
          if (x < x1) x = x1;
        }
        if (clipVertically) {
          const from = y < clip.y1! ? clip.y1! - y : 0;
          const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
          lines = lines.slice(from, to);
          if (y < clip.y1!) y = clip.y1!;
        }
      }
      let offsetY = 0;
      for (let [index, line] of lines.entries()) {
        const currentLine = output[y + offsetY];
        // Line can be missing if `text` is taller than height of pre-initialized output
        if (!currentLine) continue;
        for (const transformer of transformers) line = transformer(line, index);
        let offsetX = x;
        for (const character of styledChars(line)) {
          currentLine[offsetX] = character;
          const characterWidth = Math.max(1, widthOf(character.value));
          // Multi-column characters: clear the following cells to avoid stray spaces
          for (let i = 1; i < characterWidth; i++) currentLine[offsetX + i] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
          offsetX += characterWidth;
        }
        offsetY++;
      }
    }
    const generated = output.map((line) => rowToString(line.filter((item): item is StyledChar => item !== undefined)).trimEnd()).join('\n');
    return { output: generated, height: output.length };
  }
}

/** Characters held now, keys and cached lines (for the test that the caches stay bounded). */
export function cacheWeight(): number {
  return styledCache.weight + widthCache.weight + blockWidthCache.weight;
}

export const CACHE_MAX_WEIGHT = MAX_WEIGHT;
