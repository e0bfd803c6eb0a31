import { acceptNewCommand, isEmptyPlan, newChecksPlan } from '../../baseline/accept-new.js';
import type { CatalogueEntry } from './types.js';

/** The repair of a not-accepted finding: capture only the declared checks the baseline lacks, and add them to it. */
export const ACCEPT_NEW_ENTRIES: Record<string, CatalogueEntry> = {
  'baseline.accept-new': {
    id: 'baseline.accept-new',
    title: () => 'Accept only the new declared checks into the baseline',
    params: [],
    validate: () => undefined,
    check(_p, ctx) {
      if (!ctx.baseline) return `no baseline for ${ctx.machine.name} yet: accept the whole host first (A, or remlite accept ${ctx.machine.name})`;
      if (isEmptyPlan(newChecksPlan(ctx.machine, ctx.baseline))) return `every declared check of ${ctx.machine.name} is in its baseline already`;
      return undefined;
    },
    // Read-only on the host: stat, sha256 and a copy of each new file, each new database's tables;
    // the runner adds them to the stored baseline (src/baseline/accept-new.ts).
    command: (_p, ctx) => acceptNewCommand(ctx.machine, newChecksPlan(ctx.machine, ctx.baseline!)),
    expected: () => 'the new checks are in the baseline; the next probe has no not-accepted finding and watches them',
  },
};
