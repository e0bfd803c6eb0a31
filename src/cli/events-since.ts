const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since T`: an ISO 8601 date or time (`2026-12-02`, `2026-12-02T11:30:00Z`, `2026-12-02 11:30`,
 * local time when no zone is given), or a time back from now (`90s`, `30m`, `2h`, `7d`).
 * Answers the instant, or an error message saying what was expected.
 */
export function parseSince(text: string, now: Date): { at: Date } | { error: string } {
  const t = text.trim();
  const rel = /^(\d{1,9})\s*([smhd])$/.exec(t);
  if (rel) return { at: new Date(now.getTime() - Number(rel[1]) * UNIT_MS[rel[2]!]!) };
  if (/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) {
    // A date alone is midnight local time (Date.parse would take it as UTC).
    const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00` : t.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return { at: new Date(ms) };
  }
  return { error: `--since "${text}" is neither a time back from now (30m, 2h, 7d, 90s) nor an ISO date or time (2026-12-02, 2026-12-02T11:30:00Z)` };
}
