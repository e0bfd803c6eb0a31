import { cellWidth, graphemes } from '../src/util/cell-width.js';

export { cellWidth, fit, truncate } from '../src/util/cell-width.js';

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

/** A probe latency as the grid and the trend line show it: "85ms", "1.2s". */
export function latencyText(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
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
