import type { Finding, Machine } from '../model/index.js';
import { ago, fit } from './text.js';
import type { Detector } from './types.js';

const SENDER_PREFIX = 'sender ';
/** Subject of a log host's finding about one silent sender (the sender's row gets the matching one). */
export const silentSenderSubject = (sender: string) => `${SENDER_PREFIX}${sender}`;

/**
 * Log host side, from its own data: a sender that was sending at accept (its per-sender file written
 * in the hour before) whose file has not been written for longer than logSilentAfterSec (by the log
 * host's clock), or is gone, went silent. One sender silent among others that still arrive: that
 * sender is the likely cause (its forwarder, or its way here). Every sender silent: this host is.
 */
export const detectLogSenderSilent: Detector = (ctx) => {
  const learned = ctx.baseline?.learned?.logSenders;
  const probe = ctx.poll.probe;
  if (!learned?.length || !probe) return [];
  const now = probe.remoteTimeMs;
  const limitSec = ctx.thresholds.logSilentAfterSec;
  const silent = learned.flatMap((sender) => {
    const seen = probe.logSenders?.find((s) => s.sender === sender);
    if (seen && now - seen.lastSeenMs <= limitSec * 1000) return [];
    return [{ sender, last: seen ? `last message ${ago(seen.lastSeenMs, now)}` : 'its file is gone' }];
  });
  if (silent.length === 0) return [];
  const over = `for over ${limitSec < 120 ? `${limitSec}s` : `${Math.round(limitSec / 60)}m`}`;
  const setting = `silent after ${limitSec} s without a write (setting logSilentAfterSec)`;
  if (silent.length === learned.length && learned.length >= 2) {
    return [
      {
        machineId: ctx.machine.id,
        class: 'remote-logging-broken',
        severity: 'critical',
        summary: fit(`likely cause: no logs from any of ${learned.length} senders ${over}`),
        evidence: [...silent.slice(0, 20).map((s) => fit(`${s.sender}: ${s.last}`)), fit(setting), 'one root cause, many symptoms: is the listener (rsyslog imtcp) up on this host?'],
        subject: 'log receiver',
        repairs: [],
      },
    ];
  }
  return silent.map(
    (s): Finding => ({
      machineId: ctx.machine.id,
      class: 'remote-logging-broken',
      severity: 'warning',
      summary: fit(`no logs from ${s.sender} ${over} (${s.last})`),
      evidence: [fit(`${s.sender} was sending at accept; /var/log/remote/${s.sender}.log: ${s.last}`), fit(setting), fit(`the other senders still arrive: check ${s.sender}'s forwarder first`)],
      subject: silentSenderSubject(s.sender),
      repairs: [],
    }),
  );
};

export interface SenderSilentView {
  machine: Machine;
  findings?: readonly Finding[];
  derived?: readonly Finding[];
}

/**
 * The sender's row of a log host's "no logs from X" finding: X is the likely cause (one root cause),
 * with the log host's evidence and the restart of its forwarder. Pure: from each host's own findings.
 */
export function silentSenderFindings(hosts: readonly SenderSilentView[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const logHost of hosts) {
    for (const f of logHost.findings ?? []) {
      if (f.class !== 'remote-logging-broken' || !f.subject?.startsWith(SENDER_PREFIX) || logHost.derived?.includes(f)) continue;
      const name = f.subject.slice(SENDER_PREFIX.length);
      const sender = hosts.find((h) => h.machine.id !== logHost.machine.id && (h.machine.name === name || h.machine.id === name))?.machine;
      if (!sender) continue;
      const list = out.get(sender.id) ?? [];
      list.push({
        machineId: sender.id,
        class: 'remote-logging-broken',
        severity: 'warning',
        summary: fit(`likely cause: ${logHost.machine.name} gets no logs from this host (${f.summary.replace(/^no logs from \S+ /, '')})`),
        evidence: [...f.evidence.slice(0, 2), `the other senders still reach ${logHost.machine.name}: this host's forwarder (rsyslog) is the likely cause`],
        subject: `silent at ${logHost.machine.name}`,
        repairs: [{ action: 'service.restart', params: { service: 'rsyslog' }, label: 'Restart rsyslog (reconnect the forwarder)' }],
      });
      out.set(sender.id, list);
    }
  }
  return out;
}
