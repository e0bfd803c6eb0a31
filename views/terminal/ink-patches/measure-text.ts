// Ink 6.8's build/measure-text.js with its cache bounded. Ink keeps the size of every distinct text it
// ever measured in a module-level Map: under a streaming log (a new string per line) and a live grid
// that grows without end. Swapped in for Ink's module by views/terminal/lean-imports-hooks.ts (tsc output)
// and scripts/bundle.mjs (the bundle).
import widestLine from 'widest-line';

const MAX_ENTRIES = 10_000;
const cache = new Map<string, { width: number; height: number }>();

export default function measureText(text: string): { width: number; height: number } {
  if (text.length === 0) return { width: 0, height: 0 };
  const cached = cache.get(text);
  if (cached) return cached;
  const dimensions = { width: widestLine(text), height: text.split('\n').length };
  // Cheaper than an LRU and enough: what is on screen now is measured again on the next frame.
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(text, dimensions);
  return dimensions;
}

/** Entries held now (for the test that the cache stays bounded). */
export function cacheSize(): number {
  return cache.size;
}
