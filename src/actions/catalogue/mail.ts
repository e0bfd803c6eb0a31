import type { CatalogueEntry } from './types.js';
import { requireOnHost } from '../guard.js';
import { withPrivilege } from '../../util/privilege.js';

const RUNNING = { test: 'postfix status >/dev/null 2>&1', words: 'postfix is running (postfix status)' };

export const MAIL_ENTRIES: Record<string, CatalogueEntry> = {
  'mail.flush': {
    id: 'mail.flush',
    title: () => 'Flush the postfix queue',
    params: [],
    validate: () => undefined,
    preconditions: () => [RUNNING.words],
    // postqueue -f asks the queue manager to retry every queued message now; nothing is deleted.
    command: (_p, ctx) => withPrivilege(ctx.machine, `${requireOnHost(RUNNING.test, RUNNING.words)} && postqueue -f`),
    expected: () => 'delivery of every queued message is retried now; the next probes show the queue shrinking (what still fails stays queued)',
  },
};
