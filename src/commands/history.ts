/** Commands run this session, oldest first; a repeat of the last one is not stored twice. */
export function pushHistory(list: readonly string[], entry: string, max = 100): string[] {
  const e = entry.trim();
  if (!e || list[list.length - 1] === e) return [...list];
  return [...list, e].slice(-max);
}

/**
 * ↑ (dir -1) / ↓ (dir +1) through the history. `index` undefined = the line being typed (`draft`),
 * which ↓ past the newest entry gives back.
 */
export function historyStep(list: readonly string[], index: number | undefined, dir: -1 | 1, draft: string): { index: number | undefined; text: string } {
  if (list.length === 0) return { index, text: index === undefined ? draft : (list[index] ?? draft) };
  let next: number | undefined;
  if (index === undefined) next = dir < 0 ? list.length - 1 : undefined;
  else next = index + dir;
  if (next !== undefined && next < 0) next = 0;
  if (next !== undefined && next >= list.length) next = undefined;
  return { index: next, text: next === undefined ? draft : (list[next] ?? draft) };
}
