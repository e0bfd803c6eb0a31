import type { LogForwardTarget, LogSender } from '../model/index.js';
import { senderOfPath } from '../util/log-senders.js';
import { sanitizeLine } from '../util/sanitize.js';

/** The logsenders section: `EPOCH DIR/NAME.log` per sender file on a log host. */
export function parseLogSenders(lines: string[], warn: (w: string) => void): LogSender[] {
  const out: LogSender[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const m = /^(\d{1,12}) (\/.*)$/.exec(line);
    const sender = m?.[2] ? senderOfPath(m[2]) : undefined;
    if (!m?.[1] || !sender) {
      warn(`logsenders: unexpected line: ${line}`);
      continue;
    }
    out.push({ sender, lastSeenMs: Number(m[1]) * 1000 });
  }
  return out;
}

const HOST = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\])$/;

/** Forward targets of one rsyslog config line: action(type="omfwd" target=… port=… protocol=…) or @@host[:port]. */
export function forwardTargets(line: string): { host: string; port: number; protocol: 'tcp' | 'udp' }[] {
  const out: { host: string; port: number; protocol: 'tcp' | 'udp' }[] = [];
  if (/omfwd/.test(line)) {
    const target = /\btarget\s*=\s*"([^"]+)"/i.exec(line)?.[1];
    const port = Number(/\bport\s*=\s*"(\d{1,5})"/i.exec(line)?.[1] ?? '514');
    const protocol = (/\bprotocol\s*=\s*"([a-z]+)"/i.exec(line)?.[1] ?? 'udp').toLowerCase() === 'tcp' ? 'tcp' : 'udp';
    if (target && HOST.test(target) && port > 0 && port < 65536) out.push({ host: target, port, protocol });
  }
  // Legacy selector actions: "*.* @@host:port" (TCP) and "@host" (UDP); (o) options may precede the host.
  for (const m of line.matchAll(/(?:^|\s)(@@?)(?:\([^)]*\))?([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?/g)) {
    const port = Number(m[3] ?? '514');
    if (m[2] && HOST.test(m[2]) && port > 0 && port < 65536) out.push({ host: m[2], port, protocol: m[1] === '@@' ? 'tcp' : 'udp' });
  }
  return out;
}

/**
 * Parses the logfwd section: `uid=N`, `conf LINE` (rsyslog forwarding lines), `conn SS-ROW`
 * (`ss -Htanp`: state, recv-q, send-q, local, peer, users). Each TCP target gets the states of the
 * connections to it; as root only rows naming a process count (another host's sockets may show).
 */
export function parseLogForwarding(lines: string[], warn: (w: string) => void): LogForwardTarget[] {
  let uid: number | undefined;
  const targets = new Map<string, LogForwardTarget>();
  const conns: { state: string; peer: string; hasProcess: boolean }[] = [];
  for (const line of lines) {
    if (line.startsWith('uid=')) {
      const n = /^uid=(\d+)$/.exec(line)?.[1];
      uid = n === undefined ? undefined : Number(n);
    } else if (line.startsWith('conf ')) {
      for (const t of forwardTargets(line.slice(5))) {
        const key = `${t.protocol} ${t.host}:${t.port}`;
        if (!targets.has(key)) targets.set(key, { host: sanitizeLine(t.host.replace(/^\[|\]$/g, '')), port: t.port, protocol: t.protocol, states: [] });
      }
    } else if (line.startsWith('conn ')) {
      const f = line.slice(5).trim().split(/\s+/);
      if (f.length < 5 || !f[0] || !f[4]) {
        warn(`logfwd: unexpected connection row: ${line}`);
        continue;
      }
      conns.push({ state: f[0], peer: f[4], hasProcess: f.slice(5).join(' ').includes('users:(') });
    } else if (line.trim()) warn(`logfwd: unexpected line: ${line}`);
  }
  const out = [...targets.values()];
  for (const t of out) {
    if (t.protocol !== 'tcp') continue;
    const peerNames = [`${t.host}:${t.port}`, `[${t.host}]:${t.port}`];
    t.states = conns
      .filter((c) => peerNames.includes(c.peer) && (uid !== 0 || c.hasProcess))
      .map((c) => sanitizeLine(c.state).slice(0, 20));
  }
  return out;
}
