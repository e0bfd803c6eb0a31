import { eastAsianWidth } from 'get-east-asian-width';
import stripAnsi from 'strip-ansi';

// The width rules of string-width 8.3.0, the version Ink measures with (Copyright (c) Sindre Sorhus,
// MIT License: its text is in node_modules/string-width/license), with its grapheme segmenter and
// Unicode-property regexes built on the first text that needs them. string-width builds them when
// it is imported, which costs about 35 ms on a 2-core machine (the \p{RGI_Emoji} class alone 20 ms):
// a third of the console's first frame, which measures only printable ASCII and a few box-drawing
// glyphs. test/unit/string-width.test.ts checks every answer against string-width itself.

interface Measure {
  segmenter: Intl.Segmenter;
  visible: RegExp;
  spacingMark: RegExp;
  rgiEmoji: RegExp;
  extendedPictographic: RegExp;
}

let measure: Measure | undefined;

/** A regex with the v flag, built from text: the flag is newer than the language level tsc compiles to. */
const unicodeSets = (source: string) => new RegExp(source, 'v');

function built(): Measure {
  measure ??= {
    segmenter: new Intl.Segmenter(),
    // One negated class without a quantifier, as string-width has it (no backtracking on long clusters).
    visible: unicodeSets(String.raw`[^\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]`),
    spacingMark: unicodeSets(String.raw`\p{Spacing_Mark}`),
    rgiEmoji: unicodeSets(String.raw`^\p{RGI_Emoji}$`),
    extendedPictographic: /\p{Extended_Pictographic}/gu,
  };
  return measure;
}

/** Whether the segmenter and regexes have been built (the start-up test checks a first frame never needs them). */
export function fullMeasureBuilt(): boolean {
  return measure !== undefined;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Ranges (first, last; UTF-16 units) where every character is a grapheme of its own and takes its
 * East Asian width: no marks, joiners, format or control characters, variation selectors or
 * surrogates, and every emoji among them is wide by that width too. Latin-1 and Latin Extended
 * (not the soft hyphen), general punctuation (not its format characters), arrows, box drawing,
 * blocks, geometric shapes, miscellaneous symbols and dingbats: the glyphs a console draws.
 */
const PLAIN_RANGES: readonly number[] = [0xa0, 0xac, 0xae, 0x2ff, 0x2010, 0x2027, 0x2030, 0x205e, 0x2190, 0x21ff, 0x2500, 0x27bf];

function plainUnit(unit: number): boolean {
  for (let i = 0; i < PLAIN_RANGES.length; i += 2) if (unit >= PLAIN_RANGES[i]! && unit <= PLAIN_RANGES[i + 1]!) return true;
  return false;
}

/** The width of text made of plain units only (printable ASCII or PLAIN_RANGES), else -1. */
function plainWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) width += 1;
    else if (plainUnit(unit)) width += eastAsianWidth(unit);
    else return -1;
  }
  return width;
}

function isDoubleWidthNonRgiEmojiSequence(segment: string, m: Measure): boolean {
  if (segment.length > 50) return false;
  if (/^[\d#*]\u20E3$/.test(segment)) return true;
  if (segment.includes('\u200D')) {
    const pictographics = segment.match(m.extendedPictographic);
    return pictographics !== null && pictographics.length >= 2;
  }
  return false;
}

function baseVisible(segment: string, m: Measure): string | undefined {
  const index = segment.search(m.visible);
  return index === -1 ? undefined : segment.slice(index);
}

const isLeadingJamo = (c: number | undefined) => c !== undefined && ((c >= 0x1100 && c <= 0x115f) || (c >= 0xa960 && c <= 0xa97c));
const isVowelJamo = (c: number | undefined) => c !== undefined && ((c >= 0x1160 && c <= 0x11a7) || (c >= 0xd7b0 && c <= 0xd7c6));
const isTrailingJamo = (c: number | undefined) => c !== undefined && ((c >= 0x11a8 && c <= 0x11ff) || (c >= 0xd7cb && c <= 0xd7fb));
const isJamo = (c: number) => isLeadingJamo(c) || isVowelJamo(c) || isTrailingJamo(c);

function hangulClusterWidth(visibleSegment: string, m: Measure): number | undefined {
  const codePoints: number[] = [];
  for (const character of visibleSegment) if (m.visible.test(character)) codePoints.push(character.codePointAt(0)!);
  if (codePoints.length === 0) return undefined;
  let width = 0;
  for (let index = 0; index < codePoints.length; index++) {
    const codePoint = codePoints[index]!;
    if (!isJamo(codePoint)) {
      if (width === 0) return undefined;
      for (let rest = index; rest < codePoints.length; rest++) width += eastAsianWidth(codePoints[rest]!);
      return width;
    }
    if (isLeadingJamo(codePoint) && isVowelJamo(codePoints[index + 1])) {
      width += 2;
      index += isTrailingJamo(codePoints[index + 2]) ? 2 : 1;
      continue;
    }
    width += eastAsianWidth(codePoint);
  }
  return width;
}

function trailingWidth(visibleSegment: string, m: Measure): number {
  let extra = 0;
  let first = true;
  for (const character of visibleSegment) {
    if (first) {
      first = false;
      continue;
    }
    if (m.spacingMark.test(character) || (character >= '\uFF00' && character <= '\uFFEF')) extra += eastAsianWidth(character.codePointAt(0)!);
  }
  return extra;
}

/** How many terminal cells `input` takes, as string-width 8.3.0 counts them (ambiguous characters narrow, ANSI escapes none). */
export function stringWidth(input: string): number {
  // Printable ASCII (most of what a console measures) holds no escape: its width is its length.
  if (PRINTABLE_ASCII.test(input)) return input.length;
  const text = input.includes('\u001B') || input.includes('\u009B') ? stripAnsi(input) : input;
  const plain = plainWidth(text);
  if (plain >= 0) return plain;
  const m = built();
  let width = 0;
  for (const { segment } of m.segmenter.segment(text)) {
    const visibleSegment = baseVisible(segment, m);
    if (visibleSegment === undefined) continue;
    if (m.rgiEmoji.test(segment) || isDoubleWidthNonRgiEmojiSequence(segment, m)) {
      width += 2;
      continue;
    }
    const hangul = hangulClusterWidth(visibleSegment, m);
    if (hangul !== undefined) {
      width += hangul;
      continue;
    }
    width += eastAsianWidth(visibleSegment.codePointAt(0)!);
    width += trailingWidth(visibleSegment, m);
  }
  return width;
}

/** The grapheme clusters of `text` (what a terminal draws as one character). */
export function graphemes(text: string): string[] {
  if (plainWidth(text) >= 0) return text.split('');
  return Array.from(built().segmenter.segment(text), (s) => s.segment);
}
