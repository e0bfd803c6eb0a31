import type React from 'react';
import { useMemo, useRef, useState } from 'react';
import { Box, Text, type Key } from 'ink';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import {
  keyName,
  moveSelection,
  navigationMove,
  NO_SELECTION,
  rowIds,
  selectedRow,
  selectId,
  stayOnRow,
  type Fallback,
  type ListSelection,
} from './list-selection.js';
import type { PaneInput } from './pane.js';
import { Table, type Column } from './Table.js';
import { fit } from './text.js';
import { useTerminalSize } from './use-terminal-size.js';

type Update = (f: (s: ListSelection) => ListSelection) => void;

/** A list's items and its cursor, resolved for this render. */
export interface ListState<T> {
  items: readonly T[];
  ids: readonly string[];
  /** The selected row; -1 when the list is empty. */
  index: number;
  item: T | undefined;
  /** Changes the cursor from its latest value (each of several keys typed ahead sees the one before). */
  update: Update;
  /** Puts the cursor on the item with this id, when the list has one. */
  select(id: string): void;
  fallback: Fallback;
}

export interface UseListOptions {
  /** Selection kept by the caller (the grid keeps it across drilling into a host); else the list keeps its own. */
  state?: [ListSelection, Update];
  /** Where the cursor is when its item is not in the list; default: the row it was on. */
  fallback?: Fallback;
}

/**
 * The cursor of a list, by item id. A list keeping its own selection follows the item its cursor was
 * last drawn on, even before a key moved it (the first finding stays selected when a critical one is
 * inserted above it), and when that item goes away the cursor stays on the row it was drawn on.
 */
export function useList<T>(items: readonly T[], idOf: (item: T) => string, opts: UseListOptions = {}): ListState<T> {
  const own = useState<ListSelection>(NO_SELECTION);
  const drawn = useRef<ListSelection>(NO_SELECTION);
  // Worked out once per item list (the grid's 10,000 rows change with the fleet, not with each key or second); idOf is fixed per list.
  // biome-ignore lint/correctness/useExhaustiveDependencies: idOf is the list's own id function, the same for a given list of items
  const ids = useMemo(() => rowIds(items, idOf), [items]);
  const fallback = opts.fallback ?? stayOnRow;
  let index: number;
  let update: Update;
  if (opts.state) {
    const [selection, setSelection] = opts.state;
    index = selectedRow(ids, selection, fallback);
    update = setSelection;
  } else {
    const [selection, setSelection] = own;
    index = selectedRow(ids, { id: selection.id ?? drawn.current.id, index: drawn.current.index }, fallback);
    const now: ListSelection = { id: ids[index], index };
    drawn.current = now;
    // A move starts from the row on screen; a second change before the next render, from the first one's result.
    update = (f) => setSelection((s) => f(s === selection ? now : s));
  }
  return {
    items,
    ids,
    index,
    item: index >= 0 ? items[index] : undefined,
    update,
    select: (id) => update((s) => selectId(ids, s, id)),
    fallback,
  };
}

/** A key bound to the selected row. */
export interface RowAction<T> {
  /** Key names that fire it ('Enter', or the character typed), or a test of the key name. */
  keys: readonly string[] | ((name: string) => boolean);
  /** Acts on the selected item; returns false when the key does not apply to it (it then goes on to the screen). */
  run: (item: T, name: string) => boolean | void;
}

/** `/` edits a filter the caller applies to its items (the grid's goes through its selector). */
export interface ListFilter {
  value: string;
  apply: (text: string) => void;
}

export interface ListScreenProps<T> {
  list: ListState<T>;
  columns: readonly Column<T>[];
  /** Visible data rows (the header is extra); also the page of Page Up/Down. */
  height: number;
  width?: number;
  /** The list installs its key handler here on every render; it returns true when it used the key. */
  inputRef: { current: PaneInput | null };
  actions?: readonly RowAction<T>[];
  filter?: ListFilter;
  /** A line under the table (status, keys); the filter prompt takes its place while it is edited. */
  footer?: React.ReactNode;
  fullRow?: (row: T) => { text: string; color?: string } | undefined;
  emptyText?: string;
}

function actionFor<T>(actions: readonly RowAction<T>[], name: string): RowAction<T> | undefined {
  return name ? actions.find((a) => (typeof a.keys === 'function' ? a.keys(name) : a.keys.includes(name))) : undefined;
}

/**
 * One list screen: a windowed table of columns, a cursor by item id, paging, the row actions of the
 * selected item and, where the screen has one, a `/` filter. The fleet grid and the host panes are
 * declarations over it.
 */
export function ListScreen<T>(props: ListScreenProps<T>): React.JSX.Element {
  const { theme } = useView();
  const term = useTerminalSize();
  const width = props.width ?? term.columns;
  const [editing, setEditing] = useState<string | null>(null);
  const { list, filter } = props;

  const onKey = (input: string, key: Key): boolean => {
    if (editing !== null && filter) {
      if (key.return) {
        setEditing(null);
        filter.apply(editing.trim());
      } else if (key.escape) {
        setEditing(null);
        filter.apply('');
      } else if (key.backspace || key.delete) setEditing((e) => (e ?? '').slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setEditing((e) => (e ?? '') + sanitizeLine(input));
      return true;
    }
    const move = navigationMove(input, key, props.height);
    if (move) {
      list.update((s) => moveSelection(list.ids, s, move, list.fallback));
      return true;
    }
    if (filter && input === '/') {
      setEditing(filter.value);
      return true;
    }
    const name = keyName(input, key);
    const action = actionFor(props.actions ?? [], name);
    if (action && list.item !== undefined && action.run(list.item, name) !== false) return true;
    if (filter && key.escape && filter.value) {
      filter.apply('');
      return true;
    }
    return false;
  };
  props.inputRef.current = onKey;

  return (
    <Box flexDirection="column">
      {/* A screen with its own footer keeps the table's rows (header included) whole, short or not: the footer sits on the bottom row. */}
      <Box flexDirection="column" {...(props.footer !== undefined ? { height: props.height + 1 } : {})}>
        <Table
          data={list.items}
          columns={props.columns}
          selectedIndex={list.index}
          height={props.height}
          width={width}
          rowKey={(_, i) => list.ids[i] ?? String(i)}
          {...(props.fullRow ? { fullRow: props.fullRow } : {})}
          {...(props.emptyText !== undefined ? { emptyText: props.emptyText } : {})}
        />
      </Box>
      {editing !== null ? (
        <Text wrap="truncate-end">
          <Text color={theme.accent}>/</Text>
          {fit(editing + '█', width - 1)}
        </Text>
      ) : (
        props.footer ?? null
      )}
    </Box>
  );
}
