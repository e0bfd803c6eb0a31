// The status bar's texts without Ink: shared by StatusBar and the first paint.
import type { FleetData } from '../src/store/index.js';
import type { fleetSummary } from '../src/store/selectors.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import type { Theme } from './theme.js';
import { wrap } from './text.js';

export interface StyledPart {
  text: string;
  color?: string;
  bold?: boolean;
}

/** The summary line's parts, whole parts cut from the end so the line never exceeds `room` columns. */
export function summaryParts(sum: ReturnType<typeof fleetSummary>, poll: string, theme: Theme, room: number): StyledPart[] {
  const parts: { text: string; color?: string | undefined }[] = [
    { text: 'remlite', color: theme.accent },
    { text: `${sum.total} ${sum.total === 1 ? 'host' : 'hosts'}` },
    { text: `${sum.ok} ok`, color: theme.ok },
    { text: `${sum.warning} warn`, color: sum.warning ? theme.warning : undefined },
    { text: `${sum.critical} crit`, color: sum.critical ? theme.critical : undefined },
    { text: `${sum.unreachable} down`, color: sum.unreachable ? theme.critical : undefined },
    { text: `${sum.findings} ${sum.findings === 1 ? 'finding' : 'findings'}`, color: sum.findings ? theme.warning : undefined },
  ];
  if (sum.pending) parts.push({ text: `${sum.pending} pending`, color: theme.muted });
  if (sum.notProbed) parts.push({ text: `${sum.notProbed} not probed`, color: theme.muted });
  parts.push({ text: poll, color: theme.muted });
  const out: StyledPart[] = [];
  let used = 0;
  for (const [i, p] of parts.entries()) {
    const text = (i ? '  ' : '') + p.text;
    if (used + text.length > room) break;
    used += text.length;
    out.push({ text, ...(p.color ? { color: p.color } : {}), ...(i === 0 ? { bold: true } : {}) });
  }
  return out;
}

/** How long a notice stays in the status bar. */
export const NOTICE_MS = 15_000;

/** The second status line: recent notice, then providers that failed. Empty when all is well. */
export function statusMessage(s: Pick<FleetData, 'notice' | 'providers'>, now: number): { text: string; level: 'info' | 'warning' | 'error' } | undefined {
  const parts: string[] = [];
  let level: 'info' | 'warning' | 'error' = 'info';
  if (s.notice && now - s.notice.at < NOTICE_MS) {
    parts.push(sanitizeLine(s.notice.text));
    level = s.notice.level;
  }
  for (const [name, p] of Object.entries(s.providers)) {
    if (p.ok && p.listing && p.message) parts.push(sanitizeLine(p.message));
    if (p.ok) continue;
    parts.push(`provider ${sanitizeLine(name)}: ${sanitizeLine(p.message ?? 'failed')}`);
    if (level !== 'error') level = 'warning';
  }
  return parts.length ? { text: parts.join(' │ '), level } : undefined;
}

/** The second status line wrapped to `width`: a refusal or a provider failure is read whole, never cut at the edge. */
export function statusMessageRows(s: Pick<FleetData, 'notice' | 'providers'>, now: number, width: number): string[] {
  const message = statusMessage(s, now);
  return message ? wrap(message.text, width) : [];
}

export function statusLineCount(s: Pick<FleetData, 'notice' | 'providers'>, now: number, width: number): number {
  return 1 + statusMessageRows(s, now, width).length;
}

