// Table layout without Ink: which columns fit, the window of rows, and each row's cells. Shared by
// the Table component and the first paint (terminal/first-paint.ts), which draws before Ink is loaded.
import { fit } from './text.js';

export interface Column<T> {
  key: string;
  header: string;
  /** Fixed width in columns, or 'flex' to share what is left. */
  width: number | 'flex';
  /** Smallest width a flex column accepts before columns are dropped (default 8). */
  minWidth?: number;
  align?: 'left' | 'right';
  color?: (row: T) => string | undefined;
  /** Cell text; defaults to String(row[key]). */
  value?: (row: T) => string;
  /** Cell text for the width the column got (a shorter form when the full one does not fit); wins over value. */
  valueAt?: (row: T, width: number) => string;
  /** When the table is too wide, columns are dropped lowest dropOrder first; undefined = never dropped. */
  dropOrder?: number;
}

const GAP = 1;

export interface LaidOutColumn<T> {
  column: Column<T>;
  width: number;
}

/** Chooses which columns fit in `width` and how wide each one is. Pure. */
export function layoutColumns<T>(columns: readonly Column<T>[], width: number): LaidOutColumn<T>[] {
  let active = [...columns];
  const need = (cols: Column<T>[]) =>
    cols.reduce((n, c) => n + (c.width === 'flex' ? (c.minWidth ?? 8) : c.width), 0) + Math.max(0, cols.length - 1) * GAP;
  while (need(active) > width) {
    const droppable = active.filter((c) => c.dropOrder !== undefined);
    if (droppable.length === 0) break;
    const victim = droppable.reduce((a, b) => ((b.dropOrder ?? 0) < (a.dropOrder ?? 0) ? b : a));
    active = active.filter((c) => c !== victim);
  }
  const fixed = active.reduce((n, c) => n + (c.width === 'flex' ? 0 : c.width), 0) + Math.max(0, active.length - 1) * GAP;
  const flex = active.filter((c) => c.width === 'flex');
  let spare = Math.max(0, width - fixed);
  const out: LaidOutColumn<T>[] = active.map((c) => {
    if (c.width !== 'flex') return { column: c, width: c.width };
    const share = Math.floor(spare / flex.length);
    return { column: c, width: share };
  });
  // Hand out the remainder of the flex division, then clip from the right if even the minimum does not fit.
  spare -= out.filter((o) => o.column.width === 'flex').reduce((n, o) => n + o.width, 0);
  const lastFlex = [...out].reverse().find((o) => o.column.width === 'flex');
  if (lastFlex) lastFlex.width += spare;
  let total = out.reduce((n, o) => n + o.width, 0) + Math.max(0, out.length - 1) * GAP;
  for (let i = out.length - 1; i >= 0 && total > width; i--) {
    const o = out[i];
    if (!o) continue;
    const cut = Math.min(o.width, total - width);
    o.width -= cut;
    total -= cut;
  }
  return out.filter((o) => o.width > 0);
}

/** First visible index so that the selection stays inside a window of `height` rows (kept near the middle). */
export function windowStart(length: number, selected: number, height: number): number {
  if (length <= height || selected < 0) return 0;
  const start = selected - Math.floor(height / 2);
  return Math.max(0, Math.min(start, length - height));
}

function cellText<T>(row: T, c: Column<T>): string {
  if (c.value) return c.value(row);
  const v = (row as Record<string, unknown>)[c.key];
  return v === undefined || v === null ? '' : String(v);
}

/** The header row's text. */
export function headerLine<T>(layout: readonly LaidOutColumn<T>[]): string {
  return layout.map((l) => fit(l.column.header, l.width, l.column.align)).join(' ');
}

/** One row as cells: each fitted to its column and followed by the gap, with the column's colour. */
export function rowCells<T>(row: T, layout: readonly LaidOutColumn<T>[]): { text: string; color?: string }[] {
  return layout.map((l, ci) => {
    const raw = l.column.valueAt ? l.column.valueAt(row, l.width) : cellText(row, l.column);
    const text = fit(raw, l.width, l.column.align) + (ci < layout.length - 1 ? ' ' : '');
    const color = l.column.color?.(row);
    return color ? { text, color } : { text };
  });
}
