import { useMemo } from 'react';
import type React from 'react';
import { Text } from 'ink';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { fleetSummary } from '../src/store/selectors.js';
import { formatAge } from '../src/util/format-age.js';
import { useNow, useView } from './context.js';
import { useRowsClock } from './use-rows-clock.js';
import { statusMessage, statusMessageRows, summaryParts } from './status-summary.js';

export { NOTICE_MS, statusLineCount, statusMessage } from './status-summary.js';

export function StatusBar({ width }: { width: number }): React.JSX.Element {
  const { store, theme } = useView();
  const now = useNow();
  const { hosts, order, lastPollAt, readOnly, notice, providers } = useStore(
    store,
    useShallow((s) => ({ hosts: s.hosts, order: s.order, lastPollAt: s.lastPollAt, readOnly: s.readOnly, notice: s.notice, providers: s.providers })),
  );
  // A key that only moves the selection re-renders the bar, and so does each second: the count over
  // every host waits for a change of the fleet or a row turning stale.
  const rowsAt = useRowsClock(hosts, order, now);
  const sum = useMemo(() => fleetSummary({ hosts, order }, rowsAt), [hosts, order, rowsAt]);
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
      {message
        ? statusMessageRows({ notice, providers }, now, width).map((row, i) => (
            <Text key={i} color={message.level === 'error' ? theme.critical : message.level === 'warning' ? theme.warning : theme.accent} wrap="truncate-end">
              {row}
            </Text>
          ))
        : null}
    </>
  );
}

function renderSummary(sum: ReturnType<typeof fleetSummary>, poll: string, theme: ReturnType<typeof useView>['theme'], room: number) {
  return summaryParts(sum, poll, theme, room).map((p, i) => (
    <Text key={i} color={p.color} bold={p.bold}>
      {p.text}
    </Text>
  ));
}
