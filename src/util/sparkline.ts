const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * Values as a row of block characters, oldest on the left, at most `width` cells: more values than
 * cells are bucketed (each cell shows its bucket's highest value, so a spike is never averaged
 * away). Unknown values (NaN) are blanks. The scale is [min, max] when given, else the values' own
 * range from 0 (or from their minimum when negative).
 */
export function sparkline(values: readonly number[], width: number, scale: { min?: number; max?: number } = {}): string {
  const cells = Math.max(0, Math.floor(width));
  if (cells === 0 || values.length === 0) return '';
  const buckets: number[] = [];
  const n = Math.min(cells, values.length);
  for (let b = 0; b < n; b++) {
    const from = Math.floor((b * values.length) / n);
    const to = Math.floor(((b + 1) * values.length) / n);
    let peak = Number.NaN;
    for (let i = from; i < to; i++) {
      const v = values[i]!;
      if (Number.isFinite(v) && !(v <= peak)) peak = v;
    }
    buckets.push(peak);
  }
  const known = buckets.filter(Number.isFinite);
  const min = scale.min ?? Math.min(0, ...known);
  const max = scale.max ?? Math.max(min, ...known);
  const span = max - min;
  return buckets
    .map((v) => {
      if (!Number.isFinite(v)) return ' ';
      const level = span > 0 ? Math.round(((Math.min(max, Math.max(min, v)) - min) / span) * (BLOCKS.length - 1)) : 0;
      return BLOCKS[level];
    })
    .join('');
}
