/** Cuts text to at most `width` columns, ending with '…' when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  if (width === 1) return '…';
  return chars.slice(0, width - 1).join('') + '…';
}

/** Truncates then pads to exactly `width` columns. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - Array.from(t).length));
  return align === 'right' ? pad + t : t + pad;
}

/** Splits a line into chunks of at most `width` columns (for wrapped display). */
export function chunk(text: string, width: number): string[] {
  const chars = Array.from(text);
  if (width <= 0 || chars.length <= width) return [text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
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
 * Wraps text into rows of at most `width` columns, breaking at spaces where it can and inside a
 * word only when the word alone is wider: nothing is ever cut off. Line breaks are kept.
 */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const rows: string[] = [];
  for (const line of text.split('\n')) {
    let row = '';
    for (const word of line.split(' ')) {
      const candidate = row === '' ? word : `${row} ${word}`;
      if (Array.from(candidate).length <= w) {
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
