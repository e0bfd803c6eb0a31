
import { fit } from './text.js';
import type { Detector } from './types.js';

/** The host offered a key known_hosts does not vouch for: the console refused to connect. */
export const detectUntrustedHostKey: Detector = (ctx) => {
  const { poll, machine } = ctx;
  if (poll.reach !== 'untrusted') return [];
  const key = poll.hostKey;
  const status = key?.status ?? 'unknown';
  const summary =
    status === 'changed'
      ? 'host key CHANGED: not connected'
      : status === 'revoked'
        ? 'host key is revoked: not connected'
        : 'unknown host key: not connected';
  const evidence: string[] = [];
  if (key) {
    evidence.push(fit(`offered: ${key.type} ${key.fingerprint}`));
    evidence.push(fit(`known_hosts name: ${key.knownHostsName}`));
  }
  if (poll.error) evidence.push(fit(`error: ${poll.error}`));
  if (status === 'changed') evidence.push('a changed key may mean a reinstall or an interception');
  return [{ machineId: machine.id, class: 'untrusted-host-key', severity: 'critical', summary, evidence, repairs: [] }];
};
