import { SEVERITY_RANK, type HostProbe, type Severity } from '../model/index.js';
import type { DetectContext } from './types.js';

export interface Sustained {
  severity: Severity;
  /** The probes of the window, oldest first, the current poll's last. */
  probes: HostProbe[];
}

/**
 * A condition that held in each of the last `sustainPolls` probed polls (history plus the current
 * poll). The severity is the mildest of the window: critical only when every poll was critical.
 * Polls without a probe (unreachable, timeout) neither count nor break the streak.
 */
export function sustained(ctx: DetectContext, level: (p: HostProbe) => Severity | undefined): Sustained | undefined {
  const current = ctx.poll.probe;
  // The current poll first: a calm host's history is never read (nor built).
  if (!current || !level(current)) return undefined;
  const n = Math.max(1, ctx.thresholds.sustainPolls);
  const earlier = (ctx.history ?? []).filter((p) => p !== ctx.poll && p.at !== ctx.poll.at && p.at < ctx.poll.at);
  const probes = [...earlier.flatMap((p) => (p.probe ? [p.probe] : [])), current].slice(-n);
  if (probes.length < n) return undefined;
  let mildest: Severity | undefined;
  for (const p of probes) {
    const s = level(p);
    if (!s) return undefined;
    if (!mildest || SEVERITY_RANK[s] < SEVERITY_RANK[mildest]) mildest = s;
  }
  return mildest ? { severity: mildest, probes } : undefined;
}
