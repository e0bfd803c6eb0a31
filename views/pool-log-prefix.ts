// A pool log's host prefix, without Ink: the host's name cut to a shared width, in a colour of the
// theme that stays the host's whatever order the lines arrive in.
import type { LogView } from '../src/store/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { fit } from './text.js';
import type { Theme } from './theme.js';

/** The longest host prefix (names are cut beyond it). */
const MAX_NAME = 16;

/** A host's colour: one of the theme's non-alarm roles, picked by a hash of its id (no colour with NO_COLOR). */
export function hostColor(theme: Theme, machineId: string): string | undefined {
  const palette = [theme.accent, theme.info, theme.ok, theme.muted].filter((c): c is string => !!c);
  if (palette.length === 0) return undefined;
  let h = 0;
  for (const ch of machineId) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return palette[h % palette.length];
}

/** The prefix of each line of a log followed across hosts: "lab-web1 │ ", every one as wide. */
export function poolLogPrefix(log: LogView, names: Readonly<Record<string, string>>, theme: Theme): { width: number; of: (line: number) => { text: string; color?: string } } {
  const hosts = log.hosts ?? [];
  const shown = hosts.map((id) => sanitizeLine(names[id] ?? id));
  const nameWidth = Math.min(MAX_NAME, Math.max(1, ...shown.map((n) => Array.from(n).length)));
  const width = nameWidth + 3;
  return {
    width,
    of: (line) => {
      const origin = log.origins?.[line] ?? -1;
      const id = hosts[origin];
      if (id === undefined) return { text: ' '.repeat(width) };
      const color = hostColor(theme, id);
      return { text: `${fit(shown[origin] ?? id, nameWidth)} │ `, ...(color ? { color } : {}) };
    },
  };
}
