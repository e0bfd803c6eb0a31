import type { Finding } from '../model/index.js';
import type { Detector } from './types.js';

/**
 * The postfix queue holds more messages than it should: mail is not leaving (a relay or the local
 * delivery agent refuses, deferrals pile up). `mail.flush` retries delivery of everything queued now;
 * it loses nothing (what still fails stays queued), so it is safe once the cause is fixed.
 */
export const detectMailQueueBacklog: Detector = (ctx) => {
  const count = ctx.poll.probe?.mailQueue?.count;
  const { mailQueueWarn, mailQueueCrit } = ctx.thresholds;
  if (count === undefined || count < mailQueueWarn) return [];
  const finding: Finding = {
    machineId: ctx.machine.id,
    class: 'mail-queue-backlog',
    severity: count >= mailQueueCrit ? 'critical' : 'warning',
    summary: `mail queue holds ${count} messages`,
    evidence: [
      `postqueue -p: ${count} requests (warning at ${mailQueueWarn}, critical at ${mailQueueCrit})`,
      'see why they are deferred: postqueue -p, /var/log/mail.log; fix that, then flush',
    ],
    subject: 'postfix queue',
    repairs: [{ action: 'mail.flush', params: {}, label: 'Flush the mail queue (retry delivery now)' }],
  };
  return [finding];
};
