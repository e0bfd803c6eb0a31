import React from 'react';
import { Box, Text } from 'ink';
import { fit } from './text.js';
import { useTerminalSize } from './use-terminal-size.js';

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
  /** When the table is too wide, columns are dropped lowest dropOrder first; undefined = never dropped. */
  dropOrder?: number;
}

export interface TableProps<T> {
  data: readonly T[];
  columns: readonly Column<T>[];
  /** Index into data of the highlighted row; -1 or undefined for none. */
  selectedIndex?: number;
  /** Visible data rows (the header is extra). */
  height: number;
  /** Total width; defaults to the terminal width. */
  width?: number;
  /** Rows drawn as a single full-width line instead of cells (group headers). */
  fullRow?: (row: T) => { text: string; color?: string } | undefined;
  rowKey?: (row: T, index: number) => string;
  headerColor?: string;
  emptyText?: string;
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

/** A windowed table: only the rows around the selection are rendered, one <Text> each. */
export function Table<T>(props: TableProps<T>): React.JSX.Element {
  const term = useTerminalSize();
  const width = props.width ?? term.columns;
  const layout = layoutColumns(props.columns, width);
  const height = Math.max(0, props.height);
  const selected = props.selectedIndex ?? -1;
  const start = windowStart(props.data.length, selected, height);
  const visible = props.data.slice(start, start + height);

  const header = layout.map((l) => fit(l.column.header, l.width, l.column.align)).join(' ');
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={props.headerColor} wrap="truncate-end">
        {header}
      </Text>
      {visible.length === 0 && props.emptyText ? (
        <Text dimColor wrap="truncate-end">
          {fit(props.emptyText, width)}
        </Text>
      ) : null}
      {visible.map((row, i) => {
        const index = start + i;
        const key = props.rowKey ? props.rowKey(row, index) : String(index);
        const isSelected = index === selected;
        const full = props.fullRow?.(row);
        if (full) {
          return (
            <Text key={key} bold color={full.color} inverse={isSelected} wrap="truncate-end">
              {fit(full.text, width)}
            </Text>
          );
        }
        return (
          <Text key={key} inverse={isSelected} wrap="truncate-end">
            {layout.map((l, ci) => {
              const text = fit(cellText(row, l.column), l.width, l.column.align) + (ci < layout.length - 1 ? ' ' : '');
              const color = l.column.color?.(row);
              return color ? (
                <Text key={l.column.key} color={color}>
                  {text}
                </Text>
              ) : (
                text
              );
            })}
          </Text>
        );
      })}
    </Box>
  );
}
