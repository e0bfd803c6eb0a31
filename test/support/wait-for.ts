/**
 * Waits until `check` returns a truthy value, polling every `everyMs`. The limit is a safety net
 * against hangs, not a speed assertion: it is generous and its failure names what was awaited, and
 * what `seen` says was there instead.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | false | null, limitMs = 60_000, everyMs = 50, seen?: () => string): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${limitMs} ms${seen ? `; seen: ${seen()}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));
