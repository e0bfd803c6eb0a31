import React from 'react';
import { Text } from 'ink';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { FleetData } from '../src/store/index.js';
import { fleetSummary, formatAge } from '../src/store/selectors.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useNow, useView } from './context.js';
import { truncate } from './text.js';

/** How long a notice stays in the status bar. */
export const NOTICE_MS = 15_000;

/** The second status line: recent notice, then providers that failed. Empty when all is well. */
export function statusMessage(s: Pick<FleetData, 'notice' | 'providers'>, now: number): { text: string; level: 'info' | 'warning' | 'error' } | undefined {
  const parts: string[] = [];
  let level: 'info' | 'warning' | 'error' = 'info';
  if (s.notice && now - s.notice.at < NOTICE_MS) {
    parts.push(sanitizeLine(s.notice.text));
    level = s.notice.level;
  }
  for (const [name, p] of Object.entries(s.providers)) {
    if (p.ok) continue;
    parts.push(`provider ${sanitizeLine(name)}: ${sanitizeLine(p.message ?? 'failed')}`);
    if (level !== 'error') level = 'warning';
  }
  return parts.length ? { text: parts.join(' │ '), level } : undefined;
}

export function StatusBar({ width }: { width: number }): React.JSX.Element {
  const { store, theme } = useView();
  const now = useNow();
  const { hosts, order, lastPollAt, readOnly, notice, providers } = useStore(
    store,
    useShallow((s) => ({ hosts: s.hosts, order: s.order, lastPollAt: s.lastPollAt, readOnly: s.readOnly, notice: s.notice, providers: s.providers })),
  );
  const sum = fleetSummary({ hosts, order }, now);
  const message = statusMessage({ notice, providers }, now);
  const badge = readOnly ? ' READ-ONLY ' : '';
  const poll = lastPollAt ? `poll ${formatAge(now - lastPollAt)} ago` : 'poll —';
  const room = Math.max(0, width - badge.length - (badge ? 1 : 0));
  return (
    <>
      <Text wrap="truncate-end">
        {badge ? (
          <Text inverse bold color={theme.warning}>
            {badge}
          </Text>
        ) : null}
        {badge ? ' ' : ''}
        {renderSummary(sum, poll, theme, room)}
      </Text>
      {message ? (
        <Text color={message.level === 'error' ? theme.critical : message.level === 'warning' ? theme.warning : theme.accent} wrap="truncate-end">
          {truncate(message.text, width)}
        </Text>
      ) : null}
    </>
  );
}

export function statusLineCount(s: Pick<FleetData, 'notice' | 'providers'>, now: number): number {
  return statusMessage(s, now) ? 2 : 1;
}

function renderSummary(sum: ReturnType<typeof fleetSummary>, poll: string, theme: ReturnType<typeof useView>['theme'], room: number) {
  const parts: { text: string; color?: string }[] = [
    { text: 'remlite', color: theme.accent },
    { text: `${sum.total} ${sum.total === 1 ? 'host' : 'hosts'}` },
    { text: `${sum.ok} ok`, color: theme.ok },
    { text: `${sum.warning} warn`, color: sum.warning ? theme.warning : undefined },
    { text: `${sum.critical} crit`, color: sum.critical ? theme.critical : undefined },
    { text: `${sum.unreachable} down`, color: sum.unreachable ? theme.critical : undefined },
    { text: `${sum.findings} ${sum.findings === 1 ? 'finding' : 'findings'}`, color: sum.findings ? theme.warning : undefined },
  ];
  if (sum.pending) parts.push({ text: `${sum.pending} pending`, color: theme.muted });
  if (sum.notProbed) parts.push({ text: `${sum.notProbed} not probed`, color: theme.muted });
  parts.push({ text: poll, color: theme.muted });
  // Cut whole parts from the end so the line never exceeds the terminal.
  const out: React.JSX.Element[] = [];
  let used = 0;
  let full = false;
  parts.forEach((p, i) => {
    const text = (i ? '  ' : '') + p.text;
    if (full || used + text.length > room) {
      full = true;
      return;
    }
    used += text.length;
    out.push(
      <Text key={i} color={p.color} bold={i === 0}>
        {text}
      </Text>,
    );
  });
  return out;
}
