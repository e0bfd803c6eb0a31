import type { Finding, NetMountStatus } from '../model/index.js';
import { ago, fit } from './text.js';
import type { Detector } from './types.js';

export const NETMOUNT_CLASS = 'netmount-unavailable' as const;

const WHAT: Record<Exclude<NetMountStatus['state'], 'ok' | 'unchecked'>, string> = {
  hung: 'hung',
  stale: 'stale',
  missing: 'not mounted',
};

/** The evidence line naming the server a mount depends on (the likely root cause). */
function serverLine(m: NetMountStatus): string {
  return m.server ? fit(`file server ${m.server} (from ${m.device})`) : fit(`source ${m.device} names no server`);
}

/**
 * Network mounts (NFS, CIFS, sshfs…) that hang, went stale, or are in fstab but not mounted. The
 * probe checks them detached, so a hung one never holds up the poll. Critical: whatever reads the
 * mount (web workers, backups) blocks or fails. A stale or missing mount can be mounted again
 * (netmount.remount); a hung one waits on its server, named in the evidence: remounting would not
 * help while the server does not answer, so none is offered.
 */
export const detectNetmountUnavailable: Detector = (ctx) => {
  const mounts = ctx.poll.probe?.netMounts;
  if (!mounts) return [];
  const out: Finding[] = [];
  for (const m of mounts) {
    if (m.state === 'ok' || m.state === 'unchecked') continue;
    const evidence = [fit(`${m.mount} (${m.fstype}) ${WHAT[m.state]}`), serverLine(m)];
    if (m.state === 'hung') {
      evidence.push(`a check has been blocked since ${ago(m.sinceMs, ctx.poll.probe?.remoteTimeMs ?? ctx.now)}: the server does not answer`);
      evidence.push('look at the server first (frozen, overloaded, network); no remount while it hangs');
    } else if (m.state === 'stale') {
      evidence.push(fit(m.error ? `error: ${m.error}` : 'the check failed at once'));
    } else {
      evidence.push('listed in /etc/fstab but not mounted: the server may have gone away');
    }
    out.push({
      machineId: ctx.machine.id,
      class: NETMOUNT_CLASS,
      severity: 'critical',
      summary: fit(`network mount ${m.mount} ${WHAT[m.state]}${m.server ? ` (server ${m.server})` : ''}`),
      evidence,
      subject: m.mount,
      repairs:
        m.state === 'hung'
          ? []
          : [{ action: 'netmount.remount', params: { mount: m.mount }, label: `Mount ${m.mount} again` }],
    });
  }
  return out;
};
