import type React from 'react';
import { Box, Text } from 'ink';
import { fit } from './text.js';
import { headerLine, layoutColumns, rowCells, windowStart, type Column } from './table-layout.js';

export { layoutColumns, windowStart, type Column, type LaidOutColumn } from './table-layout.js';
import { useTerminalSize } from './use-terminal-size.js';

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

/** A windowed table: only the rows around the selection are rendered, one <Text> each. */
export function Table<T>(props: TableProps<T>): React.JSX.Element {
  const term = useTerminalSize();
  const width = props.width ?? term.columns;
  const layout = layoutColumns(props.columns, width);
  const height = Math.max(0, props.height);
  const selected = props.selectedIndex ?? -1;
  const start = windowStart(props.data.length, selected, height);
  const visible = props.data.slice(start, start + height);

  const header = headerLine(layout);
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
            {rowCells(row, layout).map((cell, ci) =>
              cell.color ? (
                <Text key={ci} color={cell.color}>
                  {cell.text}
                </Text>
              ) : (
                cell.text
              ),
            )}
          </Text>
        );
      })}
    </Box>
  );
}
