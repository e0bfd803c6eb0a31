import type React from 'react';
import { useMemo, useRef, useState } from 'react';
import { Text } from 'ink';
import { useStore } from 'zustand';
import type { FleetEvent } from '../src/model/index.js';
import { filterEvents } from '../src/store/event-filter.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { footerText } from './keymap.js';
import { ListScreen, useList } from './ListScreen.js';
import type { PaneInput } from './pane.js';
import type { Column } from './Table.js';
import { fit } from './text.js';
import { severityColor, type Theme } from './theme.js';
import { useKeys } from './use-keys.js';
import { useRegistry } from './use-registry.js';

/** Local wall-clock time of an event (the date when it is not today's). */
function when(at: string, today: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return sanitizeLine(at).slice(0, 19);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return day === today ? time : `${day} ${time}`;
}

function level(e: FleetEvent): string {
  if (e.severity) return e.severity;
  if (e.kind === 'action-finished') return `exit ${e.exitCode ?? '-'}`;
  return '';
}

function columns(t: Theme, today: string): Column<FleetEvent>[] {
  return [
    { key: 'at', header: 'TIME', width: 8, value: (e) => when(e.at, today) },
    { key: 'kind', header: 'KIND', width: 16, value: (e) => e.kind },
    {
      key: 'level',
      header: 'SEV/EXIT',
      width: 8,
      dropOrder: 2,
      value: level,
      color: (e) => (e.severity ? severityColor(t, e.severity) : e.kind === 'action-finished' && e.exitCode !== 0 ? t.critical : undefined),
    },
    { key: 'host', header: 'HOST', width: 14, value: (e) => sanitizeLine(e.host ?? e.provider ?? '') },
    { key: 'summary', header: 'WHAT', width: 'flex', minWidth: 20, value: (e) => sanitizeLine(e.summary) },
  ];
}

/** Events are told apart by their place in the log: the list keeps the newest first, so the id counts from the oldest. */
const eventIds = (events: readonly FleetEvent[]) => new Map(events.map((e, i) => [e, String(events.length - i)] as const));

export interface EventsScreenProps {
  active: boolean;
  height: number;
  width: number;
  onBack: () => void;
  onHelp: () => void;
  onCommand: () => void;
}

/** `:events`: what happened in this console, newest first, `/` to filter (host:, class:, kind:, sev:). */
export function EventsScreen(props: EventsScreenProps): React.JSX.Element {
  const { store, theme } = useView();
  const all = useStore(store, (s) => s.events);
  const registry = useRegistry();
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => filterEvents(all, filter), [all, filter]);
  const ids = useMemo(() => eventIds(all), [all]);
  const list = useList(shown, (e) => ids.get(e) ?? '');
  const listInput = useRef<PaneInput | null>(null);
  const now = new Date();
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;

  useKeys((input, key) => {
    if (listInput.current?.(input, key)) return;
    if (input === 'q' || key.escape) props.onBack();
    else if (input === '?') props.onHelp();
    else if (input === ':') props.onCommand();
  }, props.active);

  const count = filter ? `${shown.length} of ${all.length} events (/${filter})` : `${all.length} events`;
  return (
    <ListScreen
      list={list}
      columns={columns(theme, today)}
      height={Math.max(1, props.height - 2)}
      width={props.width}
      inputRef={listInput}
      filter={{ value: filter, apply: setFilter }}
      emptyText={filter ? 'no event matches the filter' : 'no events yet: findings raised and cleared, alerts, actions and provider failures appear here'}
      footer={
        <Text wrap="truncate-end" color={theme.muted}>
          {fit(`${count} │ ${footerText(registry.hints('events', 'builtin'))}`, props.width)}
        </Text>
      }
    />
  );
}
