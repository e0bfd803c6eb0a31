
import { fit } from './text.js';
import type { Detector } from './types.js';

const SUMMARY: Partial<Record<string, string>> = {
  unreachable: 'host unreachable',
  timeout: 'probe timed out',
  'auth-failed': 'SSH authentication failed',
};

/** The poll could not reach the host, timed out, or was refused at authentication. */
export const detectUnreachable: Detector = (ctx) => {
  const { poll, machine } = ctx;
  const summary = SUMMARY[poll.reach];
  if (!summary) return [];
  const evidence: string[] = [];
  if (poll.error) evidence.push(fit(`error: ${poll.error}`));
  const ssh = machine.ssh;
  if (ssh) evidence.push(fit(`target: ${ssh.user}@${ssh.host}:${ssh.port}`));
  if (poll.reach === 'auth-failed') {
    evidence.push(fit(`hint: check the user, identity files and ssh-agent for ${machine.name}`));
  }
  return [
    {
      machineId: machine.id,
      class: 'unreachable',
      severity: 'critical',
      summary: fit(summary),
      evidence,
      repairs: [],
    },
  ];
};
