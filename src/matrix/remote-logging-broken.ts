import type { Finding, LogForwardTarget, Machine, PollResult } from '../model/index.js';
import { ago, findService, fit } from './text.js';
import type { Detector } from './types.js';

/** A TCP forwarding target with no established connection: logs are not reaching it. */
const brokenTarget = (t: LogForwardTarget): boolean => t.protocol === 'tcp' && !t.states.includes('ESTAB');

function stateWords(t: LogForwardTarget): string {
  if (t.states.length === 0) return 'no connection';
  if (t.states.includes('CLOSE-WAIT')) return 'closed by the log host';
  return `connection ${[...new Set(t.states)].join(', ')}`;
}

/**
 * Sender side of remote logging: rsyslog forwards over TCP (omfwd protocol="tcp" or @@host:port)
 * but has no established connection to the log host: the forwarder is stopped, or the log host
 * closed or refuses the connection. Logs then wait in the forwarder's queue (or are lost without
 * one). Restarting rsyslog reconnects; a disk-assisted queue keeps what was not sent.
 */
export const detectRemoteLoggingBroken: Detector = (ctx) => {
  const probe = ctx.poll.probe;
  if (!probe?.logForwarding) return [];
  const rsyslog = findService(probe.services, 'rsyslog');
  const out: Finding[] = [];
  for (const t of probe.logForwarding.filter(brokenTarget)) {
    const target = `${t.host}:${t.port}`;
    const evidence = [fit(`rsyslog forwards to ${target} over TCP: ${stateWords(t)}`)];
    if (rsyslog && rsyslog.active !== 'active') evidence.push(fit(`the forwarder rsyslog is ${rsyslog.active} (${rsyslog.sub})`));
    else evidence.push(fit(`is the log host ${t.host} listening on ${t.port}? rsyslog reconnects when it next sends`));
    out.push({
      machineId: ctx.machine.id,
      class: 'remote-logging-broken',
      severity: 'warning',
      summary: fit(`logs not reaching ${target} (${stateWords(t)})`),
      evidence,
      subject: target,
      repairs: [{ action: 'service.restart', params: { service: 'rsyslog' }, label: 'Restart rsyslog (reconnect the forwarder)' }],
    });
  }
  return out;
};

export interface LogSenderView {
  machine: Machine;
  last?: PollResult;
}

/**
 * Log host side, across the fleet: when two or more hosts forward to a log host of the fleet and
 * none of them reaches it, the log host itself is the likely cause (listener down); its row says so.
 */
export function logHostCauseFindings(hosts: readonly LogSenderView[]): Map<string, Finding[]> {
  const byTarget = new Map<string, { ok: string[]; broken: string[] }>();
  for (const h of hosts) {
    for (const t of h.last?.probe?.logForwarding ?? []) {
      if (t.protocol !== 'tcp') continue;
      const server = hosts.find((x) => x.machine.id !== h.machine.id && (x.machine.ssh?.host === t.host || x.machine.name === t.host));
      if (!server) continue;
      const key = `${server.machine.id}\n${t.port}`;
      const e = byTarget.get(key) ?? { ok: [], broken: [] };
      (brokenTarget(t) ? e.broken : e.ok).push(h.machine.name);
      byTarget.set(key, e);
    }
  }
  const out = new Map<string, Finding[]>();
  for (const [key, { ok, broken }] of byTarget) {
    if (ok.length > 0 || broken.length < 2) continue;
    const [id = '', port = ''] = key.split('\n');
    const list = out.get(id) ?? [];
    // The log host's own view: when each sender's file was last written.
    const own = hosts.find((h) => h.machine.id === id)?.last?.probe;
    const lastSeen = broken.sort().flatMap((name) => {
      const s = own?.logSenders?.find((x) => x.sender === name);
      return s ? [fit(`${name}: last message ${ago(s.lastSeenMs, own?.remoteTimeMs ?? s.lastSeenMs)}`)] : [];
    });
    list.push({
      machineId: id,
      class: 'remote-logging-broken',
      severity: 'critical',
      summary: fit(`likely cause: logs of ${broken.length} hosts do not arrive on port ${port} here`),
      evidence: [fit(`no established connection from: ${broken.join(', ')}`), ...lastSeen, 'one root cause, many symptoms: is the listener (rsyslog imtcp) up on this host?'],
      subject: `log receiver :${port}`,
      repairs: [],
    });
    out.set(id, list);
  }
  return out;
}
