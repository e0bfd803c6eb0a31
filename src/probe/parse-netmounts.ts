import type { NetMountStatus } from '../model/index.js';
import { sanitizeLine } from '../util/sanitize.js';
import { unescapeMount } from '../util/unescape-mount.js';

const STATES = new Set<NetMountStatus['state']>(['ok', 'stale', 'hung', 'missing', 'unchecked']);
const SERVER_NAME = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})|[0-9A-Fa-f:.]{2,45})$/;

/**
 * The server a network mount's source names: "server:/export" (NFS), "user@server:/path" (sshfs),
 * "//server/share" (CIFS), "[fe80::1]:/export", "mon1,mon2:/" (ceph: the first). Undefined when none
 * or when the name is not a plausible host name or address (the host may lie).
 */
export function serverOfDevice(device: string): string | undefined {
  let rest = device;
  let server: string | undefined;
  if (rest.startsWith('//')) server = rest.slice(2).split('/')[0];
  else {
    const at = rest.indexOf('@');
    const colon = rest.indexOf(':');
    if (at >= 0 && (colon < 0 || at < colon)) rest = rest.slice(at + 1);
    if (rest.startsWith('[')) server = rest.slice(1, rest.indexOf(']') > 0 ? rest.indexOf(']') : undefined);
    else if (rest.includes(':')) server = rest.slice(0, rest.indexOf(':')).split(',')[0];
  }
  return server && SERVER_NAME.test(server) ? server : undefined;
}

const num = (s: string | undefined): number | undefined => (s !== undefined && /^\d{1,20}$/.test(s) ? Number(s) : undefined);

/** Parses the netmounts section: `STATE TYPE DEVICE MOUNT DETAIL` per line (see script-netmounts.ts). */
export function parseNetMounts(lines: string[], warn: (w: string) => void): NetMountStatus[] {
  const out: NetMountStatus[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    if (!line.trim()) continue;
    const f = line.trim().split(/\s+/);
    const [state, fstype, device, mountRaw] = f;
    if (!state || !fstype || !device || !mountRaw || !STATES.has(state as NetMountStatus['state'])) {
      warn(`netmounts: unexpected line: ${line}`);
      continue;
    }
    const mount = unescapeMount(mountRaw);
    if (!mount.startsWith('/') || seen.has(mount)) {
      warn(`netmounts: ignoring mount ${mount}`);
      continue;
    }
    seen.add(mount);
    const dev = unescapeMount(device);
    const m: NetMountStatus = {
      mount: sanitizeLine(mount),
      device: sanitizeLine(dev),
      fstype: sanitizeLine(fstype),
      state: state as NetMountStatus['state'],
    };
    const server = serverOfDevice(dev);
    if (server) m.server = server;
    const detail = f.slice(4);
    if (m.state === 'ok') {
      // stat -f: total blocks, free blocks, blocks available to non-root, block size.
      const [blocks, , avail, bsize] = detail.map(num);
      if (blocks !== undefined && avail !== undefined && bsize !== undefined) {
        m.sizeBytes = blocks * bsize;
        m.availBytes = avail * bsize;
      }
    } else if (m.state === 'hung') {
      const since = num(/^since=(\d+)$/.exec(detail[0] ?? '')?.[1]);
      if (since !== undefined) m.sinceMs = since * 1000;
    } else {
      const text = detail.join(' ').replace(/^(err|reason)=/, '');
      if (text) m.error = sanitizeLine(text).slice(0, 200);
    }
    out.push(m);
  }
  return out;
}
