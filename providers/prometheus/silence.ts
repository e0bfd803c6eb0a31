import { sanitizeLine } from '../../src/util/sanitize.js';
import { firstLine, httpText, type QueryTarget } from './http-text.js';

/** What a silence is made of; every value is checked by validateSilence before it is used. */
export interface SilenceRequest {
  alert: string;
  /** The host label name and value the silence matches besides the alert name. */
  hostLabel: string;
  host: string;
  duration: string;
  comment: string;
  createdBy: string;
}

const ALERT_NAME = /^[A-Za-z0-9_:.-]{1,128}$/;
const DURATION = /^([1-9][0-9]{0,3})(m|h|d)$/;

/** "30m", "2h", "7d" → milliseconds (at most 90 days), or undefined. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return ms <= 90 * 86_400_000 ? ms : undefined;
}

/** Why these silence parameters are refused, or undefined. Pure. */
export function validateSilence(p: Record<string, string>): string | undefined {
  if (!p['alert'] || !ALERT_NAME.test(p['alert'])) return `"${sanitizeLine(p['alert'] ?? '')}" is not an alert name`;
  if (!p['label'] || !/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/.test(p['label'])) return `"${sanitizeLine(p['label'] ?? '')}" is not a label name`;
  if (!p['duration'] || durationMs(p['duration']) === undefined) return `duration "${sanitizeLine(p['duration'] ?? '')}" is not like 30m, 2h or 7d (at most 90 days)`;
  const comment = p['comment'] ?? '';
  if (!comment.trim() || comment.length > 500 || sanitizeLine(comment) !== comment) return 'a comment (one line of plain text, at most 500 characters) is required';
  return undefined;
}

/** The Alertmanager API body of a silence starting now. Pure. */
export function silenceBody(r: SilenceRequest, nowMs: number): object {
  return {
    matchers: [
      { name: 'alertname', value: r.alert, isRegex: false, isEqual: true },
      // `instance` carries the port ("web1:9100"): match the host with or without one.
      r.hostLabel === 'instance'
        ? { name: 'instance', value: `${r.host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:[0-9]+)?`, isRegex: true, isEqual: true }
        : { name: r.hostLabel, value: r.host, isRegex: false, isEqual: true },
    ],
    startsAt: new Date(nowMs).toISOString(),
    endsAt: new Date(nowMs + durationMs(r.duration)!).toISOString(),
    createdBy: r.createdBy,
    comment: r.comment,
  };
}

/** POST /api/v2/silences; resolves with the new silence's id. */
export async function postSilence(target: QueryTarget, body: object): Promise<string> {
  const { status, text } = await httpText(target, { path: '/api/v2/silences', body: { type: 'application/json', text: JSON.stringify(body) }, maxBytes: 64 * 1024 });
  if (status !== 200) throw new Error(`HTTP ${status}: ${firstLine(text)}`);
  try {
    const id = (JSON.parse(text) as { silenceID?: unknown }).silenceID;
    if (typeof id === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(id)) return id;
  } catch {
    // fall through
  }
  throw new Error('Alertmanager did not answer with a silence id');
}
