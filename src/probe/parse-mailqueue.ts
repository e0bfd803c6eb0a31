import type { MailQueueStatus } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';

/** Parses the mailqueue section: `count=N` or `unavailable=REASON`; undefined when empty (no postfix). */
export function parseMailQueue(lines: string[], warn: (w: string) => void): MailQueueStatus | undefined {
  const line = lines.find((l) => l.trim());
  if (!line) return undefined;
  const count = /^count=(\d{1,9})$/.exec(line.trim());
  if (count) return { count: Number(count[1]) };
  if (line.startsWith('unavailable=')) return { unavailable: sanitizeLine(line.slice('unavailable='.length)).slice(0, 200) || 'no answer' };
  warn(`mailqueue: unexpected line: ${line}`);
  return undefined;
}
