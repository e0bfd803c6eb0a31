import type React from 'react';
import { useState } from 'react';
import { Box, Text } from 'ink';
import type { LogView } from '../src/store/index.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { findLine, lineSeverity, logWindow, splitMatches } from './log-window.js';
import type { PaneInput } from './pane.js';
import { truncate } from './text.js';

/** Follow/pause position. While paused the view is pinned to an absolute line number (dropped + index). */
interface Position {
  follow: boolean;
  topAbs: number;
  /** Absolute line count when paused; what arrived since is "new". */
  totalAtPause: number;
}

export interface LogViewerProps {
  log: LogView;
  /** What is followed, first on the status line (sanitized by the caller). */
  title: string;
  height: number;
  width: number;
  inputRef: { current: PaneInput | null };
  /** A prefix drawn before each line (a pool log's host), the same width on every line. */
  prefix?: { width: number; of: (line: number) => { text: string; color?: string } };
}

/**
 * An open log: the bounded scrollback followed live or paused, scrolled, searched and wrapped. The
 * Logs tab of a host and the pool log screen both show their log through it.
 */
export function LogViewer(props: LogViewerProps): React.JSX.Element {
  const { intents, theme } = useView();
  const { log } = props;
  const [pos, setPos] = useState<Position>({ follow: true, topAbs: 0, totalAtPause: 0 });
  const [wrap, setWrap] = useState(false);
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const viewHeight = Math.max(1, props.height - 1);
  const lines = log.lines;
  const prefixWidth = props.prefix?.width ?? 0;

  const total = log.dropped + lines.length;
  // Every line drawn is sanitized (logWindow's `clean`) even though the core sanitizes too: remote text
  // never reaches the terminal raw. Only the drawn rows: the scrollback is not re-read per batch.
  const rows = logWindow(lines, { height: viewHeight, width: props.width - prefixWidth, wrap, follow: pos.follow, top: pos.topAbs - log.dropped, clean: sanitizeLine });
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

  const statusText =
    log.status === 'error'
      ? `error: ${sanitizeLine(log.error ?? 'stream failed')}`
      : log.status === 'reconnecting'
        ? `reconnecting: ${sanitizeLine(log.error ?? '')}`
        : log.status;
  const newLines = pos.follow ? 0 : total - pos.totalAtPause;
  const parts = [
    props.title,
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
          // A wrapped line's host prefix is drawn on its first row only.
          const first = i === 0 || rows[i - 1]?.line !== r.line;
          const prefix = props.prefix ? (first ? props.prefix.of(r.line) : { text: ' '.repeat(prefixWidth) }) : undefined;
          return (
            <Text key={i} wrap="truncate-end">
              {prefix ? <Text color={prefix.color}>{prefix.text}</Text> : null}
              <Text color={color}>
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
            </Text>
          );
        })
      )}
    </Box>
  );
}
