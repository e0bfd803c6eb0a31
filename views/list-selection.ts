// The cursor of a list screen, without Ink: it follows an item by its id, not a row number, so a
// list that re-sorts or grows above the cursor (a poll arriving) keeps the same item selected.
import type { Key } from 'ink';

export interface ListSelection {
  /** The selected item's id; undefined before the cursor was placed on an item. */
  id?: string | undefined;
  /** The row the cursor was last seen on: where it stays when its item goes away. */
  index: number;
}

export const NO_SELECTION: ListSelection = { index: 0 };

/**
 * One id per row: the item's own id, with a repeated one made unique by its occurrence (the cursor
 * and React's keys need one per row; two findings of the same class and subject are still two rows).
 */
export function rowIds<T>(items: readonly T[], idOf: (item: T) => string): string[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const id = idOf(item);
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    return n === 0 ? id : `${id}\u0000${n}`;
  });
}

/** Where the cursor goes when its item is not in the list: the row it was on, kept inside the list. */
export const stayOnRow = (ids: readonly string[], selection: ListSelection): number =>
  ids.length === 0 ? -1 : Math.max(0, Math.min(ids.length - 1, selection.index));

export type Fallback = (ids: readonly string[], selection: ListSelection) => number;

/** The selected row: the one holding the selection's item, else the fallback's; -1 for none. */
export function selectedRow(ids: readonly string[], selection: ListSelection, fallback: Fallback = stayOnRow): number {
  const at = selection.id === undefined ? -1 : ids.indexOf(selection.id);
  return at >= 0 ? at : fallback(ids, selection);
}

export type ListMove = { by: number } | { to: 'first' | 'last' };

/** The cursor move a navigation key asks for (j/k, arrows, Page Up/Down by `page`, g/G, Home/End), or null. */
export function navigationMove(input: string, key: Key, page: number): ListMove | null {
  if (input === 'j' || key.downArrow) return { by: 1 };
  if (input === 'k' || key.upArrow) return { by: -1 };
  if (key.pageDown) return { by: Math.max(1, page) };
  if (key.pageUp) return { by: -Math.max(1, page) };
  if (input === 'g' || key.home) return { to: 'first' };
  if (input === 'G' || key.end) return { to: 'last' };
  return null;
}

/** The selection after a move; it stays put at the ends and on an empty list. */
export function moveSelection(ids: readonly string[], selection: ListSelection, move: ListMove, fallback: Fallback = stayOnRow): ListSelection {
  if (ids.length === 0) return selection;
  const from = selectedRow(ids, selection, fallback);
  const target = 'to' in move ? (move.to === 'first' ? 0 : ids.length - 1) : from + move.by;
  const index = Math.max(0, Math.min(ids.length - 1, target));
  return { id: ids[index], index };
}

/** The selection on the item with this id (unchanged when no row has it). */
export function selectId(ids: readonly string[], selection: ListSelection, id: string): ListSelection {
  const index = ids.indexOf(id);
  return index < 0 ? selection : { id, index };
}

/** A key's name for row actions: 'Enter' for Return, else the character typed. */
export function keyName(input: string, key: Key): string {
  return key.return ? 'Enter' : input;
}
