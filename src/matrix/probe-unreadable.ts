import { fit } from './text.js';
import type { Detector } from './types.js';

/** The host answered but the probe output could not be parsed (truncated, no sh, odd shell). */
export const detectProbeUnreadable: Detector = (ctx) => {
  const { poll, machine } = ctx;
  if (poll.reach !== 'unreadable') return [];
  const evidence: string[] = [];
  if (poll.error) evidence.push(fit(`error: ${poll.error}`));
  const head = (poll.raw ?? '').split('\n').filter((l) => l.trim()).slice(0, 3);
  for (const l of head) evidence.push(fit(`output: ${l}`));
  return [
    {
      machineId: machine.id,
      class: 'probe-unreadable',
      severity: 'warning',
      summary: 'probe output unreadable',
      evidence,
      repairs: [],
    },
  ];
};
