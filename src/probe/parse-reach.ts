import type { ReachCheckResult } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';
import { HEALTH_CMD_TIMEOUT_SEC, MAX_REACH_CHECKS, REACH_TIMEOUT_SEC } from './script-reach.js';

const LINE = /^R (\d{1,3}) (learned|declared) ([A-Za-z0-9:_.@\\-]{1,200})\t([^\t]{1,600})\t(\d{0,15})$/;

function failure(code: number, check: string, detail: string): string {
  const cmd = !/^(HEAD|GET|connect) /.test(check);
  if (code === 124 || code === 137) return `no answer in ${cmd ? HEALTH_CMD_TIMEOUT_SEC : REACH_TIMEOUT_SEC} s`;
  if (code === 7) return 'connection refused or unreachable';
  if (code === 8) return 'connection closed without an answer';
  if (code === 9) return 'answered, but not with an HTTP status line';
  if (code === 10) return cmd ? `output ${detail}` : `status ${detail}`;
  if (code === 11) return 'output is not a number';
  return `exit status ${code}`;
}

/** `R <exit> <origin> <service>\t<check>\t<digits>` lines of the reach section (see script-reach.ts). */
export function parseReach(lines: string[], warn: (w: string) => void): ReachCheckResult[] {
  const out: ReachCheckResult[] = [];
  for (const l of lines) {
    const m = LINE.exec(l);
    if (!m) {
      if (l.trim()) warn(`reach: unexpected line: ${l}`);
      continue;
    }
    if (out.length >= MAX_REACH_CHECKS) break;
    const code = Number(m[1]);
    const check = sanitizeLine(m[4] ?? '').slice(0, 200);
    const r: ReachCheckResult = { origin: m[2] as ReachCheckResult['origin'], service: sanitizeLine(m[3] ?? ''), check, ok: code === 0 };
    if (code !== 0) r.detail = failure(code, check, m[5] ?? '');
    out.push(r);
  }
  return out;
}
