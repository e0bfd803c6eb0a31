import type React from 'react';
import { useState } from 'react';
import { Box, Text } from 'ink';
import { useStore } from 'zustand';
import type { LogSource } from '../src/model/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { findLine, lineSeverity, logWindow, splitMatches } from './log-window.js';
import { ListScreen, useList, type RowAction } from './ListScreen.js';
import type { PaneProps } from './pane.js';
import type { Column } from './Table.js';
import { fit, truncate } from './text.js';

const SOURCE_COLUMNS: Column<LogSource>[] = [
  { key: 'kind', header: 'KIND', width: 5 },
  { key: 'target', header: 'SOURCE', width: 'flex', value: (s) => sanitizeLine(s.target) },
];

const NO_LINES: readonly string[] = [];

/** Follow/pause position. While paused the view is pinned to an absolute line number (dropped + index). */
interface Position {
  follow: boolean;
  topAbs: number;
  /** Absolute line count when paused; what arrived since is "new". */
  totalAtPause: number;
}

export function LogsPane(props: PaneProps): React.JSX.Element {
  const { store, intents, theme } = useView();
  const machineId = props.host.machine.id;
  const log = useStore(store, (s) => (s.log && s.log.machineId === machineId ? s.log : undefined));
  const sources = props.host.machine.logs;
  const sourceList = useList(sources, (s) => s.id);
  const [pos, setPos] = useState<Position>({ follow: true, topAbs: 0, totalAtPause: 0 });
  const [wrap, setWrap] = useState(false);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const viewHeight = Math.max(1, props.height - 1);
  // Every line drawn is sanitized (logWindow's `clean`) even though the core sanitizes too: remote text
  // never reaches the terminal raw. Only the drawn rows: the scrollback is not re-read per batch.
  const lines = log?.lines ?? NO_LINES;

  if (!log) {
    const open: RowAction<LogSource> = {
      keys: ['Enter'],
      run: (src) => {
        setPos({ follow: true, topAbs: 0, totalAtPause: 0 });
        intents.openLog(machineId, src.id);
      },
    };
    return (
      <Box flexDirection="column">
        <Text color={theme.muted} wrap="truncate-end">
          {fit('choose a log source, Enter opens it', props.width)}
        </Text>
        <ListScreen
          list={sourceList}
          columns={SOURCE_COLUMNS}
          height={viewHeight - 1}
          width={props.width}
          inputRef={props.inputRef}
          actions={[open]}
          emptyText="this host declares no log sources"
        />
      </Box>
    );
  }

  const total = log.dropped + lines.length;
  const rows = logWindow(lines, { height: viewHeight, width: props.width, wrap, follow: pos.follow, top: pos.topAbs - log.dropped, clean: sanitizeLine });
  const shownTop = rows[0]?.line ?? 0;
  const pauseAt = (topIndex: number): Position => ({
    follow: false,
    topAbs: log.dropped + Math.max(0, Math.min(topIndex, lines.length - 1)),
    totalAtPause: pos.follow ? total : pos.totalAtPause,
  });
  const jumpToMatch = (needle: string, from: number, dir: 1 | -1) => {
    const hit = findLine(lines, needle, from, dir);
    if (hit >= 0) setPos(pauseAt(hit));
  };

  props.inputRef.current = (input, key) => {
    if (editing !== null) {
      if (key.return) {
        const needle = editing;
        setEditing(null);
        setSearch(needle);
        jumpToMatch(needle, lines.length - 1, -1);
      } else if (key.escape) setEditing(null);
      else if (key.backspace || key.delete) setEditing(editing.slice(0, -1));
      else if (input && !key.ctrl && !key.meta) setEditing(editing + sanitizeLine(input));
      return true;
    }
    if (input === ' ') setPos(pos.follow ? pauseAt(shownTop) : { ...pos, follow: true });
    else if (input === 'k' || key.upArrow) setPos(pauseAt(shownTop - 1));
    else if (input === 'j' || key.downArrow) setPos(pauseAt(shownTop + 1));
    else if (key.pageUp) setPos(pauseAt(shownTop - viewHeight));
    else if (key.pageDown) setPos(pauseAt(shownTop + viewHeight));
    else if (input === 'g' || key.home) setPos(pauseAt(0));
    else if (input === 'G' || key.end) setPos({ ...pos, follow: true });
    else if (input === 'w') setWrap(!wrap);
    else if (input === '/') setEditing('');
    else if (input === 'n') jumpToMatch(search, shownTop + 1, 1);
    else if (input === 'N') jumpToMatch(search, shownTop - 1, -1);
    else if (key.escape) {
      if (search) setSearch('');
      else intents.closeLog();
    } else return false;
    return true;
  };

  const source = sources.find((s) => s.id === log.sourceId);
  const statusText =
    log.status === 'error'
      ? `error: ${sanitizeLine(log.error ?? 'stream failed')}`
      : log.status === 'reconnecting'
        ? `reconnecting: ${sanitizeLine(log.error ?? '')}`
        : log.status;
  const newLines = pos.follow ? 0 : total - pos.totalAtPause;
  const parts = [
    sanitizeLine(source?.target ?? log.sourceId),
    statusText,
    pos.follow ? 'following' : `PAUSED${newLines > 0 ? ` +${newLines} new` : ''}`,
    wrap ? 'wrap' : '',
    search ? `/${search}` : '',
    log.dropped ? `${log.dropped} dropped` : '',
  ].filter(Boolean);
  const statusColor = log.status === 'error' ? theme.critical : log.status === 'reconnecting' ? theme.warning : pos.follow ? theme.accent : theme.warning;

  return (
    <Box flexDirection="column">
      {editing !== null ? (
        <Text wrap="truncate-end">
          <Text color={theme.accent}>search /</Text>
          {truncate(editing + '█', props.width - 8)}
        </Text>
      ) : (
        <Text color={statusColor} wrap="truncate-end">
          {truncate(parts.join(' · '), props.width)}
        </Text>
      )}
      {rows.length === 0 ? (
        <Text color={theme.muted}>{log.status === 'connecting' ? 'connecting…' : 'no lines yet'}</Text>
      ) : (
        rows.map((r, i) => {
          const sev = lineSeverity(lines[r.line] ?? '');
          const color = sev === 'error' ? theme.critical : sev === 'warning' ? theme.warning : undefined;
          return (
            <Text key={i} color={color} wrap="truncate-end">
              {splitMatches(r.text, search).map((p, j) =>
                p.match ? (
                  <Text key={j} inverse>
                    {p.text}
                  </Text>
                ) : (
                  p.text
                ),
              )}
            </Text>
          );
        })
      )}
    </Box>
  );
}
