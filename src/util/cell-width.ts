import { graphemes, stringWidth } from './string-width.js';

// Widths are terminal cells, not code points: an East Asian wide character or an emoji takes two,
// a combining mark none, so columns stay aligned whatever the names hold.

/** How many terminal cells `text` takes (printable ASCII: its length, without further work). */
export const cellWidth: (text: string) => number = stringWidth;

export { graphemes };

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
