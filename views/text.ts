import stringWidth from 'string-width';

// Widths are terminal cells, not code points: an East Asian wide character or an emoji takes two,
// a combining mark none, so columns stay aligned whatever the names hold.

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const segmenter = new Intl.Segmenter();

/** How many terminal cells `text` takes. */
export function cellWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}

/** The grapheme clusters of `text` (what a terminal draws as one character). */
function graphemes(text: string): string[] {
  return PRINTABLE_ASCII.test(text) ? text.split('') : Array.from(segmenter.segment(text), (s) => s.segment);
}

/** The longest prefix of whole characters that fits in `width` cells. */
function prefixWithin(text: string, width: number): string {
  let used = 0;
  let out = '';
  for (const g of graphemes(text)) {
    const w = cellWidth(g);
    if (used + w > width) break;
    used += w;
    out += g;
  }
  return out;
}

/** Cuts text to at most `width` cells, ending with '…' when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (cellWidth(text) <= width) return text;
  if (width === 1) return '…';
  return prefixWithin(text, width - 1) + '…';
}

/** Truncates then pads to exactly `width` cells. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - cellWidth(t)));
  return align === 'right' ? pad + t : t + pad;
}

/** Splits a line into chunks of at most `width` cells (for wrapped display). */
export function chunk(text: string, width: number): string[] {
  if (width <= 0 || cellWidth(text) <= width) return [text];
  const out: string[] = [];
  let row = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const w = cellWidth(g);
    if (used + w > width && row !== '') {
      out.push(row);
      row = '';
      used = 0;
    }
    row += g;
    used += w;
  }
  if (row !== '') out.push(row);
  return out;
}

export function pct(v: number | undefined): string {
  return v === undefined ? '' : `${Math.round(v)}%`;
}

/**
 * Wraps text into rows of at most `width` cells, breaking at spaces where it can and inside a
 * word only when the word alone is wider: nothing is ever cut off. Line breaks are kept.
 */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const rows: string[] = [];
  for (const line of text.split('\n')) {
    let row = '';
    for (const word of line.split(' ')) {
      const candidate = row === '' ? word : `${row} ${word}`;
      if (cellWidth(candidate) <= w) {
        row = candidate;
        continue;
      }
      if (row !== '') rows.push(row);
      const pieces = chunk(word, w);
      row = pieces.pop() ?? '';
      rows.push(...pieces);
    }
    rows.push(row);
  }
  return rows;
}
