import type { Finding } from '../model/index.js';
import { CHECKS } from './catalogue.js';
import type { DetectContext } from './types.js';

export { CHECKS, type CheckEntry } from './catalogue.js';
export { netmountCauseFindings, SERVED_MOUNTS_SUBJECT } from './netmount-cause.js';
export { logHostCauseFindings } from './remote-logging-broken.js';
export { fleetCauseFindings } from './fleet-causes.js';
export { DEFAULT_THRESHOLDS, type DetectContext, type Detector, type Thresholds } from './types.js';

/** Runs every check of the catalogue, in catalogue order. */
export function detectAll(ctx: DetectContext): Finding[] {
  const out: Finding[] = [];
  for (const check of CHECKS) {
    const found = check.detect(ctx);
    for (const f of found) out.push(f);
  }
  return out;
}
