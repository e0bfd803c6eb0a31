import { chunk, truncate } from './text.js';

export interface VisualRow {
  /** Index into the lines array. */
  line: number;
  text: string;
}

/**
 * The rows the log viewport shows. Following: the newest lines, bottom-aligned. Paused: from line `top` down.
 * Wrapped lines take several rows; unwrapped ones are cut with '…'. `clean` (the sanitizer) is applied
 * to the lines drawn only, before they are cut: a scrollback of thousands of lines is not re-read on
 * every batch that arrives. Without it, lines must already be sanitized.
 */
export function logWindow(
  lines: readonly string[],
  opts: { height: number; width: number; wrap: boolean; follow: boolean; top: number; clean?: (line: string) => string },
): VisualRow[] {
  const { height, width, wrap, clean } = opts;
  if (height <= 0 || lines.length === 0) return [];
  const rowsOf = (i: number): VisualRow[] => {
    const text = clean ? clean(lines[i] ?? '') : (lines[i] ?? '');
    return wrap ? chunk(text, width).map((t) => ({ line: i, text: t })) : [{ line: i, text: truncate(text, width) }];
  };
  if (opts.follow) {
    const out: VisualRow[] = [];
    for (let i = lines.length - 1; i >= 0 && out.length < height; i--) out.unshift(...rowsOf(i));
    return out.slice(Math.max(0, out.length - height));
  }
  const top = Math.max(0, Math.min(opts.top, lines.length - 1));
  const out: VisualRow[] = [];
  for (let i = top; i < lines.length && out.length < height; i++) out.push(...rowsOf(i));
  return out.slice(0, height);
}

/** Index of the first line from `from` going `dir` (+1/-1) that contains `needle` (case-insensitive); -1 if none. */
export function findLine(lines: readonly string[], needle: string, from: number, dir: 1 | -1): number {
  if (!needle) return -1;
  const n = needle.toLowerCase();
  for (let i = from; i >= 0 && i < lines.length; i += dir) if ((lines[i] ?? '').toLowerCase().includes(n)) return i;
  return -1;
}

/** Splits text around case-insensitive occurrences of needle. */
export function splitMatches(text: string, needle: string): { text: string; match: boolean }[] {
  if (!needle) return [{ text, match: false }];
  const out: { text: string; match: boolean }[] = [];
  const lower = text.toLowerCase();
  const n = needle.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(n); i >= 0; i = lower.indexOf(n, at)) {
    if (i > at) out.push({ text: text.slice(at, i), match: false });
    out.push({ text: text.slice(i, i + n.length), match: true });
    at = i + n.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), match: false });
  return out;
}

export function lineSeverity(text: string): 'error' | 'warning' | undefined {
  if (/err|crit|fail|fatal|panic|emerg|alert/i.test(text)) return 'error';
  if (/warn/i.test(text)) return 'warning';
  return undefined;
}
