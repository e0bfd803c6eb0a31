// Ink 6.8's build/wrap-text.js with its cache bounded (see measure-text.ts: Ink memoizes every
// distinct text, width and wrap mode it ever wrapped, without end).
import wrapAnsi from 'wrap-ansi';
import cliTruncate from 'cli-truncate';

const MAX_ENTRIES = 10_000;
const cache = new Map<string, string>();

export default function wrapText(text: string, maxWidth: number, wrapType: string): string {
  const key = `${maxWidth}\u0000${wrapType}\u0000${text}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  let wrapped = text;
  if (wrapType === 'wrap') wrapped = wrapAnsi(text, maxWidth, { trim: false, hard: true });
  if (wrapType.startsWith('truncate')) {
    const position = wrapType === 'truncate-middle' ? 'middle' : wrapType === 'truncate-start' ? 'start' : 'end';
    wrapped = cliTruncate(text, maxWidth, { position });
  }
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, wrapped);
  return wrapped;
}

/** Entries held now (for the test that the cache stays bounded). */
export function cacheSize(): number {
  return cache.size;
}
